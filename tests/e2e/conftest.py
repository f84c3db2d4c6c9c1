"""Browser tests: a real server process, Debian's Chromium through Playwright, and committed data.

The server runs `manage.py runserver` against the session's test database, so it only sees
committed rows. Test data is therefore written with autocommit (never inside the `db`
fixture's rolled-back transaction) and every row the browser tests add is removed again when
the session ends, so later tests still find just the two test organisations.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import functools
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import schema_context

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
TOKEN_BACKEND = "helpdesk.accounts.backends.TokenBackend"
PASSWORD = "een lange zin als wachtwoord"
WIDTHS = {"wide": (1280, 800), "narrow": (320, 640)}


@contextlib.contextmanager
def _orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API keeps an event loop in this thread; Django's ORM must still work here.

    Only while browser tests run: a variable left in the environment would reach the processes
    other tests start (`manage.py check --deploy` refuses it).
    """
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if before is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(autouse=True)
def _allow_orm_in_browser_tests() -> Iterator[None]:
    with _orm_beside_playwright():
        yield


def pytest_collection_modifyitems(config, items):
    """Without Chromium the browser tests are skipped, except in CI where they must run."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"Chromium is missing at {CHROMIUM}; the browser tests cannot run.")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test shows what the server said meanwhile."""
    outcome = yield
    report = outcome.get_result()
    running = item.funcargs.get("server") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(running, Server) and running.log.exists():
        lines = running.log.read_text(errors="replace").splitlines()
        report.sections.append(("server log (last 60 lines)", "\n".join(lines[-60:])))


# --- The server --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


@dataclass
class Server:
    port: int
    mail_dir: Path
    log: Path

    def tenant(self, slug: str = "test-a", path: str = "/") -> str:
        return f"http://{slug}.{settings.BASE_DOMAIN}:{self.port}{path}"

    def portal(self, path: str = "/") -> str:
        return f"http://{settings.BASE_DOMAIN}:{self.port}{path}"

    def mails_to(self, address: str) -> list[email.message.EmailMessage]:
        """Every message the server has sent to `address`, oldest first."""
        found = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime):
            for chunk in path.read_text().split("\n" + "-" * 79 + "\n"):
                if not chunk.strip():
                    continue
                message = email.message_from_string(chunk, policy=email.policy.default)
                if address.lower() in (message["To"] or "").lower():
                    found.append(message)
        return found

    def link_in_mail(self, address: str, pattern: str = r"https?://\S+") -> str:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            mails = self.mails_to(address)
            if mails:
                body = mails[-1].get_body(preferencelist=("plain",)).get_content()
                match = re.search(pattern, body)
                assert match, f"no link in the e-mail to {address}:\n{body}"
                return match.group(0)
            time.sleep(0.1)
        raise AssertionError(f"no e-mail reached {address}")


@pytest.fixture(scope="package")
def server(django_db_setup, django_db_blocker) -> Iterator[Server]:
    """`manage.py runserver` on a free port, against the test database, while the browser tests run.

    Package scope: the server and the browser stop after the last browser test, so the tests that
    follow find neither Playwright's event loop in their thread nor a process holding the database.
    """
    port = _free_port()
    workdir = Path(tempfile.mkdtemp(prefix="helpdesk-e2e-"))
    mail_dir = workdir / "mail"
    mail_dir.mkdir()
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(
        DATABASE_URL=_database_url(),
        DEBUG="true",
        SECRET_KEY=settings.SECRET_KEY,  # the sessions this conftest writes must verify on the server
        SITE_SCHEME="http",
        SITE_PORT=str(port),
        CELERY_TASK_ALWAYS_EAGER="true",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        OPERATOR_REQUIRE_2FA="true",
        MEDIA_ROOT=str(workdir / "media"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    log = workdir / "server.log"
    started = timezone.now()
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    running = Server(port=port, mail_dir=mail_dir, log=log)
    try:
        _wait_until_answering(process, port, log)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        with django_db_blocker.unblock(), _orm_beside_playwright():
            _remove_rows_since(started)
            # Beside Playwright the ORM may have opened a connection of its own; one left open
            # would stop the test database from being dropped at the end of the run.
            connections.close_all()
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_until_answering(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test server stopped at start:\n{log.read_text()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.1)
    raise RuntimeError(f"the test server did not answer within 30 s:\n{log.read_text()}")


def _remove_rows_since(started) -> None:
    """Leaves the database as the browser tests found it: two organisations, nobody in them."""
    from django.contrib.sessions.models import Session

    from helpdesk.accounts.models import AuditEvent, HandoffNonce, User
    from tenants.models import CareOrganisation

    connection.set_schema_to_public()
    for organisation in CareOrganisation.objects.filter(created_at__gte=started):
        organisation.delete(force_drop=True)
    for schema in ["public", *CareOrganisation.objects.values_list("schema_name", flat=True)]:
        with schema_context(schema):
            User.objects.filter(date_joined__gte=started).delete()
            AuditEvent.objects.filter(at__gte=started).delete()
            if schema != "public":
                HandoffNonce.objects.filter(used_at__gte=started).delete()
                Session.objects.all().delete()
    with schema_context("public"):
        Session.objects.all().delete()
    connection.set_schema_to_public()


# --- Committed test data -----------------------------------------------------------------------


@dataclass
class People:
    """Makes committed people, each with an address no other test uses."""

    made: list[str] = field(default_factory=list)

    def address(self, label: str) -> str:
        address = f"{label}-{uuid.uuid4().hex[:10]}@e2e.example"
        self.made.append(address)
        return address

    def member(
        self, role: str = "requester", *, slug: str = "test-a", email: bool = True, password: bool = False, **fields
    ):
        """A person in a care organisation."""
        from helpdesk.accounts.models import User

        fields.setdefault("full_name", f"{role.title()} Testpersoon")
        fields.setdefault("requester_kind", "client" if role == "requester" else "")
        fields["password"] = _server_password_hash() if password else "!"  # "!": no usable password
        with schema_context(_schema(slug)):
            return User.objects.create(email=self.address(role) if email else None, role=role, **fields)

    def operator(self, role: str = "operator_admin", *, device: bool = True, password: bool = False):
        """Operator staff in the public schema, with a confirmed authenticator device unless told not."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from helpdesk.accounts.models import User

        with schema_context("public"):
            user = User.objects.create(
                email=self.address(role),
                password=_server_password_hash() if password else "!",
                full_name="Olga Operator" if role == "operator_admin" else "Pieter Professional",
                role=role,
            )
            if device:
                user.device = TOTPDevice.objects.create(
                    user=user, name="test", key=uuid.uuid4().hex + uuid.uuid4().hex[:8], confirmed=True
                )
        return user


@functools.cache
def _server_password_hash() -> str:
    """PASSWORD hashed the way the server checks it: its own hasher, not the tests' cheap one."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    return hasher.encode(PASSWORD, hasher.salt())


def _schema(slug: str) -> str:
    from tenants.models import CareOrganisation

    return "public" if slug == "public" else CareOrganisation.schema_for_slug(slug)


def otp_code(device) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(bytes.fromhex(device.key)).token():06d}"


@pytest.fixture
def people(server, django_db_blocker) -> Iterator[People]:
    """Committed people for one test (autocommit: the server process must see them)."""
    with django_db_blocker.unblock():
        yield People()
        connection.set_schema_to_public()


@pytest.fixture
def committed(server, django_db_blocker) -> Iterator[None]:
    """Lets a test write committed rows of its own (organisations, tokens)."""
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


# --- The browser -------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Visitor:
    """One browser context for one test, and ways to be signed in without going through the forms."""

    server: Server
    context: object
    page: object

    def sign_in_as(self, user, *, slug: str = "test-a", verified: bool = False) -> None:
        """Gives the browser a session cookie for `user` on that host, as signing in would."""
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore
        from django_otp import DEVICE_ID_SESSION_KEY

        from helpdesk.middleware import SESSION_SCHEMA_KEY

        schema = _schema(slug)
        with schema_context(schema):
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = TOKEN_BACKEND
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session[SESSION_SCHEMA_KEY] = schema
            if verified:
                session[DEVICE_ID_SESSION_KEY] = user.device.persistent_id
            session.save()
        url = self.server.portal() if slug == "public" else self.server.tenant(slug)
        self.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": url}])


def new_context(browser, *, width: str = "wide", javascript: bool = True):
    viewport_width, viewport_height = WIDTHS[width]
    context = browser.new_context(
        viewport={"width": viewport_width, "height": viewport_height},
        java_script_enabled=javascript,
        locale="nl-NL",
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def visitor(browser, server, django_db_blocker, request) -> Iterator[Visitor]:
    """A fresh browser context (wide, JavaScript on unless the test is parametrized otherwise)."""
    options = getattr(request, "param", {})
    context = new_context(browser, width=options.get("width", "wide"), javascript=options.get("javascript", True))
    try:
        with django_db_blocker.unblock():
            yield Visitor(server=server, context=context, page=context.new_page())
            connection.set_schema_to_public()
    finally:
        context.close()
