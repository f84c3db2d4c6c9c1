"""A new organisation's schema is an exact copy of the template: tables, columns, rows, sequences,
constraints and indexes under the names Django gave them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from helpdesk.accounts.models import User
from tenants.cloning import schema_clone

pytestmark = pytest.mark.django_db

COPY = "org_clone_check"


def _catalogue(schema: str) -> dict[str, list[tuple]]:
    """What the system catalogue says about a schema, with the schema's own name taken out."""
    with connection.cursor() as cursor:
        cursor.execute(f'SET search_path = "{schema}"')
        queries = {
            "columns": "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity,"
            " identity_generation, is_generated FROM information_schema.columns WHERE table_schema = %s",
            "constraints": "SELECT rel.relname, con.conname, con.contype, pg_get_constraintdef(con.oid),"
            " con.condeferrable, con.condeferred FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid"
            " WHERE con.connamespace = %s::regnamespace",
            "indexes": "SELECT tablename, indexname, replace(indexdef, %s, 'SCHEMA') FROM pg_indexes"
            " WHERE schemaname = %s",
            "triggers": "SELECT rel.relname, t.tgname, t.tgtype, t.tgfoid::regprocedure::text FROM pg_trigger t"
            " JOIN pg_class rel ON rel.oid = t.tgrelid WHERE rel.relnamespace = %s::regnamespace AND NOT t.tgisinternal",
        }
        found = {}
        for name, query in queries.items():
            params = [f'"{schema}"' if '"' in schema else schema, schema] if name == "indexes" else [schema]
            cursor.execute(query, params)
            found[name] = sorted(cursor.fetchall(), key=repr)
        for table in ("django_migrations", "django_content_type", "auth_permission"):
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            found[f"count {table}"] = cursor.fetchall()
    connection.search_path_set_schemas = None  # the SET above: django-tenants must set its own again
    return found


def test_the_copy_matches_the_template_in_every_entry_of_the_catalogue():
    template = settings.TENANT_BASE_SCHEMA

    schema_clone(source=template, target=COPY)

    original, copy = _catalogue(template), _catalogue(COPY)
    for part in original:
        assert copy[part] == original[part], part
    assert original["constraints"] and original["indexes"] and original["count django_migrations"][0][0] > 10
    assert original["triggers"]  # the access log's guard


def test_foreign_keys_of_the_copy_point_into_the_copy_and_at_public_products():
    schema_clone(source=settings.TENANT_BASE_SCHEMA, target=COPY)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ref.relnamespace::regnamespace::text FROM pg_constraint con"
            " JOIN pg_class ref ON ref.oid = con.confrelid WHERE con.connamespace = %s::regnamespace"
            " AND con.contype = 'f'",
            [COPY],
        )
        assert sorted(row[0] for row in cursor.fetchall()) == sorted([COPY, "public"])


def test_a_new_row_in_the_copy_takes_the_next_id_and_stays_in_the_copy():
    schema_clone(source=settings.TENANT_BASE_SCHEMA, target=COPY)

    with schema_context(COPY):
        person = User.objects.create(full_name="Nieuw", email="nieuw@example.org")
        assert User.objects.filter(pk=person.pk).exists()
    with schema_context(settings.TENANT_BASE_SCHEMA):
        assert not User.objects.filter(email="nieuw@example.org").exists()
