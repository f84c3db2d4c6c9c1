"""Makes a new organisation from an export written by export_organisation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants import portability


class Command(BaseCommand):
    help = "Restores an organisation export into a new organisation with its own name, web address and prefix."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True)
        parser.add_argument("--prefix", required=True)

    def handle(self, *args: Any, file: Path, name: str, slug: str, prefix: str, **options: Any) -> None:
        new = portability.NewOrganisation(name=name, slug=slug, reference_prefix=prefix)
        try:
            with file.open("rb") as source:
                organisation = portability.organisation_restore(actor=None, source=source, new=new)
        except (OSError, ValueError, portability.PortabilityError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored into {organisation.schema_name} at {organisation.host}")
