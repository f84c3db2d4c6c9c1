"""Who may rate a solved question."""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpdesk.permissions import on_public_schema
from tickets.permissions import is_requester_of, may_act_as_asker

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from helpdesk.accounts.models import User
    from tickets.models import Ticket

    AnyUser = User | AnonymousUser


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
    if not may_act_as_asker(user):
        return False
    return holds_link or ticket.pk in opened
