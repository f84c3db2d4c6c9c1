"""Satisfaction's answers to the privacy hooks: a person's ratings in their export, and the
comment (not the scores, which the reports count) gone when a question loses its personal data."""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpdesk.accounts.hooks import PersonSection
from helpdesk.accounts.models import User
from satisfaction.models import SurveyAnswer
from tickets import selectors as ticket_selectors
from tickets.models import Ticket


def person_ratings(*, person: User) -> list[PersonSection]:
    tickets = ticket_selectors.tickets_of_person(person)
    references = {ticket.pk: ticket.reference for ticket in tickets}
    answers = SurveyAnswer.objects.filter(ticket__in=tickets).order_by("answered_at", "pk")
    return [
        PersonSection(
            key="ratings",
            title=_("How satisfied they were"),
            columns={
                "question": _("Question"),
                "at": _("When"),
                "help": _("satisfaction with the help"),
                "technology": _("satisfaction with the technology"),
                "comment": _("comment"),
            },
            rows=[
                {
                    "question": references[answer.ticket_id],
                    "at": answer.answered_at,
                    "help": answer.help_label,
                    "technology": answer.technology_label,
                    "comment": answer.comment,
                }
                for answer in answers
            ],
        )
    ]


def ticket_comment_remove(*, ticket: Ticket, redacted: str) -> None:
    SurveyAnswer.objects.filter(ticket=ticket).exclude(comment="").update(comment=redacted[:200])
