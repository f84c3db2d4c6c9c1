"""Writes about people: signing in, tokens, invitations, login cards and the hand-off."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, login
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from helpdesk.accounts import hooks, selectors, tasks
from helpdesk.accounts.audit import audit
from helpdesk.accounts.models import AuditEvent, HandoffNonce, LoginToken, Role, User
from helpdesk.middleware import SESSION_SCHEMA_KEY
from helpdesk.sessions import store_class
from helpdesk.tasks import delay_on_commit
from helpdesk.tenancy import current_organisation
from helpdesk.urls_util import absolute_url

TOKEN_BACKEND = "helpdesk.accounts.backends.TokenBackend"  # noqa: S105
HANDOFF_SALT = "helpdesk.handoff"


class HandoffError(Exception):
    """The hand-off link is forged, expired, meant for another host, or already used."""


@dataclass(frozen=True)
class IssuedToken:
    token: LoginToken
    secret: str


def user_sign_in(*, request: HttpRequest, user: User, backend: str | None = None, how: str) -> None:
    """Signs `user` in on the current host and ties the session to this schema."""
    login(request, user, backend=backend)
    request.session[SESSION_SCHEMA_KEY] = connection.schema_name
    audit(actor=user, action="signed_in", how=how)


def sessions_end(*, user: User, keep: str | None = None) -> int:
    """Signs `user` out everywhere: deletes each of their sessions in this schema's session table
    (every schema has its own, so nobody else's are even read). `keep` spares one session key.

    Sessions do not index their user; a schema holds one organisation's live sessions, so reading
    them is cheap next to the rare change that calls this (a revoked card, a deactivated person,
    a new password). Returns how many ended.
    """
    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.session_key != keep and session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    # Through the store, so a copy in Redis ends with the row (helpdesk/sessions.py).
    store = store_class()
    for session_key in ended:
        store().delete(session_key)
    return len(ended)


def token_issue(*, user: User, purpose: str, actor: User | None = None) -> IssuedToken:
    secret = LoginToken.new_secret()
    lifetime = LoginToken.lifetime(purpose)
    token = LoginToken.objects.create(
        user=user,
        purpose=purpose,
        token_hash=LoginToken.hash(secret),
        created_by=actor if actor is not None and actor.pk else None,
        expires_at=timezone.now() + lifetime if lifetime else None,
        # A label of its own: part of the secret would make the rest easier to guess.
        label=secrets.token_hex(3).upper() if purpose == LoginToken.Purpose.LOGIN_CARD else "",
    )
    return IssuedToken(token=token, secret=secret)


def token_redeem(*, secret: str, purposes: tuple[str, ...]) -> User | None:
    """The user of a valid token, marking a single-use token as used; None for anything else."""
    cleaned = "".join(secret.split())
    if not cleaned or len(cleaned) > 200:
        return None
    with transaction.atomic():
        token = (
            LoginToken.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=LoginToken.hash(cleaned), purpose__in=purposes)
            .first()
        )
        if token is None or not token.is_usable():
            return None
        now = timezone.now()
        token.last_used_at = now
        if token.is_single_use and not token.waits_for_password:
            token.used_at = now
        token.save(update_fields=["last_used_at", "used_at"])
        return token.user


def _organisation_host() -> str:
    """The host of the schema in use: the organisation's, or the portal's on public."""
    organisation = current_organisation()
    return organisation.host if organisation is not None else settings.BASE_DOMAIN


def _organisation_url(name: str, secret: str) -> str:
    """An absolute link into the current organisation.

    Reversed with the organisation's URLconf: a task that runs inside a portal request (Celery's
    eager mode) would otherwise look the name up among the portal's addresses and fail.
    """
    return absolute_url(_organisation_host(), reverse(name, args=[secret], urlconf=settings.ROOT_URLCONF))


def magic_link_url(secret: str) -> str:
    return _organisation_url("accounts:magic_link", secret)


def magic_link_request(*, email: str) -> bool:
    """Sends a sign-in link when the address belongs to someone here. Says nothing either way."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True, public_user_id__isnull=True).first()
    if user is None:
        return False
    issued = token_issue(user=user, purpose=LoginToken.Purpose.MAGIC_LINK)
    delay_on_commit(tasks.send_sign_in_link, user_id=user.pk, url=magic_link_url(issued.secret), kind="magic_link")
    return True


@transaction.atomic
def user_invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    role: str,
    requester_kind: str = "",
    phone: str = "",
    language: str = "nl",
) -> User:
    """Creates a person in this organisation and e-mails them an invitation link."""
    user = User.objects.create_user(
        email=email or None,
        full_name=full_name,
        role=role,
        requester_kind=requester_kind if role == Role.REQUESTER else "",
        phone=phone,
        language=language,
    )
    audit(actor=actor, action="user_invited", target=user, role=role)
    hooks.person_added.send(user=user, actor=actor)
    if user.email:
        invitation_send(actor=actor, user=user)
    return user


def invitation_send(*, actor: User | None, user: User) -> None:
    """E-mails a fresh invitation link; earlier unused invitations stop working."""
    LoginToken.objects.filter(user=user, purpose=LoginToken.Purpose.INVITATION, used_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    issued = token_issue(user=user, purpose=LoginToken.Purpose.INVITATION, actor=actor)
    url = _organisation_url("accounts:invitation", issued.secret)
    delay_on_commit(tasks.send_sign_in_link, user_id=user.pk, url=url, kind="invitation")


def user_update(
    *, actor: User, user: User, full_name: str, role: str, requester_kind: str, phone: str, is_active: bool
) -> User:
    changes = {}
    for field, value in (
        ("full_name", full_name),
        ("role", role),
        ("requester_kind", requester_kind if role == Role.REQUESTER else ""),
        ("phone", phone),
        ("is_active", is_active),
    ):
        if getattr(user, field) != value:
            changes[field] = [getattr(user, field), value]
            setattr(user, field, value)
    if changes:
        user.save()
        audit(actor=actor, action="user_changed", target=user, changes=changes)
        if not user.is_active:
            LoginToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
            sessions_end(user=user)
    return user


@transaction.atomic
def password_set(*, user: User, password: str) -> None:
    """Sets (or changes) a staff member's password; an invitation that waited for it is used up now. A
    new password ends every session of this person; the page that sets it signs in anew."""
    changed = user.has_usable_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    sessions_end(user=user)
    LoginToken.objects.filter(user=user, purpose=LoginToken.Purpose.INVITATION, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    audit(actor=user, action="password_changed" if changed else "password_set", target=user)


def login_card_issue(*, actor: User, user: User) -> IssuedToken:
    """A new personal login card; any earlier card of this person stops working."""
    login_card_revoke_all(actor=actor, user=user)
    issued = token_issue(user=user, purpose=LoginToken.Purpose.LOGIN_CARD, actor=actor)
    audit(actor=actor, action="login_card_issued", target=user, card=issued.token.label)
    return issued


def login_card_revoke_all(*, actor: User, user: User) -> int:
    count = LoginToken.objects.filter(user=user, purpose=LoginToken.Purpose.LOGIN_CARD, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if count:
        sessions_end(user=user)
        audit(actor=actor, action="login_card_revoked", target=user, cards=count)
    return count


def login_card_url(secret: str) -> str:
    return _organisation_url("accounts:card", secret)


# --- The professional hand-off -------------------------------------------------------------------


def handoff_create(*, professional: User, schema_name: str, next_path: str = "/") -> str:
    """A short-lived, single-use signed token that signs a public professional in on a tenant."""
    payload = {
        "u": professional.pk,
        "s": schema_name,
        "n": secrets.token_urlsafe(16),
        "e": professional.email,
        "f": professional.full_name,
        "p": next_path if next_path.startswith("/") and not next_path.startswith("//") else "/",
    }
    return signing.dumps(payload, salt=HANDOFF_SALT, compress=True)


def handoff_start(
    *, actor: User, organisation: Any, next_path: str = "/", action: str = "handoff_created", **details: Any
) -> str:
    """Where to send a professional in the portal so they land, signed in, on the organisation's host.

    Makes the single-use hand-off for `next_path` and writes `action` (with `details`) to the
    portal's audit log, so every way into an organisation is recorded the same way.
    """
    token = handoff_create(professional=actor, schema_name=organisation.schema_name, next_path=next_path)
    audit(actor=actor, action=action, target=organisation, **details)
    return absolute_url(organisation.host, reverse("accounts:handoff", args=[token], urlconf=settings.ROOT_URLCONF))


def handoff_redeem(*, token: str) -> tuple[User, str]:
    """The shadow account for a valid hand-off on this schema, and where to go next."""
    try:
        payload = signing.loads(token, salt=HANDOFF_SALT, max_age=settings.HANDOFF_MAX_AGE)
    except signing.BadSignature as error:
        raise HandoffError("invalid or expired") from error
    if payload.get("s") != connection.schema_name:
        raise HandoffError("meant for another organisation")
    try:
        with transaction.atomic():
            HandoffNonce.objects.create(nonce=payload["n"])
    except IntegrityError as error:
        raise HandoffError("already used") from error

    shadow, created = User.objects.get_or_create(
        public_user_id=payload["u"],
        defaults={"full_name": payload["f"], "role": Role.PROFESSIONAL, "requester_kind": ""},
    )
    if not created and shadow.full_name != payload["f"]:
        shadow.full_name = payload["f"]
        shadow.save(update_fields=["full_name"])
    audit(actor=shadow, action="handoff_used", target=shadow, public_email=payload["e"], created=created)
    return shadow, payload["p"]


# --- The operator's own staff, on the portal (public schema) -------------------------------------------


def operator_staff_invite(*, actor: User, email: str, full_name: str, role: str) -> User:
    """Adds a professional or an operator admin and e-mails them an invitation to choose a password.

    The second factor is set up at their first sign-in, as for everyone on the portal.
    """
    if role not in (Role.PROFESSIONAL, Role.OPERATOR_ADMIN):
        raise ValueError(f"Not a role of the operator's staff: {role}")
    with transaction.atomic():
        user = User.objects.create_user(email=email, full_name=full_name.strip(), role=role, requester_kind="")
        audit(actor=actor, action="operator_staff_invited", target=user, role=role)
        invitation_send(actor=actor, user=user)
    return user


def operator_staff_invitation_resend(*, actor: User, user: User) -> bool:
    """A new invitation for someone who has not chosen a password yet; False for anyone else."""
    if not user.is_active or user.has_usable_password():
        return False
    invitation_send(actor=actor, user=user)
    audit(actor=actor, action="operator_staff_invitation_resent", target=user)
    return True


def operator_staff_deactivate(*, actor: User, user: User) -> bool:
    """Takes away someone's access to the portal at once: sessions no longer count, links stop working.

    Their name stays in every audit log. Nobody deactivates themself.
    """
    if user.pk == actor.pk or not user.is_active:
        return False
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        LoginToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit(actor=actor, action="operator_staff_deactivated", target=user)
    return True


def operator_staff_reactivate(*, actor: User, user: User) -> bool:
    if user.is_active:
        return False
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit(actor=actor, action="operator_staff_reactivated", target=user)
    return True


def audit_log_export(*, actor: User, person: User) -> list[AuditEvent]:
    """The access-log entries about `person`, for a manager to hand over; the export is logged."""
    events = list(selectors.audit_events_about(person))
    audit(actor=actor, action="audit_log_exported", target=person, entries=len(events))
    return events
