"""Prints every address and demo sign-in, for the person who just ran `make run`."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django_otp.oath import TOTP

from demo import load as demo
from helpdesk.accounts.models import Role
from tenants.models import CareOrganisation


class Command(BaseCommand):
    help = "Print the URLs and demo sign-ins of every role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--codes",
            action="store_true",
            help="print only the current second-factor code of the demo operator staff and managers",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key = bytes.fromhex(demo.DEMO_TOTP_KEY)
        code = f"{TOTP(key).token():06d}"
        if options["codes"]:
            self.stdout.write(code)  # just the code, for `make otp`
            return
        port = options["port"]
        base = f"http://{settings.BASE_DOMAIN}:{port}"
        lines = ["", "=" * 78, "The helpdesk is running. Open these addresses in a browser:", ""]
        lines.append(f"Operator portal     {base}/")
        for email_role, email, _name in demo.OPERATOR_STAFF:
            lines.append(f"  {Role(email_role).label:<34} {email}  /  {demo.DEMO_PASSWORD}")
        lines.append(f"  second factor (also the managers'): add key {base64.b32encode(key).decode()} to an")
        lines.append("  authenticator app, or run `make otp` for the current code")
        for organisation in CareOrganisation.objects.filter(slug__in=[o["slug"] for o in demo.ORGANISATIONS]):
            lines.append("")
            lines.append(f"{organisation.name:<19} http://{organisation.host}:{port}/")
            for role, _kind, first, _last in demo.PEOPLE:
                email = demo.demo_email(role, first, organisation.slug)
                how = {
                    Role.REQUESTER: "sign-in link by e-mail (printed by the worker)",
                    Role.MANAGER: f"password {demo.DEMO_PASSWORD}, then the code ({code} now, or `make otp`)",
                }.get(role, f"password {demo.DEMO_PASSWORD}")
                lines.append(f"  {Role(role).label:<34} {email}  /  {how}")
        lines += ["", "E-mail is printed in this window by the worker. Stop everything with Ctrl-C.", "=" * 78, ""]
        self.stdout.write("\n".join(lines))
