"""Writing to the access log (audit log) of the current schema.

Every row says what happened, when, who did it (and, for a professional's shadow account, the
operator account they acted for), from which address, and whose data it was. The address comes
from the request being served: `AuditOriginMiddleware` puts it where `audit` finds it, so a
service need not pass the request along. Work without a request (a beat task) has no address.
"""

from __future__ import annotations

import contextvars
import ipaddress
from collections.abc import Callable
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse

from helpdesk.accounts.models import AuditEvent, User
from helpdesk.throttle import client_address

_origin: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_origin", default=None)


class AuditOriginMiddleware:
    """Remembers the visitor's address for the audit rows this request writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _origin.set(_valid_address(client_address(request)))
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _subject_of(target: models.Model | None) -> tuple[int | None, str]:
    """The person whose data `target` is, as (account id, name); models say so with `audit_subject`."""
    if target is None:
        return None, ""
    if isinstance(target, User):
        return target.pk, target.full_name
    subject = getattr(target, "audit_subject", None)
    return subject if subject is not None else (None, "")


def _label_of(target: models.Model | None) -> str:
    if target is None:
        return ""
    if isinstance(target, User):
        return target.full_name
    return str(getattr(target, "audit_label", "") or target.pk)


def audit(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    actor_name: str = "",
    **data: Any,
) -> AuditEvent:
    """Writes one row. `actor_name` names somebody without an account (a requester who asked
    without signing in, by the name they gave); without actor and name the row is the system's."""
    label = actor_name
    operator_account_id = None
    if actor is not None:
        label = f"{actor.full_name} <{actor.email}>" if actor.email else actor.full_name
        if actor.is_shadow:
            operator_account_id = actor.public_user_id
            data.setdefault("professional_public_id", actor.public_user_id)
    subject_id, subject_label = _subject_of(target)
    # No seal here: the beat task chains new rows every minute (docs/decisions.md #17), so a
    # page that reads personal data pays one INSERT for its row, nothing more.
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=label[:200],
        operator_account_id=operator_account_id,
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=_label_of(target)[:200],
        subject_id=subject_id,
        subject_label=subject_label[:200],
        ip_address=_origin.get(),
        data=data,
    )
