"""On a Citus coordinator: public tables as reference tables, organisations as distributed schemas."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tenants.citus import citus_distribute


class Command(BaseCommand):
    help = "Make the public tables reference tables and each organisation's schema a distributed schema (Citus)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = citus_distribute()
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        for kind, names in done.items():
            self.stdout.write(f"{kind}: {len(names)} made" + (f" ({', '.join(names)})" if names else ""))
