"""Signing somebody in without the sign-in pages: the session a finished sign-in leaves behind.

The one way to do it for the tests (Django's test client), the browser tests (the same session's
cookie handed to Chromium) and the benchmarks in bench/. The sign-in pages themselves have tests
of their own; everything else starts signed in through here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from helpdesk.middleware import SESSION_SCHEMA_KEY
from tests.factories import totp_device

if TYPE_CHECKING:
    from django.test import Client

TOKEN_BACKEND = "helpdesk.accounts.backends.TokenBackend"


def sign_in(
    client: Client, organisation: Any | None, user: Any, *, device: Any | None = None, verified: bool = True
) -> Client:
    """Signs `user` in on `client`, tied to the organisation's schema (None: the portal, public).

    `device`: the confirmed second factor this session passed (operator staff, a volunteer who
    switched one on). A manager gets one of their own unless `verified` is False: then the session
    has given the password only and still owes the code.
    """
    from django.conf import settings
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_tenants.utils import schema_context

    schema = organisation.schema_name if organisation is not None else "public"
    with schema_context(schema):
        if device is None and verified and organisation is not None and user.role == "manager":
            device = totp_device(user)
        client.force_login(user, backend=TOKEN_BACKEND)
        session = client.session
        session[SESSION_SCHEMA_KEY] = schema
        if device is not None:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    assert client.cookies[settings.SESSION_COOKIE_NAME]
    return client


def sign_in_operator(client: Client, user: Any, *, verified: bool = True) -> Client:
    """Signs operator staff in on the portal; `verified` gives them a confirmed authenticator app
    and a session that passed it."""
    if not verified:
        return sign_in(client, None, user)
    from django_tenants.utils import schema_context

    with schema_context("public"):
        device = totp_device(user)
    return sign_in(client, None, user, device=device)


def session_key(client: Client) -> str:
    """The session cookie's value, to hand to another browser."""
    from django.conf import settings

    return client.cookies[settings.SESSION_COOKIE_NAME].value
