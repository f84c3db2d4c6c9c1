"""Writes one organisation's export (schema rows and files) to a ZIP file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants import portability
from tenants.models import CareOrganisation


class Command(BaseCommand):
    help = "Exports one care organisation (every row of its schema and its files) to a ZIP file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, slug: str, file: Path, **options: Any) -> None:
        organisation = CareOrganisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(f"No organisation with web address {slug!r}.")
        with file.open("wb") as out:
            manifest = portability.organisation_export(actor=None, organisation=organisation, into=out)
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(f"{file}: {len(manifest['tables'])} tables, {rows} rows, {len(manifest['files'])} files")
