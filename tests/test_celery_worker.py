"""A real Celery worker, on the embedded Redis and the test database, runs each task in its sender's schema.

Everything here is committed, because the worker is another process with its own connection;
each test removes what it made.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from helpdesk.accounts.models import AuditEvent, User
from helpdesk.accounts.services import magic_link_request
from helpdesk.tasks import current_schema
from tenants.models import CareOrganisation
from tenants.services import organisation_create
from tests import factories
from tests.workers import WAIT, sending_for_real, start_worker, stop_worker, wait_for_mail, worker_environment

pytestmark = pytest.mark.worker


@pytest.fixture(scope="module")
def mail_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("worker-mail")


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, mail_dir, tmp_path_factory):
    """A `celery worker` process for this module's tests; the app here sends instead of running eagerly."""
    with django_db_blocker.unblock():
        env = worker_environment(mail_dir)
    process = start_worker(env, tmp_path_factory.mktemp("worker-log") / "worker.log")
    try:
        with sending_for_real():
            yield process
    finally:
        stop_worker(process)


@pytest.fixture
def committed(django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


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
