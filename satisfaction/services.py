"""Writes about satisfaction: the requester's one answer per solved question, and the e-mail that asks.

The answer may be changed for SURVEY_CHANGE_DAYS days after it was first given; after that it
stays as it is, so the monthly reports do not shift under a manager's feet.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from helpdesk.accounts.audit import audit
from satisfaction.models import (
    ANSWERABLE_STATUSES,
    COMMENT_MAX_LENGTH,
    SURVEY_CHANGE_DAYS,
    Score,
    SurveyAnswer,
    SurveyInvitation,
)
from tickets.models import Ticket

if TYPE_CHECKING:
    from helpdesk.accounts.models import User

__all__ = [
    "SURVEY_CHANGE_DAYS",
    "SurveyChangeClosed",
    "SurveyError",
    "SurveyNotYet",
    "survey_answer_save",
    "survey_change_deadline",
    "survey_invitation_claim",
]


class SurveyError(Exception):
    """An answer that cannot be saved."""


class SurveyNotYet(SurveyError):
    """The question is not solved (or was opened again): there is nothing to rate yet."""


class SurveyChangeClosed(SurveyError):
    """The answer was given more than SURVEY_CHANGE_DAYS days ago and can no longer change."""

    def __init__(self, deadline: datetime) -> None:
        self.deadline = deadline
        super().__init__(f"The answer could be changed until {deadline:%Y-%m-%d %H:%M}; it is final now.")


def survey_change_deadline(answer: SurveyAnswer) -> datetime:
    """Until when `answer` may be changed."""
    return answer.change_deadline


def _score(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in Score.values:
        raise SurveyError(f"{name} must be a whole number from 1 to 5, not {value!r}.")
    return value


@transaction.atomic
def survey_answer_save(
    *, ticket: Ticket, actor: User | None, help_score: int, technology_score: int, comment: str = ""
) -> SurveyAnswer:
    """Records the requester's answer about a solved question, or changes the one they gave.

    `actor` is the requester's account, or None for someone without one (who opened the question
    with its number or the e-mail link); views decide who may answer. The first answer copies the
    question's product and tier; a change keeps them. Raises `SurveyNotYet` when the question is
    not solved or closed, and `SurveyChangeClosed` once the change window has passed.
    """
    help_score = _score(help_score, "help_score")
    technology_score = _score(technology_score, "technology_score")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise SurveyError(f"The comment may be at most {COMMENT_MAX_LENGTH} characters long.")
    # The question's row lock orders two answers sent at once: the second sees the first.
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status not in ANSWERABLE_STATUSES:
        raise SurveyNotYet("Only a solved or closed question can be rated.")
    now = timezone.now()
    answer = SurveyAnswer.objects.filter(ticket=ticket).first()
    if answer is None:
        answer = SurveyAnswer.objects.create(
            ticket=ticket,
            help_score=help_score,
            technology_score=technology_score,
            comment=comment,
            product_id=ticket.product_id,
            tier=ticket.tier,
            answered_at=now,
            changed_at=now,
        )
        action = "survey_answered"
    else:
        deadline = survey_change_deadline(answer)
        if now > deadline:
            raise SurveyChangeClosed(deadline)
        answer.help_score = help_score
        answer.technology_score = technology_score
        answer.comment = comment
        answer.changed_at = now
        answer.save(update_fields=["help_score", "technology_score", "comment", "changed_at"])
        action = "survey_changed"
    audit(
        actor=actor,
        action=action,
        target=ticket,
        actor_name=ticket.contact_name if actor is None else "",
        reference=ticket.reference,
        help_score=help_score,
        technology_score=technology_score,
    )
    return answer


def survey_invitation_claim(*, ticket: Ticket) -> SurveyInvitation | None:
    """Notes that the e-mail asking about this solving of `ticket` goes out now.

    Returns None when there is nothing to ask (not solved, no address, already answered) or the
    e-mail for this solving was sent before. Call it inside the transaction that sends the e-mail:
    if sending fails, the note rolls back with it and a retry sends again.
    """
    if ticket.status not in ANSWERABLE_STATUSES or ticket.resolved_at is None or not ticket.contact_email:
        return None
    if SurveyAnswer.objects.filter(ticket=ticket).exists():
        return None
    try:
        with transaction.atomic():
            invitation, created = SurveyInvitation.objects.get_or_create(
                ticket=ticket, resolved_at=ticket.resolved_at, defaults={"sent_at": timezone.now()}
            )
    except IntegrityError:  # another worker noted it at the same moment
        return None
    return invitation if created else None
