"""django-tenants sends `SET search_path` once per schema change (`TENANT_LIMIT_SET_CALLS`), and
never trusts a search path that the database has thrown away since."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django_tenants.utils import tenant_context

pytestmark = pytest.mark.django_db


def _schema() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


def test_search_path_is_sent_once_while_the_schema_stays(org_a):
    from django.test.utils import CaptureQueriesContext

    with tenant_context(org_a), CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert _schema() == org_a.schema_name
    sets = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SET search_path")]
    assert len(sets) == 1


def test_a_rolled_back_savepoint_does_not_leave_the_schema_of_before(org_a, org_b):
    """The SET that chose A ran inside a savepoint; rolling the savepoint back puts B's search
    path back in the database, so the next query must choose A again."""
    with tenant_context(org_b):
        assert _schema() == org_b.schema_name
        savepoint = transaction.savepoint()
        connection.set_tenant(org_a)
        assert _schema() == org_a.schema_name
        transaction.savepoint_rollback(savepoint)
        assert _schema() == org_a.schema_name


def test_every_change_of_schema_sends_it_again(org_a, org_b):
    for organisation in (org_a, org_b, org_a):
        with tenant_context(organisation):
            assert _schema() == organisation.schema_name
    assert _schema() == "public"
