"""Migrates the public schema, the template schema and every active organisation's schema."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.models import CareOrganisation
from tenants.services import template_schema_ensure


class Command(BaseCommand):
    help = "Migrate public, the tenant template and every active care organisation."

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=max(verbosity - 1, 0))
        template_schema_ensure(verbosity=max(verbosity - 1, 0))
        for schema in CareOrganisation.objects.filter(status=CareOrganisation.Status.ACTIVE).values_list(
            "schema_name", flat=True
        ):
            call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=max(verbosity - 1, 0))
        self.stdout.write("Schemas are up to date.")
