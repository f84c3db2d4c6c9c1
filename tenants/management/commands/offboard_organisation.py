"""Deletes an organisation's schema, files and registry rows, after its name is given."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants import portability
from tenants.models import CareOrganisation


class Command(BaseCommand):
    help = "Deletes a care organisation and all its data. --confirm must be the organisation's exact name."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--confirm", required=True, help="The organisation's name, exactly.")

    def handle(self, *args: Any, slug: str, confirm: str, **options: Any) -> None:
        organisation = CareOrganisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(f"No organisation with web address {slug!r}.")
        try:
            portability.organisation_offboard(actor=None, organisation=organisation, confirm_name=confirm)
        except portability.PortabilityError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Deleted {organisation.name} ({organisation.schema_name}) and its files")
