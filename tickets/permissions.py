"""Who may do what with a question: see it, work it, pass it on, follow it as its requester."""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpdesk.accounts.models import Role
from helpdesk.permissions import (
    can_work_queue,
    is_professional_here,
    is_tenant_member,
    is_volunteer_here,
    on_public_schema,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from helpdesk.accounts.models import User
    from tickets.models import Ticket

    AnyUser = User | AnonymousUser


def can_view_queue(user: AnyUser) -> bool:
    """Helpers work the queue; managers may read it."""
    return is_tenant_member(user) and user.role in (Role.VOLUNTEER, Role.PROFESSIONAL, Role.MANAGER)


def is_requester_of(user: AnyUser, ticket: Ticket) -> bool:
    return is_tenant_member(user) and ticket.requester_id is not None and ticket.requester_id == user.pk


def can_view_ticket(user: AnyUser, ticket: Ticket) -> bool:
    """Helpers and managers see every question of their organisation; requesters their own."""
    return can_view_queue(user) or is_requester_of(user, ticket)


def _with_professionals(ticket: Ticket) -> bool:
    return ticket.is_with_professionals


def can_work_ticket(user: AnyUser, ticket: Ticket) -> bool:
    """Claim, answer, change status, product or topic: volunteers and professionals.

    Once the professionals have a question, volunteers follow it (and add internal notes) but no
    longer take it, answer the requester or solve it.
    """
    if not can_work_queue(user):
        return False
    return not _with_professionals(ticket) or user.role == Role.PROFESSIONAL


def can_claim_ticket(user: AnyUser, ticket: Ticket) -> bool:
    """Take an open question that nobody holds and the volunteers have."""
    return (
        can_work_ticket(user, ticket)
        and ticket.assignee_id is None
        and ticket.is_open
        and not ticket.is_with_professionals
    )


def can_release_ticket(user: AnyUser, ticket: Ticket) -> bool:
    """Give one's own open question back to the queue."""
    return can_work_ticket(user, ticket) and ticket.assignee_id == user.pk and ticket.is_open


def is_helper_on(user: AnyUser, ticket: Ticket) -> bool:
    """Volunteers and professionals act on every question of their organisation: they work it,
    or (a volunteer, once the professionals have it) follow it. What each action allows is
    decided by the functions below; a refusal there is explained on the page, not a 404."""
    return can_work_queue(user)


def can_add_note(user: AnyUser, ticket: Ticket) -> bool:
    """Internal notes: every helper, also a volunteer following a question the professionals have."""
    return can_work_queue(user)


def can_escalate_ticket(user: AnyUser, ticket: Ticket) -> bool:
    """A volunteer passes an open question to the professionals: one nobody holds, or their own."""
    return (
        is_volunteer_here(user)
        and ticket.is_open
        and not _with_professionals(ticket)
        and ticket.assignee_id in (None, user.pk)
    )


def can_mark_worry(user: AnyUser, ticket: Ticket) -> bool:
    """Any helper may raise a worry about a client's safety on an open question, once."""
    return can_work_queue(user) and ticket.is_open and not ticket.is_worry


def can_take_over_ticket(user: AnyUser, ticket: Ticket) -> bool:
    """A professional takes over an open, escalated question that is not theirs yet."""
    return (
        is_professional_here(user) and ticket.is_open and _with_professionals(ticket) and ticket.assignee_id != user.pk
    )


def can_hand_back_ticket(user: AnyUser, ticket: Ticket) -> bool:
    """A professional gives an open, escalated question back to the volunteers."""
    return is_professional_here(user) and ticket.is_open and _with_professionals(ticket)


def can_keep_duty(user: AnyUser) -> bool:
    """Volunteers say when they are on duty."""
    return is_volunteer_here(user)


def can_see_own_contribution(user: AnyUser) -> bool:
    return is_volunteer_here(user)


def can_see_internal_notes(user: AnyUser, ticket: Ticket) -> bool:
    return can_view_queue(user)


def can_reply_as_requester(user: AnyUser, ticket: Ticket) -> bool:
    return is_requester_of(user, ticket)


def can_take_intake(user: AnyUser) -> bool:
    """Recording a question that came in by phone or at the desk."""
    return can_work_queue(user)


def may_act_as_asker(user: AnyUser) -> bool:
    """Only somebody without an account here, or a requester, takes the asker's place.

    A signed-in helper, manager or professional is never turned into the asker of a question by
    a magic link or the number and contact check: what they may do with it is what their role
    allows on the helpers' page.
    """
    if not user.is_authenticated:
        return True
    return is_tenant_member(user) and user.role == Role.REQUESTER


def can_follow_ticket(user: AnyUser, ticket: Ticket, *, opened: frozenset[int] = frozenset()) -> bool:
    """The requester's view of a question: their own account's, or one this browser opened with
    its magic link or its number and contact check (`opened`, from the session)."""
    if is_requester_of(user, ticket):
        return True
    return may_act_as_asker(user) and not on_public_schema() and ticket.pk in opened


def can_manage_saved_replies(user: AnyUser) -> bool:
    """Managers and professionals keep the organisation's saved replies; volunteers use them."""
    return is_tenant_member(user) and user.role in (Role.MANAGER, Role.PROFESSIONAL)
