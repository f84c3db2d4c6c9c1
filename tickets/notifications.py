"""The e-mails about questions: what each says and to whom. Tasks call these; nothing here
decides when a mail goes out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import reverse

from helpdesk.accounts.models import User
from helpdesk.mail import send_templated_mail
from tickets.models import Message, NotificationPreference, Ticket
from tickets.selectors import helpers_to_notify
from tickets.tokens import follow_token_make


def _language_of(requester: User | None) -> str | None:
    return requester.language if requester is not None else None


def _follow_url(organisation: Any, ticket: Ticket) -> str:
    """A link that opens the question, with or without an account."""
    return organisation.absolute_url(reverse("tickets:open_link", kwargs={"token": follow_token_make(ticket.pk)}))


def _staff_url(organisation: Any, ticket: Ticket) -> str:
    return organisation.absolute_url(reverse("tickets:detail", kwargs={"number": ticket.number}))


def reply_mail_send(*, organisation: Any, message: Message) -> None:
    """The requester hears that a helper answered, with a link to the question."""
    ticket = message.ticket
    context = {
        "ticket": ticket,
        "message": message,
        "organisation": organisation,
        "url": _follow_url(organisation, ticket),
    }
    send_templated_mail(
        template="tickets/email/reply",
        context=context,
        to=ticket.contact_email,
        language=_language_of(ticket.requester),
    )


def confirmation_mail_send(*, organisation: Any, ticket: Ticket) -> None:
    """The reference number and a link that opens the question."""
    context = {"ticket": ticket, "organisation": organisation, "url": _follow_url(organisation, ticket)}
    send_templated_mail(
        template="tickets/email/confirmation",
        context=context,
        to=ticket.contact_email,
        language=_language_of(ticket.requester),
    )


def new_question_mails_send(*, organisation: Any, ticket: Ticket) -> int:
    """Each volunteer who wants to hear at once about a new question gets a mail. Returns how many."""
    url = _staff_url(organisation, ticket)
    sent = 0
    for helper in helpers_to_notify(NotificationPreference.NewQuestions.IMMEDIATELY):
        context = {"ticket": ticket, "organisation": organisation, "url": url, "helper": helper}
        send_templated_mail(
            template="tickets/email/new_question", context=context, to=helper.email, language=helper.language
        )
        sent += 1
    return sent


def digest_mails_send(*, organisation: Any, tickets: Sequence[Ticket]) -> int:
    """One mail per volunteer who chose a daily digest, listing `tickets`. Returns how many."""
    url = organisation.absolute_url(reverse("tickets:queue"))
    sent = 0
    for helper in helpers_to_notify(NotificationPreference.NewQuestions.DAILY):
        context = {"tickets": tickets, "organisation": organisation, "url": url, "helper": helper}
        send_templated_mail(template="tickets/email/digest", context=context, to=helper.email, language=helper.language)
        sent += 1
    return sent


def worry_mail_send(*, organisation: Any, ticket: Ticket) -> None:
    """The organisation's contact person hears at once of a worry about a client's safety."""
    send_templated_mail(
        template="tickets/email/worry",
        context={"ticket": ticket, "organisation": organisation, "url": _staff_url(organisation, ticket)},
        to=organisation.contact_person_email,
        language=organisation.default_language,
    )
