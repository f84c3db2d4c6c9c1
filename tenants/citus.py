"""Spreading the organisations over a Citus cluster (Citus 12+, schema-based sharding).

On a Citus coordinator every organisation's schema becomes a distributed schema: Citus places
the schema, with all its tables, on one worker, and moves it whole when the cluster is rebalanced.
The public tables become reference tables, copied to every worker, so an organisation's tables
can keep their foreign keys to the product catalogue. On plain PostgreSQL nothing here runs.

New organisations are distributed as they are made (`tenants.cloning.schema_clone` creates the
schema with `citus.enable_schema_based_sharding` on); `manage.py citus_distribute` does the rest:
the public tables, and organisations made before the database was on Citus.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.backends.utils import CursorWrapper

from helpdesk.tenancy import active_organisations


def citus_version(cursor: CursorWrapper) -> str | None:
    cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'citus'")
    row = cursor.fetchone()
    return row[0] if row else None


def _public_tables_in_order() -> list[str]:
    """The public schema's tables of the shared apps, each after the tables it points at."""
    shared = {config.label for config in apps.get_app_configs() if config.name in settings.SHARED_APPS}
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in shared]
    ordered: list[str] = []
    pending = {m._meta.db_table: m for m in models}

    def visit(table: str, seen: frozenset[str] = frozenset()) -> None:
        if table in ordered or table not in pending or table in seen:
            return
        for field in pending[table]._meta.concrete_fields:
            if field.is_relation and field.related_model is not None:
                visit(field.related_model._meta.db_table, seen | {table})
        ordered.append(table)

    for table in sorted(pending):
        visit(table)
    return ordered


def citus_distribute() -> dict[str, list[str]]:
    """Makes every public table a reference table and every active organisation's schema a
    distributed schema, skipping what already is. Returns what it changed."""
    done: dict[str, list[str]] = {"reference tables": [], "distributed schemas": []}
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        if citus_version(cursor) is None:
            raise RuntimeError("This database has no Citus extension.")
        cursor.execute("SELECT logicalrelid::regclass::text FROM pg_dist_partition")
        distributed = {row[0] for row in cursor.fetchall()}
        for table in _public_tables_in_order():
            if table not in distributed:
                cursor.execute("SELECT create_reference_table(%s)", [f"public.{table}"])
                done["reference tables"].append(table)
        cursor.execute("SELECT schemaid::regnamespace::text FROM pg_dist_schema")
        schemas = {row[0] for row in cursor.fetchall()}
        for schema in active_organisations().values_list("schema_name", flat=True):
            if schema not in schemas:
                cursor.execute("SELECT citus_schema_distribute(%s)", [schema])
                done["distributed schemas"].append(schema)
    return done
