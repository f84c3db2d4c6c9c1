"""Shared test set-up: a real PostgreSQL test database with two care organisations made once per run.

Tests that use the `db` fixture run inside a transaction that is rolled back, in whichever schema
they switch to (PostgreSQL rolls back created schemas too). Browser and worker tests need
committed data; they write it inside `django_db_blocker.unblock()` and clean up after themselves.
"""

from __future__ import annotations

import os

# Tasks run in-process unless a test starts a real worker (see tests/test_celery_worker.py).
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from helpdesk.celery import app as celery_app
from tests import factories

# pytest-django reads the settings before this file runs, so the variable above reaches only
# child processes; the Celery app of this process is told directly.
celery_app.conf.task_always_eager = os.environ["CELERY_TASK_ALWAYS_EAGER"].lower() in ("1", "true", "yes", "on")


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Real password checks with a cheap hash: the hash's cost is not what these tests test."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"}, serialized_aliases=set())
        call_command("migrate_all", verbosity=0)
        factories.products_ensure()
        factories.organisation_ready(name="Zorggroep Test A", slug="test-a", prefix="TSA")
        factories.organisation_ready(name="Zorggroep Test B", slug="test-b", prefix="TSB")
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        teardown_databases(config, verbosity=0)


@pytest.fixture
def org_a(db):
    from tenants.models import CareOrganisation

    return CareOrganisation.objects.get(slug="test-a")


@pytest.fixture
def org_b(db):
    from tenants.models import CareOrganisation

    return CareOrganisation.objects.get(slug="test-b")


@pytest.fixture(autouse=True)
def _public_schema_after_each_test():
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _no_throttle_counts_from_other_tests():
    """Failure counters live in Redis, which outlives a test's rolled-back transaction.

    Only the counters are removed: a flush would also drop the Celery queues a worker test uses.
    """
    from django.core.cache import cache

    client = getattr(cache, "_cache", None)
    if client is not None and hasattr(client, "get_client"):
        redis = client.get_client(write=True)
        for key in redis.scan_iter(match="*throttle:*", count=500):
            redis.delete(key)
    else:
        cache.clear()
    yield


@pytest.fixture
def in_org(org_a):
    """Runs the test body inside organisation A's schema."""
    with tenant_context(org_a):
        yield org_a


def english_client(host: str) -> Client:
    """A browser on `host` that asked for English, so tests can read the page text."""
    from django.conf import settings

    client = Client(HTTP_HOST=host)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def client_a(org_a) -> Client:
    return english_client(org_a.host)


@pytest.fixture
def client_b(org_b) -> Client:
    return english_client(org_b.host)


@pytest.fixture
def portal_client(db) -> Client:
    from django.conf import settings

    return english_client(settings.BASE_DOMAIN)


@pytest.fixture
def make_user(db):
    """make_user(org, role=..., **fields): a user in that organisation's schema (or public for None)."""

    def make(organisation=None, **fields):
        schema = organisation.schema_name if organisation is not None else "public"
        with schema_context(schema):
            return factories.UserFactory(**fields)

    return make


def sign_in(client: Client, organisation, user) -> Client:
    """Signs `user` in on `client` the way a session would, tied to the organisation's schema."""
    from django.conf import settings

    from helpdesk.middleware import SESSION_SCHEMA_KEY

    schema = organisation.schema_name if organisation is not None else "public"
    with schema_context(schema):
        client.force_login(user, backend="helpdesk.accounts.backends.TokenBackend")
        session = client.session
        session[SESSION_SCHEMA_KEY] = schema
        session.save()
    assert client.cookies[settings.SESSION_COOKIE_NAME]
    return client


def sign_in_operator(client: Client, user, *, verified: bool = True) -> Client:
    """Signs operator staff in on the portal; `verified` adds a confirmed second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY

    sign_in(client, None, user)
    if verified:
        with schema_context("public"):
            device = factories.totp_device(user)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    return client


@pytest.fixture
def operator_admin(make_user):
    return make_user(None, role="operator_admin", requester_kind="")


@pytest.fixture
def professional(make_user):
    return make_user(None, role="professional", requester_kind="")


@pytest.fixture
def admin_client(portal_client, operator_admin) -> Client:
    """The portal, signed in as an operator admin who passed the second factor."""
    return sign_in_operator(portal_client, operator_admin)


def current_user(client: Client):
    """Who the organisation's start page says is signed in (AnonymousUser for nobody)."""
    response = client.get("/")
    assert response.status_code == 200
    return response.context["user"]


def link_in_mail(message, organisation) -> str:
    """The path of the single link in `message`, which must point at the organisation's host."""
    import re

    from helpdesk.urls_util import absolute_url

    found = re.findall(r"https?://\S+", message.body)
    assert len(found) == 1, message.body
    prefix = absolute_url(organisation.host, "/")
    assert found[0].startswith(prefix), f"{found[0]} is not on {organisation.host}"
    return "/" + found[0].removeprefix(prefix)
