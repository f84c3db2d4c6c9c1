"""Who may do what in support for volunteers: levels, approving a trainee's answers, advice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpdesk.accounts.models import Role
from helpdesk.permissions import can_manage_user, can_use_portal, can_work_queue, is_professional_here, is_tenant_member
from support.selectors import is_trainee_for
from tickets.permissions import can_work_ticket

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from helpdesk.accounts.models import User
    from support.models import AdviceThread, PendingReply
    from tickets.models import Ticket

    AnyUser = User | AnonymousUser


def can_set_volunteer_level(user: AnyUser, target: User) -> bool:
    return can_manage_user(user, target) and target.role == Role.VOLUNTEER


def can_see_approvals(user: AnyUser) -> bool:
    """The list of answers to approve, and one's own held answers: helpers."""
    return can_work_queue(user)


def can_review_reply(user: AnyUser, pending: PendingReply, *, trainee: bool | None = None) -> bool:
    """Professionals, and volunteers experienced in the question's product; never the author.

    `trainee`: whether `user` is a trainee for the question's product, when the caller knows."""
    if not can_work_queue(user) or pending.author_id == user.pk:
        return False
    if user.role == Role.PROFESSIONAL:
        return True
    return not (is_trainee_for(user, pending.ticket.product_id) if trainee is None else trainee)


def can_see_pending_reply(user: AnyUser, pending: PendingReply, *, trainee: bool | None = None) -> bool:
    """The trainee who wrote it, and who may review it. Never the requester, nor managers."""
    return (is_tenant_member(user) and pending.author_id == user.pk) or can_review_reply(user, pending, trainee=trainee)


def can_ask_advice(user: AnyUser, ticket: Ticket) -> bool:
    """A volunteer who works the question asks a professional, without giving it away."""
    return can_work_ticket(user, ticket) and user.role == Role.VOLUNTEER


def can_see_advice(user: AnyUser, thread: AdviceThread) -> bool:
    """Only the volunteer who asked and the professionals; not other volunteers, managers or the requester."""
    return is_tenant_member(user) and (thread.volunteer_id == user.pk or user.role == Role.PROFESSIONAL)


def can_answer_advice(user: AnyUser, thread: AdviceThread) -> bool:
    return is_professional_here(user) and can_see_advice(user, thread)


def can_add_to_advice(user: AnyUser, thread: AdviceThread) -> bool:
    """The volunteer who asked writes more in their own exchange: it then waits for a professional again."""
    return is_tenant_member(user) and user.role == Role.VOLUNTEER and thread.volunteer_id == user.pk


def can_close_advice(user: AnyUser, thread: AdviceThread) -> bool:
    return can_see_advice(user, thread)


def can_see_advice_requests(user: AnyUser) -> bool:
    """The portal's list of requests for advice of every organisation: operator staff."""
    return can_use_portal(user)
