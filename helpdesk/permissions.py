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
    from support.models import AdviceThread, PendingReply
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


def is_volunteer_here(user: AnyUser) -> bool:
    return is_tenant_member(user) and user.role == Role.VOLUNTEER


def _with_professionals(ticket: Ticket) -> bool:
    from tickets.models import Tier

    return ticket.tier == Tier.PROFESSIONAL


def can_work_ticket(user: AnyUser, ticket: Ticket) -> bool:
    """Claim, answer, change status, product or topic: volunteers and professionals.

    Once the professionals have a question, volunteers follow it (and add internal notes) but no
    longer take it, answer the requester or solve it.
    """
    if not can_work_queue(user):
        return False
    return not _with_professionals(ticket) or user.role == Role.PROFESSIONAL


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


def can_follow_ticket(user: AnyUser, ticket: Ticket, *, opened: frozenset[int] = frozenset()) -> bool:
    """The requester's view of a question: their own account's, or one this browser opened with
    its magic link or its number and contact check (`opened`, from the session)."""
    return is_requester_of(user, ticket) or (not on_public_schema() and ticket.pk in opened)


def can_manage_saved_replies(user: AnyUser) -> bool:
    """Managers and professionals keep the organisation's saved replies; volunteers use them."""
    return is_tenant_member(user) and user.role in (Role.MANAGER, Role.PROFESSIONAL)


# --- The operator portal: escalated questions, overview, organisation settings ------------------


def can_view_escalations(user: AnyUser) -> bool:
    """The professionals' queue of every organisation: operator staff with their second factor."""
    return can_use_portal(user) and user.role in (Role.PROFESSIONAL, Role.OPERATOR_ADMIN)


def can_open_escalation(user: AnyUser, organisation: CareOrganisation) -> bool:
    """Opening or taking over an escalated question goes through a hand-off to an active organisation."""
    return can_view_escalations(user) and organisation.is_active


def can_view_operator_overview(user: AnyUser) -> bool:
    return can_use_portal(user)


def can_manage_organisation_settings(user: AnyUser, organisation: CareOrganisation | None = None) -> bool:
    """How questions flow (limits, contact person): the operator's admins for any organisation,
    an organisation's managers for their own one, on its own host."""
    if can_manage_organisations(user):
        return organisation is not None
    return (
        can_manage_users(user)
        and organisation is not None
        and connection.schema_name == organisation.schema_name
        and not user.is_shadow
    )


def can_answer_survey(
    user: AnyUser, ticket: Ticket, *, opened: frozenset[int] = frozenset(), holds_link: bool = False
) -> bool:
    """Rating a solved question: its requester, signed in, or a browser that opened the question
    (`opened`, from the session) or holds the link from the e-mail that asks. Helpers and managers
    never answer on someone's behalf."""
    if on_public_schema():
        return False
    if is_requester_of(user, ticket):
        return True
    if _signed_in(user) and user.role != Role.REQUESTER:
        return False
    return holds_link or ticket.pk in opened


# --- Support for volunteers: levels, approving answers, advice from professionals -----------------


def is_professional_here(user: AnyUser) -> bool:
    """A professional's shadow account on an organisation's host."""
    return is_tenant_member(user) and user.role == Role.PROFESSIONAL


def can_set_volunteer_level(user: AnyUser, target: User) -> bool:
    return can_manage_user(user, target) and target.role == Role.VOLUNTEER


def can_see_approvals(user: AnyUser) -> bool:
    """The list of answers to approve, and one's own held answers: helpers."""
    return can_work_queue(user)


def can_review_reply(user: AnyUser, pending: PendingReply) -> bool:
    """Professionals, and volunteers experienced in the question's product; never the author."""
    if not can_work_queue(user) or pending.author_id == user.pk:
        return False
    if user.role == Role.PROFESSIONAL:
        return True
    from support.selectors import is_trainee_for

    return not is_trainee_for(user, pending.ticket.product_id)


def can_see_pending_reply(user: AnyUser, pending: PendingReply) -> bool:
    """The trainee who wrote it, and who may review it. Never the requester, nor managers."""
    return (is_tenant_member(user) and pending.author_id == user.pk) or can_review_reply(user, pending)


def can_ask_advice(user: AnyUser, ticket: Ticket) -> bool:
    """A volunteer who works the question asks a professional, without giving it away."""
    return can_work_ticket(user, ticket) and user.role == Role.VOLUNTEER


def can_see_advice(user: AnyUser, thread: AdviceThread) -> bool:
    """Only the volunteer who asked and the professionals; not other volunteers, managers or the requester."""
    return is_tenant_member(user) and (thread.volunteer_id == user.pk or user.role == Role.PROFESSIONAL)


def can_answer_advice(user: AnyUser, thread: AdviceThread) -> bool:
    return is_professional_here(user) and can_see_advice(user, thread)


def can_close_advice(user: AnyUser, thread: AdviceThread) -> bool:
    return can_see_advice(user, thread)


def can_see_advice_requests(user: AnyUser) -> bool:
    """The portal's list of requests for advice of every organisation: operator staff."""
    return can_use_portal(user)
