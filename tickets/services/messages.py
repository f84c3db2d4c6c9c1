"""Writes in a question's conversation: public replies, internal notes and photos."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction

from helpdesk.accounts.audit import audit
from helpdesk.tasks import delay_on_commit
from tickets import hooks, tasks
from tickets.errors import TicketClosed
from tickets.models import Attachment, Call, Message, Status, Ticket, TicketEvent
from tickets.services._common import _audit_by_asker, _change_status, _check_tier, _event, _locked, _name, _save

if TYPE_CHECKING:
    from helpdesk.accounts.models import User
    from tickets.uploads import CleanPhoto


def _is_requester(ticket: Ticket, actor: User | None) -> bool:
    return actor is None or (ticket.requester_id is not None and actor.pk == ticket.requester_id)


@transaction.atomic
def reply_post(*, ticket: Ticket, actor: User | None, body: str, approved_by: User | None = None) -> Message:
    """Adds a public reply to the conversation.

    From a helper: the first one sets `first_response_at`, and a new question becomes in progress.
    From the requester (`actor` is the requester, or None when they opened the question with its
    reference and contact check): a question that waited for them or was solved opens again.
    A trainee's reply that someone approved is written by the trainee, `approved_by` the reviewer.
    """
    ticket = _locked(ticket)
    if ticket.status == Status.CLOSED:
        raise TicketClosed("This question is closed.")
    from_requester = _is_requester(ticket, actor)
    if not from_requester:
        _check_tier(ticket, approved_by or actor)
    author_name = _name(actor) or ticket.contact_name
    message = Message.objects.create(
        ticket=ticket, author=actor, author_name=author_name, body=body, from_requester=from_requester
    )
    # Opened with the number and contact check, without an account: the history names them.
    _event(ticket, actor=actor, kind=TicketEvent.Kind.REPLIED, by_requester=from_requester)
    if from_requester:
        if ticket.status in (Status.WAITING, Status.RESOLVED):
            _change_status(ticket, actor=actor, to=Status.IN_PROGRESS, by_requester=True)
    else:
        if ticket.first_response_at is None:
            ticket.first_response_at = message.created_at
        if ticket.status == Status.NEW:
            _change_status(ticket, actor=actor, to=Status.IN_PROGRESS)
        delay_on_commit(tasks.notify_requester_of_reply, message_id=message.pk)
    _save(ticket)
    _audit_by_asker(ticket, actor=actor, action="ticket_replied", from_requester=from_requester)
    return message


@transaction.atomic
def reply_send(*, ticket: Ticket, actor: User, body: str) -> Message | Any:
    """A helper's public answer: it goes out at once, unless an app above holds it back
    (`hooks.reply_hold`: support keeps a trainee's answer until someone approves it).

    Returns the sent `Message`, or what the app that held the answer kept.
    """
    held = hooks.reply_hold.first(ticket=ticket, actor=actor, body=body)
    if held is not None:
        return held
    return reply_post(ticket=ticket, actor=actor, body=body)


@transaction.atomic
def call_record(*, ticket: Ticket, actor: User, reached: bool, note: str = "") -> Call:
    """A helper phoned the requester: reached or not, with a short note the requester sees too.

    A call that reached them counts as an answer: a new question is then being answered. One that
    did not is tried again later; the question stays as it is.
    """
    ticket = _locked(ticket)
    if ticket.status == Status.CLOSED:
        raise TicketClosed("This question is closed.")
    _check_tier(ticket, actor)
    call = Call.objects.create(
        ticket=ticket, caller=actor, caller_name=_name(actor), reached=reached, note=note.strip()[:500]
    )
    _event(ticket, actor=actor, kind=TicketEvent.Kind.CALLED, to_value="reached" if reached else "not_reached")
    if reached:
        if ticket.first_response_at is None:
            ticket.first_response_at = call.at
        if ticket.status == Status.NEW:
            _change_status(ticket, actor=actor, to=Status.IN_PROGRESS)
    _save(ticket)
    audit(actor=actor, action="ticket_called", target=ticket, reference=ticket.reference, reached=reached)
    return call


@transaction.atomic
def note_add(*, ticket: Ticket, actor: User, body: str) -> Message:
    """Adds an internal note for helpers; the requester never sees it."""
    ticket = _locked(ticket)
    message = Message.objects.create(ticket=ticket, author=actor, author_name=_name(actor), body=body, is_internal=True)
    _event(ticket, actor=actor, kind=TicketEvent.Kind.NOTE)
    ticket.save(update_fields=["updated_at"])
    audit(actor=actor, action="ticket_note_added", target=ticket, reference=ticket.reference)
    return message


@transaction.atomic
def attachment_add(*, ticket: Ticket, actor: User | None, photo: CleanPhoto) -> Attachment:
    """Stores a checked photo with the question, in the organisation's own media folder."""
    ticket = _locked(ticket)
    if ticket.status == Status.CLOSED:
        raise TicketClosed("This question is closed.")
    attachment = Attachment(
        ticket=ticket,
        original_name=photo.original_name,
        content_type=photo.content_type,
        size=len(photo.content),
        uploaded_by=actor if actor is not None and actor.pk else None,
        from_requester=_is_requester(ticket, actor),
    )
    attachment.file.save(f"photo.{photo.extension}", ContentFile(photo.content), save=False)
    attachment.save()
    _event(
        ticket,
        actor=actor,
        kind=TicketEvent.Kind.ATTACHED,
        to_value=photo.original_name,
        by_requester=attachment.from_requester,
    )
    ticket.save(update_fields=["updated_at"])
    _audit_by_asker(ticket, actor=actor, action="ticket_photo_added")
    return attachment
