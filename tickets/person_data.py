"""Tickets' answers to the core's privacy hooks (helpdesk.accounts.hooks): a person's questions,
their conversation, history and photos for the export, and anonymising them for an erasure."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.utils.translation import gettext as _

from helpdesk.accounts.hooks import PersonSection
from helpdesk.accounts.models import User
from tickets import selectors, services
from tickets.models import Attachment, Message, TicketEvent


def _questions(tickets: list) -> PersonSection:
    return PersonSection(
        key="questions",
        title=_("Questions"),
        columns={
            "reference": _("Reference number"),
            "asked_at": _("Asked at"),
            "status": _("Status"),
            "product": _("Product"),
            "topic": _("Topic"),
            "subject": _("Short description"),
            "body": _("Question"),
            "contact_name": _("Name"),
            "contact_email": _("E-mail address"),
            "contact_phone": _("Phone number"),
            "on_behalf_of": _("Asked for"),
            "channel": _("Channel"),
        },
        rows=[
            {
                "reference": ticket.reference,
                "asked_at": ticket.created_at,
                "status": ticket.get_status_display(),
                "product": ticket.product.name,
                "topic": ticket.topic,
                "subject": ticket.subject,
                "body": ticket.body,
                "contact_name": ticket.contact_name,
                "contact_email": ticket.contact_email,
                "contact_phone": ticket.contact_phone,
                "on_behalf_of": ticket.on_behalf_of_name,
                "channel": ticket.get_channel_display(),
            }
            for ticket in tickets
        ],
    )


def _messages(tickets: list, references: dict[int, str]) -> PersonSection:
    messages = Message.objects.filter(ticket__in=tickets).order_by("ticket_id", "created_at", "pk")
    return PersonSection(
        key="messages",
        title=_("Messages"),
        columns={
            "question": _("Question"),
            "at": _("When"),
            "by": _("Who"),
            "internal": _("Internal note"),
            "text": _("Message"),
        },
        rows=[
            {
                "question": references[message.ticket_id],
                "at": message.created_at,
                "by": message.author_name,
                "internal": _("yes") if message.is_internal else _("no"),
                "text": message.body,
            }
            for message in messages
        ],
    )


def _history(tickets: list, references: dict[int, str]) -> PersonSection:
    events = TicketEvent.objects.filter(ticket__in=tickets).order_by("ticket_id", "at", "pk")
    return PersonSection(
        key="history",
        title=_("History of the questions"),
        columns={"question": _("Question"), "at": _("When"), "by": _("Who"), "what": _("What"), "to": _("To")},
        rows=[
            {
                "question": references[event.ticket_id],
                "at": event.at,
                "by": event.actor_name,
                "what": event.get_kind_display(),
                "to": event.to_label if event.shows_change else "",
            }
            for event in events
        ],
    )


def _photos(tickets: list, references: dict[int, str]) -> PersonSection:
    rows, files = [], {}
    for attachment in Attachment.objects.filter(ticket__in=tickets).order_by("ticket_id", "pk"):
        suffix = PurePosixPath(attachment.file.name).suffix
        path = f"photos/{references[attachment.ticket_id]}/{attachment.pk}{suffix}"
        with attachment.file.open("rb") as handle:
            files[path] = handle.read()
        rows.append(
            {
                "question": references[attachment.ticket_id],
                "at": attachment.created_at,
                "name": attachment.original_name,
                "file": f"files/{path}",
            }
        )
    columns = {"question": _("Question"), "at": _("When"), "name": _("Name"), "file": _("File")}
    return PersonSection(key="photos", title=_("Photos"), columns=columns, rows=rows, files=files)


def person_questions(*, person: User) -> list[PersonSection]:
    tickets = selectors.tickets_of_person(person)
    references = {ticket.pk: ticket.reference for ticket in tickets}
    return [
        _questions(tickets),
        _messages(tickets, references),
        _history(tickets, references),
        _photos(tickets, references),
    ]


def person_erase_questions(*, person: User, actor: User) -> dict[str, int]:
    return services.person_anonymise_in_tickets(person=person, erased_name=_("Erased person"))
