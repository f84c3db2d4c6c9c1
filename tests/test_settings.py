"""Settings come from the environment: production values pass Django's deploy checks, bad ones stop start-up."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from helpdesk.celery import app

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "BASE_DOMAIN": "example.org",
    "SITE_SCHEME": "https",
    "BEHIND_PROXY": "true",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "DEFAULT_FROM_EMAIL": "Helpdesk <helpdesk@example.org>",
}


def manage(*args: str, **environment: str | None) -> subprocess.CompletedProcess:
    """Runs manage.py in a fresh process; None removes a variable. No .env is read from elsewhere."""
    env = dict(os.environ)
    for name, value in environment.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_settings_pass_the_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_settings_with_hsts_preload_pass_the_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **(PRODUCTION | {"SECURE_HSTS_PRELOAD": "true"}))

    assert result.returncode == 0, result.stderr + result.stdout


def test_production_settings_are_secure():
    script = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS > 0, s.SESSION_COOKIE_DOMAIN, s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS)"
    )
    result = manage("shell", "--no-imports", "-c", script, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "False True True True True None ['example.org', '.example.org'] "
        "['https://example.org', 'https://*.example.org']"
    )


@pytest.mark.parametrize("secret", ["", None])
def test_missing_secret_key_without_debug_stops_start_up(secret):
    result = manage("check", **(PRODUCTION | {"SECRET_KEY": secret}))

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_runs_without_a_secret_key():
    result = manage("check", DEBUG="true", SECRET_KEY=None)

    assert result.returncode == 0, result.stderr


def test_missing_database_url_stops_start_up_with_advice():
    result = manage("check", **(PRODUCTION | {"DATABASE_URL": None}))

    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr


def test_unknown_site_scheme_stops_start_up():
    result = manage("check", **(PRODUCTION | {"SITE_SCHEME": "ftp"}))

    assert result.returncode != 0
    assert "SITE_SCHEME must be http or https" in result.stderr


def test_every_scheduled_task_is_known_to_the_worker():
    """Beat sends tasks by name; a name the worker never imported would be lost silently."""
    from django.conf import settings

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled, "beat has nothing to do"
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)
