"""A real Celery worker, on the embedded Redis and the test database, runs each task in its sender's schema.

Everything here is committed, because the worker is another process with its own connection;
each test removes what it made.
"""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from helpdesk.accounts.models import AuditEvent, User
from helpdesk.accounts.services import magic_link_request
from helpdesk.celery import app as celery_app
from helpdesk.tasks import current_schema
from tenants.models import CareOrganisation
from tenants.services import organisation_create
from tests import factories

pytestmark = pytest.mark.worker

ROOT = Path(__file__).resolve().parent.parent
WAIT = 30  # seconds; a task normally takes well under one


def test_database_url() -> str:
    """The URL of the test database (not the development one), with a socket folder percent-encoded."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture(scope="module")
def mail_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("worker-mail")


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, mail_dir, tmp_path_factory):
    """A `celery worker` process for this module's tests; the app here sends instead of running eagerly."""
    with django_db_blocker.unblock():
        url = test_database_url()
    log = tmp_path_factory.mktemp("worker-log") / "worker.log"
    env = os.environ | {
        "DATABASE_URL": url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    command = [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "--pool", "solo", "-l", "INFO"]
    # --purge: the embedded Redis keeps its data between runs; a stale message must not run here.
    command += ["--purge", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + WAIT
    while "ready." not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the Celery worker did not start:\n{log.read_text()}")
        time.sleep(0.1)

    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield process
    finally:
        celery_app.conf.task_always_eager = eager
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def committed(django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


def wait_for_mail(folder: Path, to: str) -> str:
    """The body of the e-mail to `to` that the worker wrote to the mail folder."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        # The file backend writes one file per connection; here, one message per file.
        for path in folder.glob("*.log"):
            message = email.message_from_bytes(path.read_bytes())
            if message["To"] == to:
                return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")
        time.sleep(0.1)
    pytest.fail(f"no e-mail to {to} within {WAIT} s")


def test_task_runs_in_the_schema_it_was_sent_from(worker, committed):
    with schema_context("org_test_a"):
        from_a = current_schema.delay()
    with schema_context("org_test_b"):
        from_b = current_schema.delay()
    from_public = current_schema.delay()

    assert from_a.get(timeout=WAIT) == "org_test_a"
    assert from_b.get(timeout=WAIT) == "org_test_b"
    assert from_public.get(timeout=WAIT) == "public"


def test_sign_in_link_is_mailed_by_the_worker_for_the_right_organisation(worker, committed, mail_dir):

    organisation = CareOrganisation.objects.get(slug="test-b")
    with schema_context(organisation.schema_name):
        person = User.objects.create_user(email="worker-link@example.org", full_name="Wil Worker")
        try:
            assert magic_link_request(email=person.email)  # committed at once, so sent at once
            body = wait_for_mail(mail_dir, person.email)
        finally:
            person.delete()

    assert f"://{organisation.host}/account/sign-in/link/" in body


def test_new_organisation_becomes_active_through_the_worker(worker, committed, mail_dir):

    organisation = None
    try:
        organisation = organisation_create(
            actor=None,
            name="Zorggroep Werker",
            slug="werker",
            reference_prefix="WRK",
            manager_email="boss@werker.example",
        )
        deadline = time.monotonic() + WAIT
        while organisation.status == CareOrganisation.Status.PROVISIONING and time.monotonic() < deadline:
            time.sleep(0.1)
            organisation.refresh_from_db()

        assert organisation.status == CareOrganisation.Status.ACTIVE, organisation.provisioning_error
        assert schema_exists(organisation.schema_name)
        assert "://werker.localhost/account/invitation/" in wait_for_mail(mail_dir, "boss@werker.example")
    finally:
        if organisation is not None:
            # The worker may still be busy with it after a time-out; wait before dropping.
            _wait_until_settled(organisation)
            factories.audit_rows_remove(
                AuditEvent.objects.filter(target_type="tenants.CareOrganisation", target_id=str(organisation.pk))
            )
            organisation.delete(force_drop=True)
    assert not schema_exists("org_werker")


def _wait_until_settled(organisation) -> None:

    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        organisation.refresh_from_db()
        if organisation.status != CareOrganisation.Status.PROVISIONING:
            return
        time.sleep(0.2)
