"""Checks the access log's hash chain in the operator's schema and every organisation's."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context

from helpdesk.accounts import audit_chain
from helpdesk.tenancy import active_organisations


class Command(BaseCommand):
    help = "Seals new access-log rows and verifies the hash chain of every schema; fails if one is broken."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schema", action="append", help="Only this schema (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        schemas = options["schema"] or ["public", *active_organisations().values_list("schema_name", flat=True)]
        broken = []
        for schema in schemas:
            with schema_context(schema):
                audit_chain.seal()
                report = audit_chain.verify()
            if report.is_intact:
                self.stdout.write(f"{schema}: {report.checked} rows, chain intact, head {report.head or '-'}")
            else:
                broken.append(schema)
                self.stderr.write(
                    f"{schema}: chain broken at row {report.broken_at}: {report.problem} ({report.checked} rows before it are intact)"
                )
        if broken:
            raise CommandError(f"The access log was changed outside the application in: {', '.join(broken)}")
