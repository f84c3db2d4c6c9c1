"""Migrates the public schema, the template schema and every active organisation's schema.

A schema that already holds every migration is skipped: one query over all schemas finds the
ones behind (`tenants.selectors.schemas_behind_migrations`), so a deployment without a new
migration costs the same few seconds at 2 organisations as at 200. The schemas that are behind
are migrated in parallel processes (`--jobs`, or MIGRATE_JOBS; default the number of cores).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, connections
from django_tenants.utils import schema_exists

from tenants.models import CareOrganisation
from tenants.selectors import schemas_behind_migrations
from tenants.services import template_schema_ensure


def _migrate_schema(schema: str, verbosity: int = 0) -> str:
    call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=verbosity)
    connection.set_schema_to_public()
    return schema


def _migrate_in_child(job: tuple[str, int]) -> str:
    schema, verbosity = job
    try:
        return _migrate_schema(schema, verbosity)
    finally:
        connections.close_all()


def _default_jobs() -> int:
    return int(os.environ.get("MIGRATE_JOBS") or os.cpu_count() or 1)


class Command(BaseCommand):
    help = "Migrate public, the tenant template and every active care organisation that is behind."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="organisations migrated at once, each in its own process (default MIGRATE_JOBS or the cores)",
        )
        parser.add_argument(
            "--every-schema",
            action="store_true",
            help="run the migrations on every organisation, also those already up to date",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        quiet = max(verbosity - 1, 0)
        started = time.perf_counter()
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=quiet)
        template = settings.TENANT_BASE_SCHEMA
        if not schema_exists(template) or schemas_behind_migrations([template]):
            template_schema_ensure(verbosity=quiet)
        schemas = list(
            CareOrganisation.objects.filter(status=CareOrganisation.Status.ACTIVE)
            .order_by("schema_name")
            .values_list("schema_name", flat=True)
        )
        behind = schemas if options["every_schema"] else schemas_behind_migrations(schemas)
        jobs = max(1, min(options["jobs"] or _default_jobs(), len(behind)))
        if jobs == 1:
            for schema in behind:
                _migrate_schema(schema, quiet)
        else:
            # Forked children inherit the loaded project; none may share this process's connection.
            connections.close_all()
            with multiprocessing.get_context("fork").Pool(processes=jobs) as pool:
                pool.map(_migrate_in_child, [(schema, quiet) for schema in behind], chunksize=1)
        if verbosity:
            self.stdout.write(
                f"Schemas are up to date: {len(behind)} of {len(schemas)} organisations migrated"
                f" ({jobs} at once), {len(schemas) - len(behind)} already up to date,"
                f" in {time.perf_counter() - started:.1f} s."
            )
