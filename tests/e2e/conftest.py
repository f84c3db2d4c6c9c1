"""Browser tests: a real server process, Debian's Chromium through Playwright, and committed data.

The server runs `manage.py runserver` against the session's test database, so it only sees
committed rows. Test data is therefore written with autocommit (never inside the `db`
fixture's rolled-back transaction) and every row the browser tests add is removed again after
the last browser test, so later tests still find just the two test organisations.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import Page

from escalations.models import AlertPreference
from helpdesk.accounts.models import AuditEvent, HandoffNonce, LoginToken, User
from tenants.models import CareOrganisation
from tests import factories
from tests.e2e.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    People,
    Server,
    Visitor,
    new_context,
    orm_beside_playwright,
    policy_problems,
)


@pytest.fixture(autouse=True)
def _allow_orm_in_browser_tests() -> Iterator[None]:
    with orm_beside_playwright():
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
        with django_db_blocker.unblock(), orm_beside_playwright():
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


def _remove_public_users(users) -> None:
    """Deletes operator accounts without Django's cascade collector.

    The collector would also look for rows of tenant-only tables (questions and their reads) that
    point at users; those tables do not exist in the public schema.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user__in=users).delete()
    AlertPreference.objects.filter(user__in=users).delete()
    LoginToken.objects.filter(user__in=users)._raw_delete(users.db)
    users._raw_delete(users.db)


def _remove_rows_since(started) -> None:
    """Leaves the database as the browser tests found it: two organisations, nobody in them."""
    from django.contrib.sessions.models import Session

    connection.set_schema_to_public()
    for organisation in CareOrganisation.objects.filter(created_at__gte=started):
        organisation.delete(force_drop=True)
    for schema in ["public", *CareOrganisation.objects.values_list("schema_name", flat=True)]:
        with schema_context(schema):
            factories.audit_rows_remove(AuditEvent.objects.filter(at__gte=started))
            if schema == "public":
                _remove_public_users(User.objects.filter(date_joined__gte=started))
            else:
                User.objects.filter(date_joined__gte=started).delete()
            if schema != "public":
                HandoffNonce.objects.filter(used_at__gte=started).delete()
                Session.objects.all().delete()
    with schema_context("public"):
        Session.objects.all().delete()
    connection.set_schema_to_public()


# --- Committed test data -----------------------------------------------------------------------


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


@pytest.fixture
def visitor(browser, server, django_db_blocker, request) -> Iterator[Visitor]:
    """A fresh browser context and page: 1280 px wide with JavaScript, unless parametrized
    indirectly with {"width": "narrow"} or {"javascript": False}."""
    options = getattr(request, "param", {})
    context = new_context(browser, width=options.get("width", "wide"), javascript=options.get("javascript", True))
    try:
        with django_db_blocker.unblock():
            yield Visitor(server=server, context=context, page=context.new_page())
            connection.set_schema_to_public()
        assert not policy_problems(context), "The Content-Security-Policy blocks:\n" + "\n".join(
            policy_problems(context)
        )
    finally:
        context.close()


@pytest.fixture
def device(browser) -> Iterator[Callable[..., Page]]:
    """device(width="narrow", javascript=True): a page in another browser, such as a client's phone."""
    contexts = []

    def open_device(*, width: str = "wide", javascript: bool = True) -> Page:
        context = new_context(browser, width=width, javascript=javascript)
        contexts.append(context)
        return context.new_page()

    yield open_device
    problems = [problem for context in contexts for problem in policy_problems(context)]
    for context in contexts:
        context.close()
    assert not problems, "The Content-Security-Policy blocks:\n" + "\n".join(problems)
