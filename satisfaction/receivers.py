"""What satisfaction does when the apps below it call (see satisfaction.apps)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from helpdesk.tasks import delay_on_commit
from satisfaction import tasks
from satisfaction.selectors import survey_answer_of
from tickets.models import Ticket


def survey_request_on_resolve(*, ticket: Ticket, actor: Any) -> None:
    """A question was solved: once that commits, its requester is asked how it went (by e-mail,
    when an address is known)."""
    if ticket.contact_email:
        delay_on_commit(tasks.send_satisfaction_request, ticket_id=ticket.pk)


def survey_invitation(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    """On the requester's page of a solved or closed question: how did it go?"""
    if not ticket.is_solved_or_closed:
        return None
    return {"survey_answer": survey_answer_of(ticket)}


def rating_fact(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    """The requester's rating, in the summary of a solved question's page."""
    if ticket.is_open:
        return None
    rating = survey_answer_of(ticket)
    return {"rating": rating} if rating is not None else None
