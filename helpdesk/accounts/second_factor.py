"""The second factor: a code from an authenticator app (TOTP, django-otp).

Operator staff keep their app in the public schema, an organisation's people in their
organisation's schema (django-otp is in both app lists), so a device is found, checked and
removed wherever its person lives. Services here take `actor=` and write the access log.
"""

from __future__ import annotations

import base64

from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk import throttle
from helpdesk.accounts.audit import audit
from helpdesk.accounts.models import User
from helpdesk.accounts.services import sessions_end

WRONG_CODE_LIMIT = 5


class CodeRefused(Exception):
    """A wrong code, or too many of them; `paused` says which."""

    def __init__(self, *, paused: bool) -> None:
        super().__init__("paused" if paused else "wrong")
        self.paused = paused


def device_to_check(user: User) -> TOTPDevice:
    """The person's confirmed app; without one, the app being set up (made on the first visit)."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def device_to_set_up(user: User) -> TOTPDevice:
    """A new app being set up, for someone who has none confirmed yet."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def grouped_key(device: TOTPDevice) -> str:
    """The key to type into an app by hand, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def code_check(*, request: HttpRequest, device: TOTPDevice, code: str) -> None:
    """Checks `code` against `device`; five wrong codes pause the person for a while.

    Right: the session counts as verified, and a device being set up is confirmed (replacing any
    older app of the person). Wrong: raises `CodeRefused`.
    """
    key = f"otp:{device.user_id}"
    if throttle.is_blocked("otp", key, limit=WRONG_CODE_LIMIT):
        raise CodeRefused(paused=True)
    if not device.verify_token(code):
        throttle.record_failure("otp", key)
        raise CodeRefused(paused=False)
    throttle.clear("otp", key)
    if not device.confirmed:
        second_factor_confirm(actor=request.user, device=device)
    otp_login(request, device)


@transaction.atomic
def second_factor_confirm(*, actor: User, device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    if actor.pk == device.user_id:
        actor.has_confirmed_authenticator = True  # the rest of this request knows it too
    audit(actor=actor, action="second_factor_on", target=device.user)


@transaction.atomic
def second_factor_switch_off(*, actor: User) -> None:
    """A volunteer switches their own second factor off (the view asked for a current code first)."""
    TOTPDevice.objects.filter(user=actor).delete()
    actor.has_confirmed_authenticator = False
    audit(actor=actor, action="second_factor_off", target=actor)


@transaction.atomic
def second_factor_reset(*, actor: User | None, user: User, actor_name: str = "") -> int:
    """A lost phone: removes every authenticator app of `user` and ends their sessions. A
    manager sets one up again at the next sign-in; a volunteer may switch one on again.
    `actor` None with `actor_name`: the operator, from the command line."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    sessions_end(user=user)
    audit(actor=actor, actor_name=actor_name, action="second_factor_reset", target=user, devices=removed)
    return removed
