"""Settings for the helpdesk, read from the environment.

Every variable is documented in `.env.example`. Missing or malformed values fail loudly
at start-up instead of surfacing later as odd behaviour.
"""

from pathlib import Path
from urllib.parse import unquote

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-not-secret"  # noqa: S105

# The bare base domain serves the operator portal; `<slug>.<BASE_DOMAIN>` serves a care
# organisation. In development both resolve to loopback (`*.localhost`).
BASE_DOMAIN = env.str("BASE_DOMAIN", default="localhost").lower()
SITE_SCHEME = env.str("SITE_SCHEME", default="https" if not DEBUG else "http")
SITE_PORT = env.int("SITE_PORT", default=0)  # 0: the scheme's default port
if SITE_SCHEME not in {"http", "https"}:
    raise ImproperlyConfigured("SITE_SCHEME must be http or https.")
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}"]

# --- Applications -----------------------------------------------------------------------------

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "escalations",
    # Shared instructions and courses, written by the operator's professionals (public schema only).
    "knowledgebase.shared",
    "helpdesk.accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "helpdesk",
    "helpdesk.outbox",
    "demo",
]

TENANT_APPS = [
    "helpdesk.accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    # Each organisation's people keep their authenticator apps in their own schema (docs/decisions.md).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "helpdesk.outbox",
    "tickets",
    "knowledgebase",
    "reporting",
    "support",
    "satisfaction",
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.CareOrganisation"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "web.urls_public"
ROOT_URLCONF = "web.urls_tenant"
# New organisations are cloned from a migrated template schema instead of running every
# migration again, so set-up time stays flat as migrations grow (docs/decisions.md, docs/benchmarks.md).
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_SCHEMA_PREFIX = "org_"
# `SET search_path` once per schema change, not before every statement. django-tenants forgets
# what it set whenever the schema changes (`set_tenant`, which the host routing calls at the start
# and end of every request), the connection closes or goes back to the pool, or a transaction or
# savepoint that may have carried the SET rolls back; the next cursor then sets it again
# (tests/test_connection_pool.py, tests/tenants/test_search_path.py).
TENANT_LIMIT_SET_CALLS = True

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "helpdesk.accounts.backends.StaffPasswordBackend",
    "helpdesk.accounts.backends.TokenBackend",
]

MIDDLEWARE = [
    "tenants.middleware.CareOrganisationMiddleware",
    "helpdesk.accounts.audit.AuditOriginMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # No page is stored by browsers or proxies; answers that say how they may be kept (static
    # files from WhiteNoise, the brand stylesheet) keep their own Cache-Control.
    "helpdesk.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads request.GET or request.POST: too many fields answer a plain 400.
    "helpdesk.middleware.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "helpdesk.middleware.SessionHostGuardMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Managers, and volunteers who chose one, give their code before any other page of their organisation.
    "helpdesk.middleware.SecondFactorMiddleware",
    # Inside the session middleware: notes when the session was last saved (the expiry warning counts from it).
    "helpdesk.middleware.SessionSavedAtMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helpdesk.context_processors.site",
            ],
        },
    },
    {
        # The hottest parts of pages: form fields, the queue, the question page (docs/decisions.md #22).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2_templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "helpdesk.jinja_env.environment",
            # One masked CSRF token per request for every form of a page.
            "context_processors": ["helpdesk.context_processors.csrf_once"],
        },
    },
]

# Form fields render through Jinja2 with Django's own widget templates: the same HTML, in about a
# third of the time of the Django template language (a question page renders nine fields).
FORM_RENDERER = "django.forms.renderers.Jinja2"

WSGI_APPLICATION = "helpdesk.wsgi.application"

# --- Database, cache, Celery --------------------------------------------------------------------

if "DATABASE_URL" not in env:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `make run` or `make test`, which start an embedded "
        "PostgreSQL when no server is configured, or point DATABASE_URL at a server."
    )
DATABASES = {"default": env.db_url("DATABASE_URL", engine="django_tenants.postgresql_backend")}
# A Unix socket folder comes percent-encoded in the URL's host part (postgres://user@%2Fpath/db).
DATABASES["default"]["HOST"] = unquote(DATABASES["default"].get("HOST", ""))
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
# Django's psycopg connection pool, one per process: a request borrows a connection and gives it
# back at its end. A connection given back forgets its `search_path`, and every request chooses
# its schema again, so a borrowed connection never keeps the schema of the request before
# (tests/test_connection_pool.py).
if env.bool("DB_POOL", default=False):
    if DATABASES["default"]["CONN_MAX_AGE"]:
        raise ImproperlyConfigured("DB_POOL and DB_CONN_MAX_AGE exclude each other: leave DB_CONN_MAX_AGE at 0.")
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=4),
        "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
    }
# A kept connection is tested before a request or task uses it, so a restarted PostgreSQL
# costs a reconnect instead of an error.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="helpdesk_test")}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis, but a read misses and a write is dropped while it is down (helpdesk/cache.py).
            "BACKEND": "helpdesk.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        },
        # What every process must see change at once (tenants/hosts.py, tickets/saved_replies.py):
        # Redis, or nothing at all without it. Its keys carry no schema: a caller that needs one
        # writes it into the key (the host is looked up before a schema is chosen).
        "shared": {
            "BACKEND": "helpdesk.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "shared",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Without Redis each process would keep its own copy, which no other could tell to forget.
        "shared": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A message a worker took but never acknowledged (the worker died) goes back to the queue after
# this many seconds. It must be longer than the longest task (and any countdown), or a task
# still running is delivered a second time.
BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The outbox (docs/decisions.md #16): a message not sent after commit is relayed once it is this
# many seconds old; one sent but not done is sent again after OUTBOX_RESEND_AFTER seconds.
OUTBOX_RELAY_GRACE = env.int("OUTBOX_RELAY_GRACE", default=10)
OUTBOX_RESEND_AFTER = env.int("OUTBOX_RESEND_AFTER", default=2 * BROKER_VISIBILITY_TIMEOUT)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "relay-outbox": {
        "task": "helpdesk.outbox.tasks.relay_outbox",
        "schedule": 60,
        "options": {"expires": 50},
    },
    "purge-expired-login-tokens": {
        "task": "helpdesk.accounts.tasks.purge_expired_tokens",
        "schedule": 60 * 60,
    },
    "close-resolved-questions": {
        "task": "tickets.tasks.close_resolved_questions",
        "schedule": 60 * 60,
    },
    "send-daily-digests": {
        "task": "tickets.tasks.send_daily_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    "send-professional-digests": {
        "task": "escalations.tasks.send_professional_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    "escalate-waiting-questions": {
        "task": "tickets.tasks.escalate_waiting_questions",
        "schedule": 60 * 5,
    },
    "reconcile-escalation-index": {
        "task": "escalations.tasks.reconcile_escalation_index",
        "schedule": 60 * 60,
    },
    "reconcile-advice-index": {
        "task": "support.tasks.reconcile_advice_index",
        "schedule": 60 * 60,
    },
    # The 1st of each month at night: last month's report of every active organisation.
    "build-monthly-reports": {
        "task": "reporting.tasks.build_monthly_reports",
        "schedule": crontab(day_of_month=1, hour=3, minute=0),
    },
    "anonymise-old-questions": {
        "task": "tickets.tasks.anonymise_old_questions",
        "schedule": crontab(hour=3, minute=30),
    },
    "seal-audit-chains": {
        "task": "helpdesk.accounts.tasks.seal_audit_chains",
        "schedule": 60,
    },
}

# --- Security ------------------------------------------------------------------------------------

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
# Sessions live in each organisation's schema; with Redis they are also read through it
# (helpdesk/sessions.py), so a request reads its session without the database (docs/scaling.md).
SESSIONS_IN_DATABASE_ONLY = "django.contrib.sessions.backends.db"
SESSION_ENGINE = env.str("SESSION_ENGINE", default="helpdesk.sessions" if REDIS_URL else SESSIONS_IN_DATABASE_ONLY)
if SESSION_ENGINE not in {SESSIONS_IN_DATABASE_ONLY, "helpdesk.sessions"}:
    raise ImproperlyConfigured("SESSION_ENGINE must be helpdesk.sessions or django.contrib.sessions.backends.db.")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Cookies are host-only: no SESSION_COOKIE_DOMAIN, so one organisation's cookie never reaches
# another organisation's host.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading is opt-in because it is hard to undo; without it, Django's reminder is no fault, and
# `check --deploy --fail-level WARNING` stays usable as a gate.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Behind one proxy that terminates TLS: trust its X-Forwarded-Proto, and take the visitor's address
# from the last X-Forwarded-For entry (the one that proxy added) when counting failed attempts.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this host only; no
# inline script or style without the request's nonce (`request.csp_nonce`; today no page needs
# one: the brand colour is a stylesheet of its own, /brand.css). Forms post to this host, or (the
# portal's hand-off) are sent on to an organisation's host.
_ANY_ORGANISATION = f"{SITE_SCHEME}://*.{BASE_DOMAIN}" + (f":{SITE_PORT}" if SITE_PORT else "")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF, _ANY_ORGANISATION],
    }
}
CSRF_TRUSTED_ORIGINS = [f"{SITE_SCHEME}://{BASE_DOMAIN}", f"{SITE_SCHEME}://*.{BASE_DOMAIN}"]
if SITE_PORT:
    CSRF_TRUSTED_ORIGINS += [
        f"{SITE_SCHEME}://{BASE_DOMAIN}:{SITE_PORT}",
        f"{SITE_SCHEME}://*.{BASE_DOMAIN}:{SITE_PORT}",
    ]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Magic links, invitations and the professional hand-off.
MAGIC_LINK_MAX_AGE = env.int("MAGIC_LINK_MAX_AGE", default=60 * 30)
INVITATION_MAX_AGE = env.int("INVITATION_MAX_AGE", default=60 * 60 * 24 * 7)
HANDOFF_MAX_AGE = env.int("HANDOFF_MAX_AGE", default=60)
# Operator staff confirm each sign-in with a one-time code from an authenticator app.
OPERATOR_REQUIRE_2FA = env.bool("OPERATOR_REQUIRE_2FA", default=True)
# Managers of a care organisation confirm each sign-in with such a code too; volunteers may choose to.
MANAGER_REQUIRE_2FA = env.bool("MANAGER_REQUIRE_2FA", default=True)
# Signed-in pages warn this many seconds before the session runs out, with a button to stay.
SESSION_WARNING_SECONDS = env.int("SESSION_WARNING_SECONDS", default=5 * 60)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Helpdesk zorgtechnologie")
# Failed sign-ins are throttled per address and account.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
LOGIN_FAILURE_WINDOW = env.int("LOGIN_FAILURE_WINDOW", default=60 * 15)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- Language -------------------------------------------------------------------------------------

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Files ------------------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploads live outside the static path, one folder per organisation, served only through
# permission-checked views.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/files/"
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
LOGO_MAX_BYTES = 512 * 1024

# --- E-mail -----------------------------------------------------------------------------------------

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=BASE_DIR / "var" / "mail")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Helpdesk <helpdesk@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- The operator ------------------------------------------------------------------------------------

OPERATOR_NAME = env.str("OPERATOR_NAME", default="Samen Digitaal Helpdesk")
HELP_PHONE = env.str("HELP_PHONE", default="0800 123 45 67")
HELP_HOURS = env.str("HELP_HOURS", default="")  # empty: "Monday to Friday, 9:00 to 17:00", translated

# --- Logging ----------------------------------------------------------------------------------------

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant": {"()": "django_tenants.log.TenantContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)-7s [%(schema_name)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["tenant"], "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tenants": {"level": "WARNING"},
        "celery": {"level": LOG_LEVEL},
    },
}
