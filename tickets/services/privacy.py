"""Removing personal data from questions: after the organisation's retention period, or when a
manager erases a person. What the reports count stays: status, product, topic, channel, tier,
priority, cause, the dates, who helped, and the ratings' scores."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.files.storage import Storage
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from helpdesk.accounts.audit import audit
from helpdesk.tenancy import current_organisation
from tickets import hooks
from tickets.models import Attachment, Message, Status, Ticket, TicketEvent
from tickets.selectors import tickets_of_person
from tickets.services._common import _locked, _save

if TYPE_CHECKING:
    from helpdesk.accounts.models import User


def redacted_text() -> str:
    """What stands where personal text was, in the organisation's own language."""
    organisation = current_organisation()
    with translation.override(organisation.default_language if organisation is not None else "nl"):
        return _("[removed]")


def _file_delete_on_commit(storage: Storage, name: str) -> None:
    """The file goes once its row is gone for good (a rollback keeps both), from the folder of
    the schema that is current now: the storage picks the folder by schema."""
    schema = connection.schema_name

    def delete() -> None:
        with schema_context(schema):
            storage.delete(name)

    transaction.on_commit(delete)


def _anonymise(ticket: Ticket, *, redacted: str) -> None:
    requester_id = ticket.requester_id
    ticket.requester = None
    ticket.contact_name = redacted
    ticket.contact_email = ""
    ticket.contact_phone = ""
    ticket.on_behalf_of_name = redacted if ticket.on_behalf_of_name else ""
    ticket.subject = redacted
    ticket.body = redacted
    ticket.anonymised_at = timezone.now()
    Message.objects.filter(ticket=ticket).update(body=redacted)
    Message.objects.filter(ticket=ticket, from_requester=True).update(author_name=redacted)
    by_requester = Q(actor__isnull=True) | Q(actor_id=requester_id) if requester_id else Q(actor__isnull=True)
    TicketEvent.objects.filter(by_requester, ticket=ticket).exclude(actor_name="").update(actor_name=redacted)
    TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.ATTACHED).update(to_value="")
    for attachment in Attachment.objects.filter(ticket=ticket):
        _file_delete_on_commit(attachment.file.storage, attachment.file.name)
        attachment.delete()
    hooks.ticket_anonymised.send(ticket=ticket, redacted=redacted)
    _save(ticket)


@transaction.atomic
def ticket_anonymise(*, ticket: Ticket) -> Ticket:
    """Removes the personal data of one question; a question done before is left alone."""
    ticket = _locked(ticket)
    if ticket.anonymised_at is None:
        _anonymise(ticket, redacted=redacted_text())
    return ticket


def tickets_due_for_anonymising(*, months: int) -> list[Ticket]:
    """Solved and closed questions whose last change of status is more than `months` ago."""
    before = timezone.now() - timedelta(days=round(months * 30.44))
    done = Q(status=Status.CLOSED, closed_at__lt=before) | Q(status=Status.RESOLVED, resolved_at__lt=before)
    return list(Ticket.objects.filter(done, anonymised_at__isnull=True).order_by("pk"))


def tickets_anonymise_old(*, months: int) -> int:
    """The retention rule of one organisation: questions solved longer ago than `months` lose
    their personal data. One row in the access log says which."""
    references = []
    for ticket in tickets_due_for_anonymising(months=months):
        references.append(ticket_anonymise(ticket=ticket).reference)
    if references:
        audit(actor=None, action="tickets_anonymised", months=months, references=references)
    return len(references)


def person_anonymise_in_tickets(*, person: User, erased_name: str) -> dict[str, int]:
    """For a person's erasure: every question they asked loses its personal data, and where they
    helped on other questions, their name gives way to `erased_name`."""
    asked = [ticket_anonymise(ticket=ticket) for ticket in tickets_of_person(person)]
    messages = Message.objects.filter(author=person).update(author_name=erased_name)
    events = TicketEvent.objects.filter(actor=person).update(actor_name=erased_name)
    events += TicketEvent.objects.filter(
        kind__in=[TicketEvent.Kind.CLAIMED, TicketEvent.Kind.ASSIGNEE], to_value=person.full_name
    ).update(to_value=erased_name)
    return {"questions": len(asked), "messages": messages, "history": events}
