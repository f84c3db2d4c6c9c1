"""Every access decision of the helpdesk, as small named functions.

Views ask these functions and answer 404 when the answer is no, exactly as for a missing
object, so nobody learns what exists elsewhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django_tenants.utils import get_public_schema_name

from helpdesk.accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from helpdesk.accounts.models import User
    from tenants.models import CareOrganisation
    from tickets.models import Ticket

    AnyUser = User | AnonymousUser


def on_public_schema() -> bool:
    return connection.schema_name == get_public_schema_name()


def _signed_in(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_operator_staff(user: AnyUser) -> bool:
    """Operator staff: public accounts with a public role. Never true on a tenant host."""
    return _signed_in(user) and on_public_schema() and user.role in (Role.PROFESSIONAL, Role.OPERATOR_ADMIN)


def has_second_factor(user: AnyUser) -> bool:
    if not settings.OPERATOR_REQUIRE_2FA:
        return True
    return bool(getattr(user, "is_verified", lambda: False)())


def can_use_portal(user: AnyUser) -> bool:
    return is_operator_staff(user) and has_second_factor(user)


def can_manage_organisations(user: AnyUser) -> bool:
    return can_use_portal(user) and user.role == Role.OPERATOR_ADMIN


def can_open_organisation_as_professional(user: AnyUser, organisation: CareOrganisation) -> bool:
    return can_use_portal(user) and organisation.is_active


def is_tenant_member(user: AnyUser) -> bool:
    return _signed_in(user) and not on_public_schema()


def can_set_password(user: AnyUser) -> bool:
    """Staff roles choose a password; end users and professionals' shadow accounts never do."""
    return is_tenant_member(user) and user.uses_password and not user.is_shadow


def can_manage_users(user: AnyUser) -> bool:
    return is_tenant_member(user) and user.role == Role.MANAGER


def can_manage_user(user: AnyUser, target: User) -> bool:
    """A manager manages the people of their own organisation, not shadow accounts nor themself."""
    return can_manage_users(user) and not target.is_shadow and target.pk != user.pk


def can_issue_login_card(user: AnyUser, target: User) -> bool:
    return can_manage_user(user, target) and target.role == Role.REQUESTER and target.is_active


def can_work_queue(user: AnyUser) -> bool:
    return is_tenant_member(user) and user.role in (Role.VOLUNTEER, Role.PROFESSIONAL)


def can_view_audit_log(user: AnyUser) -> bool:
    return can_manage_users(user)


# --- Questions (tickets) ---------------------------------------------------------------------------


def can_view_queue(user: AnyUser) -> bool:
    """Helpers work the queue; managers may read it."""
    return is_tenant_member(user) and user.role in (Role.VOLUNTEER, Role.PROFESSIONAL, Role.MANAGER)


def is_requester_of(user: AnyUser, ticket: Ticket) -> bool:
    return is_tenant_member(user) and ticket.requester_id is not None and ticket.requester_id == user.pk


def can_view_ticket(user: AnyUser, ticket: Ticket) -> bool:
    """Helpers and managers see every question of their organisation; requesters their own."""
    return can_view_queue(user) or is_requester_of(user, ticket)


def can_work_ticket(user: AnyUser, ticket: Ticket) -> bool:
    """Claim, answer, add notes, change status, product or topic: volunteers and professionals."""
    return can_work_queue(user)


def can_see_internal_notes(user: AnyUser, ticket: Ticket) -> bool:
    return can_view_queue(user)


def can_reply_as_requester(user: AnyUser, ticket: Ticket) -> bool:
    return is_requester_of(user, ticket)


def can_take_intake(user: AnyUser) -> bool:
    """Recording a question that came in by phone or at the desk."""
    return can_work_queue(user)


def can_follow_ticket(user: AnyUser, ticket: Ticket, *, opened: frozenset[int] = frozenset()) -> bool:
    """The requester's view of a question: their own account's, or one this browser opened with
    its magic link or its number and contact check (`opened`, from the session)."""
    return is_requester_of(user, ticket) or (not on_public_schema() and ticket.pk in opened)


def can_manage_saved_replies(user: AnyUser) -> bool:
    """Managers and professionals keep the organisation's saved replies; volunteers use them."""
    return is_tenant_member(user) and user.role in (Role.MANAGER, Role.PROFESSIONAL)
