from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from demo import load as demo
from tenants.models import CareOrganisation


class Command(BaseCommand):
    help = "Load the demo organisations, products and people (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="only when there is no organisation yet")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and CareOrganisation.objects.exists():
            self.stdout.write("Demo data: already there.")
            return
        organisations = demo.load()
        self.stdout.write(f"Demo data loaded: {', '.join(o.name for o in organisations)}.")
