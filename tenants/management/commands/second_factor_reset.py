"""A lost phone when no manager can help (the only manager lost theirs): the operator resets it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import Role, User
from helpdesk.accounts.second_factor import second_factor_reset
from tenants.models import CareOrganisation


class Command(BaseCommand):
    help = "Removes the authenticator app of one person of a care organisation and ends their sessions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the organisation's web address (amphora for amphora.<domain>)")
        parser.add_argument("email", help="the person's e-mail address")
        parser.add_argument("--by", required=True, help="who of the operator does this, for the access log")

    def handle(self, *args: Any, slug: str, email: str, by: str, **options: Any) -> None:
        organisation = CareOrganisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(f"No organisation with web address {slug!r}.")
        with tenant_context(organisation):
            person = User.objects.filter(email__iexact=email.strip(), role__in=[Role.MANAGER, Role.VOLUNTEER]).first()
            if person is None:
                raise CommandError(f"No manager or volunteer with address {email!r} in {organisation.name}.")
            removed = second_factor_reset(actor=None, user=person, actor_name=f"{by} (operator)")
        self.stdout.write(f"{person.full_name}: {removed} authenticator app(s) removed, sessions ended.")
