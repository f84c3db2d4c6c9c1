"""`migrate_all` skips the schemas that hold every migration and migrates the ones behind."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tenants.selectors import schemas_behind_migrations

pytestmark = pytest.mark.django_db


def _last_tickets() -> str:
    """The latest tickets migration: the one the tests below unapply, as if it were new."""
    (leaf,) = [name for app, name in MigrationLoader(None).graph.leaf_nodes() if app == "tickets"]
    return leaf


def _applied(schema: str, app: str, name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{schema}".django_migrations WHERE app = %s AND name = %s', [app, name])
        return cursor.fetchone()[0] == 1


def _step_back(schema: str) -> None:
    """Unapplies the last tickets migration in one schema, as if it had been added since."""
    previous = MigrationLoader(None).graph.node_map[("tickets", _last_tickets())].parents
    (parent,) = [node.key for node in previous if node.key[0] == "tickets"]
    call_command("migrate_schemas", "tickets", parent[1], schema_name=schema, interactive=False, verbosity=0)
    connection.set_schema_to_public()


def test_every_organisation_is_up_to_date_after_the_suite_set_up(org_a, org_b):
    assert schemas_behind_migrations([org_a.schema_name, org_b.schema_name, "tenant_template"]) == []


def test_a_schema_without_a_migration_is_found_and_only_that_one(org_a, org_b):
    _step_back(org_a.schema_name)

    assert schemas_behind_migrations([org_b.schema_name, org_a.schema_name]) == [org_a.schema_name]


def test_a_schema_without_the_table_counts_as_behind(db):
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "org_empty"')

    assert schemas_behind_migrations(["org_empty"]) == ["org_empty"]


def test_migrate_all_migrates_the_schema_behind_and_skips_the_rest(org_a, org_b):
    _step_back(org_a.schema_name)
    assert not _applied(org_a.schema_name, "tickets", _last_tickets())
    out = io.StringIO()

    call_command("migrate_all", jobs=1, stdout=out)

    assert _applied(org_a.schema_name, "tickets", _last_tickets())
    assert "1 of 2 organisations migrated" in out.getvalue()
    assert "1 already up to date" in out.getvalue()


def test_migrate_all_without_a_new_migration_migrates_nothing(org_a, org_b):
    out = io.StringIO()

    call_command("migrate_all", stdout=out)

    assert "0 of 2 organisations migrated" in out.getvalue()
