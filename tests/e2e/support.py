"""What the browser tests share: the running server, committed people, signed-in browsers.

The fixtures that hand these out live in conftest.py; this module holds the helpers themselves,
so test modules and screenshots.py can import them.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import functools
import os
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django_tenants.utils import schema_context

from helpdesk.accounts.models import RequesterKind, Role, User
from tenants.models import CareOrganisation, Domain
from tests.e2e.policy_watch import PolicyWatch
from tests.signing_in import session_key, sign_in

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PASSWORD = "een lange zin als wachtwoord"
WIDTHS = {"wide": (1280, 800), "narrow": (320, 640)}


@contextlib.contextmanager
def orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API keeps an event loop in this thread; Django's ORM must still work here.

    Only while browser tests run: a variable left in the environment would reach the processes
    other tests start (`manage.py check --deploy` refuses it).
    """
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if before is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@dataclass
class Server:
    port: int
    mail_dir: Path
    log: Path

    def tenant(self, slug: str = "test-a", path: str = "/") -> str:
        return f"http://{slug}.{settings.BASE_DOMAIN}:{self.port}{path}"

    def portal(self, path: str = "/") -> str:
        return f"http://{settings.BASE_DOMAIN}:{self.port}{path}"

    def mails_to(self, address: str) -> list[email.message.EmailMessage]:
        """Every message the server has sent to `address`, oldest first."""
        found = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime):
            for chunk in path.read_text().split("\n" + "-" * 79 + "\n"):
                if not chunk.strip():
                    continue
                message = email.message_from_string(chunk, policy=email.policy.default)
                if address.lower() in (message["To"] or "").lower():
                    found.append(message)
        return found

    def link_in_mail(self, address: str, pattern: str = r"https?://\S+") -> str:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            mails = self.mails_to(address)
            if mails:
                body = mails[-1].get_body(preferencelist=("plain",)).get_content()
                match = re.search(pattern, body)
                assert match, f"no link in the e-mail to {address}:\n{body}"
                return match.group(0)
            time.sleep(0.1)
        raise AssertionError(f"no e-mail reached {address}")


@dataclass
class People:
    """Makes committed people, each with an address no other test uses."""

    def address(self, label: str) -> str:
        local = re.sub(r"[^a-z0-9]+", ".", label.lower()).strip(".")
        return f"{local}.{uuid.uuid4().hex[:6]}@voorbeeld.example"

    def member(
        self,
        role: Role = Role.REQUESTER,
        *,
        slug: str = "test-a",
        with_email: bool = True,
        password: bool = False,
        device: bool = False,
        **fields,
    ):
        """A person in a care organisation; `device`: with a confirmed authenticator app (`.device`)."""
        fields.setdefault("full_name", f"{role.title()} Testpersoon")
        fields.setdefault("requester_kind", RequesterKind.CLIENT if role == Role.REQUESTER else "")
        fields["password"] = server_password_hash() if password else "!"  # "!": no usable password
        with schema_context(schema_for(slug)):
            user = User.objects.create(
                email=self.address(fields["full_name"]) if with_email else None, role=role, **fields
            )
            if device:
                user.device = _authenticator(user)
        return user

    def operator(self, role: Role = Role.OPERATOR_ADMIN, *, device: bool = True, password: bool = False):
        """Operator staff in the public schema, with a confirmed authenticator device unless told not."""
        with schema_context("public"):
            user = User.objects.create(
                email=self.address(role),
                password=server_password_hash() if password else "!",
                full_name="Olga Operator" if role == Role.OPERATOR_ADMIN else "Pieter Professional",
                role=role,
            )
            if device:
                user.device = _authenticator(user)
        return user


def _authenticator(user: User):
    """A confirmed authenticator app with a key of its own, in the schema the person lives in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(
        user=user, name="test", key=uuid.uuid4().hex + uuid.uuid4().hex[:8], confirmed=True
    )


@functools.cache
def server_password_hash() -> str:
    """PASSWORD hashed the way the server checks it: its own hasher, not the tests' cheap one."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    return hasher.encode(PASSWORD, hasher.salt())


def schema_for(slug: str) -> str:

    return "public" if slug == "public" else CareOrganisation.schema_for_slug(slug)


def otp_code(device) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(bytes.fromhex(device.key)).token():06d}"


@dataclass
class Visitor:
    """One browser context for one test, and ways to be signed in without going through the forms."""

    server: Server
    context: object
    page: object

    def sign_in_as(self, user, *, slug: str = "test-a", verified: bool = False) -> None:
        """Gives the browser the session cookie of `user` on that host, as signing in would."""
        from django.test import Client

        organisation = None if slug == "public" else CareOrganisation.objects.get(slug=slug)
        client = sign_in(Client(), organisation, user, device=user.device if verified else None)
        url = self.server.portal() if slug == "public" else self.server.tenant(slug)
        self.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_key(client), "url": url}])


def new_context(browser, *, width: str = "wide", javascript: bool = True):
    viewport_width, viewport_height = WIDTHS[width]
    context = browser.new_context(
        viewport={"width": viewport_width, "height": viewport_height},
        java_script_enabled=javascript,
        locale="nl-NL",
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    context.policy_watch = PolicyWatch().attach(context)
    return context


def policy_problems(context) -> list[str]:
    """What the Content-Security-Policy blocked or would block on the context's pages so far."""
    return context.policy_watch.problems


def pending_organisation():
    """An organisation whose schema is still being made: its host answers 'almost ready'."""

    slug = f"wacht-{uuid.uuid4().hex[:8]}"
    organisation = CareOrganisation.objects.create(
        name="Zorggroep In Opbouw",
        slug=slug,
        schema_name=CareOrganisation.schema_for_slug(slug),
        reference_prefix="".join(chr(65 + int(c, 16) % 26) for c in uuid.uuid4().hex[:5]),
        provisioning_step="schema",
    )
    Domain.objects.create(domain=organisation.host, tenant=organisation, is_primary=True)
    return organisation
