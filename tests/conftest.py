"""Shared test set-up: a real PostgreSQL test database with two care organisations made once per run.

Tests that use the `db` fixture run inside a transaction that is rolled back, in whichever schema
they switch to. Browser and worker tests need committed data; they use `committed_db` and clean
up after themselves.
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

from tests import factories


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


@pytest.fixture
def in_org(org_a):
    """Runs the test body inside organisation A's schema."""
    with tenant_context(org_a):
        yield org_a


@pytest.fixture
def client_a(org_a) -> Client:
    return Client(HTTP_HOST=org_a.host)


@pytest.fixture
def client_b(org_b) -> Client:
    return Client(HTTP_HOST=org_b.host)


@pytest.fixture
def portal_client(db) -> Client:
    from django.conf import settings

    return Client(HTTP_HOST=settings.BASE_DOMAIN)


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
