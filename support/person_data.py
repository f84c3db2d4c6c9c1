"""Support's answers to the privacy hooks: advice about a person's questions in their export,
and no text left behind when a question loses its personal data or a volunteer is erased."""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpdesk.accounts.hooks import PersonSection
from helpdesk.accounts.models import User
from support.models import AdviceMessage, PendingReply
from tickets import selectors as ticket_selectors
from tickets.models import Ticket


def person_advice(*, person: User) -> list[PersonSection]:
    tickets = ticket_selectors.tickets_of_person(person)
    references = {ticket.pk: ticket.reference for ticket in tickets}
    messages = AdviceMessage.objects.filter(thread__ticket__in=tickets).select_related("thread")
    return [
        PersonSection(
            key="advice",
            title=_("Advice from professionals about the questions"),
            columns={"question": _("Question"), "at": _("When"), "by": _("Who"), "text": _("Message")},
            rows=[
                {
                    "question": references[message.thread.ticket_id],
                    "at": message.created_at,
                    "by": message.author_name,
                    "text": message.body,
                }
                for message in messages.order_by("thread__ticket_id", "created_at", "pk")
            ],
        )
    ]


def ticket_text_remove(*, ticket: Ticket, redacted: str) -> None:
    PendingReply.objects.filter(ticket=ticket).update(body=redacted, sent_body=redacted, reviewer_note=redacted)
    AdviceMessage.objects.filter(thread__ticket=ticket).update(body=redacted)


def person_name_remove(*, person: User, actor: User) -> dict[str, int]:
    erased = _("Erased person")
    changed = AdviceMessage.objects.filter(author=person).update(author_name=erased)
    changed += PendingReply.objects.filter(reviewer=person).update(reviewer_name=erased)
    return {"advice": changed}
