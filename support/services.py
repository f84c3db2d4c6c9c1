"""Writes about support for volunteers: levels, approving a trainee's answers, advice.

Each function takes the acting person as `actor=`, runs in one transaction and writes a row in
the organisation's audit log. Public answers always go out through `tickets.services.reply_post`,
so a question's status, history and the requester's e-mail follow the usual rules. The advice
index in the public schema (`escalations.models.AdviceRequest`) is written in the same
transaction as the exchange it describes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from escalations import tasks as escalation_tasks
from escalations.models import AdviceRequest
from helpdesk.accounts.audit import audit
from helpdesk.accounts.models import Role
from helpdesk.tasks import delay_on_commit
from helpdesk.tenancy import current_organisation
from support import tasks
from support.models import AdviceMessage, AdviceThread, Level, PendingReply, VolunteerLevel
from support.selectors import active_thread_of, has_waiting_reply, is_trainee_for
from tickets import services as tickets
from tickets.models import Message, Status, Ticket, Tier

if TYPE_CHECKING:
    from helpdesk.accounts.models import User
    from tenants.models import CareOrganisation, Product

__all__ = [
    "AdviceClosed",
    "ReplyAlreadyDecided",
    "SupportError",
    "advice_answer",
    "advice_ask",
    "advice_close",
    "advice_index_reconcile",
    "advice_index_sync",
    "held_answer_blocks_resolve",
    "reply_approve",
    "reply_or_hold",
    "reply_return",
    "reply_write_again",
    "volunteer_level_set",
    "was_held",
]


class SupportError(Exception):
    """A change that cannot be made."""


class ReplyAlreadyDecided(SupportError):
    """Somebody approved or returned this answer already."""


class AdviceClosed(SupportError):
    """The exchange is closed; a new question to the professionals starts a new one."""


def _name(actor: User | None) -> str:
    return actor.full_name if actor is not None else ""


def _clean(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise SupportError(f"The {what} is empty.")
    return text


# --- Levels ----------------------------------------------------------------------------------------


@transaction.atomic
def volunteer_level_set(*, actor: User, volunteer: User, product: Product | None, level: str) -> VolunteerLevel:
    """Sets a volunteer's level for one product of the organisation, or for every product."""
    if level not in Level.values:
        raise SupportError(f"Unknown level: {level!r}.")
    if volunteer.role != Role.VOLUNTEER:
        raise SupportError("Only volunteers have a level.")
    organisation = current_organisation()
    if product is not None and (
        organisation is None or not organisation.active_products().filter(pk=product.pk).exists()
    ):
        raise SupportError("This organisation does not support that product.")
    row = VolunteerLevel.objects.select_for_update().filter(volunteer=volunteer, product=product).first()
    before = row.level if row is not None else ""
    if row is None:
        row = VolunteerLevel.objects.create(volunteer=volunteer, product=product, level=level)
    elif row.level != level:
        row.level = level
        row.save(update_fields=["level", "updated_at"])
    if before != level:
        audit(
            actor=actor,
            action="volunteer_level_set",
            target=volunteer,
            product=product.slug if product is not None else "",
            level=level,
            before=before,
        )
    return row


def volunteer_starts_as_trainee(*, user: User, actor: User | None) -> None:
    """On accounts' `person_added` hook: a new volunteer starts as a trainee for every product, so
    their first answers are looked at; the manager sets another level on the person's page."""
    if user.role == Role.VOLUNTEER and actor is not None:
        volunteer_level_set(actor=actor, volunteer=user, product=None, level=Level.TRAINEE)


# --- Answers of trainees ------------------------------------------------------------------------------


def reply_or_hold(*, ticket: Ticket, actor: User, body: str) -> Message | PendingReply:
    """A helper's public answer: sent at once, or held for approval when they are a trainee for
    the question's product (`reply_hold_for_trainee`, on tickets' `reply_hold` hook). Returns the
    sent message or the held answer."""
    return tickets.reply_send(ticket=ticket, actor=actor, body=body)


def reply_hold_for_trainee(*, ticket: Ticket, actor: User, body: str) -> PendingReply | None:
    """Keeps a trainee's answer until an experienced volunteer or a professional approves it;
    None for everybody else, whose answer goes out. Called inside the answer's transaction."""
    if not is_trainee_for(actor, ticket.product_id):
        return None
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status == Status.CLOSED:
        raise tickets.TicketClosed("This question is closed.")
    pending = PendingReply.objects.create(ticket=ticket, author=actor, body=_clean(body, "answer"))
    audit(actor=actor, action="reply_held_for_approval", target=ticket, reference=ticket.reference, reply=pending.pk)
    delay_on_commit(tasks.notify_reviewers_of_pending_reply, pending_id=pending.pk)
    return pending


def held_answer_blocks_resolve(*, ticket: Ticket) -> str | None:
    """On tickets' `resolve_check` hook: a question with an answer waiting for approval is not
    solved, or the requester would hear "solved" before the answer reaches them."""
    if has_waiting_reply(ticket):
        return str(_("An answer still waits for approval. Mark the question solved after it is approved."))
    return None


def was_held(result: Message | PendingReply) -> bool:
    """Whether `reply_or_hold` held the answer for approval rather than sending it."""
    return isinstance(result, PendingReply)


def _decided(pending: PendingReply) -> PendingReply:
    """The held answer, locked; refuses one that was decided meanwhile."""
    locked = PendingReply.objects.select_for_update().get(pk=pending.pk)
    if locked.status != PendingReply.Status.PENDING:
        raise ReplyAlreadyDecided("This answer was approved or returned already.")
    return locked


def _may_review(actor: User, pending: PendingReply) -> None:
    if pending.author_id == actor.pk:
        raise SupportError("Nobody approves their own answer.")
    if actor.role == Role.PROFESSIONAL:
        return
    if actor.role != Role.VOLUNTEER or is_trainee_for(actor, pending.ticket.product_id):
        raise SupportError("Only experienced volunteers and professionals approve answers.")


@transaction.atomic
def reply_approve(*, actor: User, pending: PendingReply, body: str | None = None) -> Message:
    """Sends a held answer to the requester, as the trainee wrote it or as the reviewer edited it.

    The requester sees the trainee's name; the held answer and the audit log record who approved.
    """
    pending = _decided(pending)
    _may_review(actor, pending)
    if pending.ticket.tier == Tier.PROFESSIONAL and actor.role != Role.PROFESSIONAL:
        raise tickets.TicketWithProfessionals("The professionals have this question now.")
    text = _clean(body, "answer") if body is not None else pending.body
    message = tickets.reply_post(ticket=pending.ticket, actor=pending.author, body=text, approved_by=actor)
    pending.status = PendingReply.Status.APPROVED
    pending.reviewer = actor
    pending.reviewer_name = _name(actor)
    pending.sent_body = text
    pending.message = message
    pending.decided_at = timezone.now()
    pending.save()
    audit(
        actor=actor,
        action="reply_approved",
        target=pending.ticket,
        reference=pending.ticket.reference,
        reply=pending.pk,
        author=_name(pending.author),
        edited=text != pending.body,
    )
    delay_on_commit(tasks.notify_author_of_decision, pending_id=pending.pk)
    return message


@transaction.atomic
def reply_return(*, actor: User, pending: PendingReply, note: str) -> PendingReply:
    """Gives a held answer back to the trainee with a note; the requester gets nothing."""
    note = _clean(note, "note")
    pending = _decided(pending)
    _may_review(actor, pending)
    pending.status = PendingReply.Status.RETURNED
    pending.reviewer = actor
    pending.reviewer_name = _name(actor)
    pending.reviewer_note = note
    pending.decided_at = timezone.now()
    pending.save()
    audit(
        actor=actor,
        action="reply_returned",
        target=pending.ticket,
        reference=pending.ticket.reference,
        reply=pending.pk,
        author=_name(pending.author),
    )
    delay_on_commit(tasks.notify_author_of_decision, pending_id=pending.pk)
    return pending


@transaction.atomic
def reply_write_again(*, actor: User, returned: PendingReply, body: str) -> Message | PendingReply:
    """The trainee sends a new version of a returned answer; it waits for approval again."""
    returned = PendingReply.objects.select_for_update().select_related("ticket").get(pk=returned.pk)
    if returned.author_id != actor.pk or returned.status != PendingReply.Status.RETURNED:
        raise SupportError("Only a returned answer of your own can be written again.")
    if returned.rewritten_at is not None:
        raise ReplyAlreadyDecided("You wrote this answer again already.")
    result = reply_or_hold(ticket=returned.ticket, actor=actor, body=body)
    returned.rewritten_at = timezone.now()
    returned.save(update_fields=["rewritten_at"])
    return result


# --- Ask a professional ------------------------------------------------------------------------------


def advice_index_sync(thread: AdviceThread, *, organisation: CareOrganisation | None = None) -> None:
    """Makes the public index row of `thread` match it: present while the exchange is active.

    Call it inside the transaction that changed the exchange.
    """
    organisation = organisation or current_organisation()
    if organisation is None:
        raise RuntimeError("The advice index is written from an organisation's schema.")
    if not thread.is_active:
        AdviceRequest.objects.filter(organisation=organisation, thread_id=thread.pk).delete()
        return
    ticket = thread.ticket
    AdviceRequest.objects.update_or_create(
        organisation=organisation,
        thread_id=thread.pk,
        defaults={
            "ticket_id": ticket.pk,
            "number": ticket.number,
            "reference": organisation.reference_for(ticket.number),
            "product_id": ticket.product_id,
            "status": AdviceRequest.Status.OPEN
            if thread.status == AdviceThread.Status.OPEN
            else AdviceRequest.Status.ANSWERED,
            "asked_at": thread.asked_at,
            "answered_at": thread.answered_at,
            "updated_at": timezone.now(),
        },
    )


@transaction.atomic
def advice_ask(*, ticket: Ticket, actor: User, body: str) -> AdviceThread:
    """A volunteer asks the professionals about a question, privately; the question stays theirs.

    A follow-up goes into the volunteer's active exchange about the question, which then waits
    for a professional again.
    """
    if actor.role != Role.VOLUNTEER:
        raise SupportError("Only volunteers ask the professionals for advice.")
    text = _clean(body, "question")
    if not ticket.is_open:
        raise tickets.TicketClosed("Only about open questions.")
    now = timezone.now()
    thread = active_thread_of(ticket, actor)
    if thread is None:
        thread = AdviceThread.objects.create(ticket=ticket, volunteer=actor, asked_at=now)
    else:
        thread = AdviceThread.objects.select_for_update().get(pk=thread.pk)
    AdviceMessage.objects.create(thread=thread, author=actor, author_name=_name(actor), body=text)
    thread.status = AdviceThread.Status.OPEN
    thread.asked_at = now
    thread.save(update_fields=["status", "asked_at"])
    advice_index_sync(thread)
    audit(actor=actor, action="advice_asked", target=ticket, reference=ticket.reference, thread=thread.pk)
    row = AdviceRequest.objects.get(organisation=current_organisation(), thread_id=thread.pk)
    delay_on_commit(escalation_tasks.alert_professionals_of_advice, request_id=row.pk)
    return thread


def _active(thread: AdviceThread) -> AdviceThread:
    locked = AdviceThread.objects.select_for_update().select_related("ticket").get(pk=thread.pk)
    if not locked.is_active:
        raise AdviceClosed("This exchange is closed.")
    return locked


@transaction.atomic
def advice_answer(*, thread: AdviceThread, actor: User, body: str) -> AdviceMessage:
    """A professional answers a volunteer's request for advice; the volunteer hears of it."""
    if actor.role != Role.PROFESSIONAL:
        raise SupportError("Only professionals answer requests for advice.")
    text = _clean(body, "answer")
    thread = _active(thread)
    message = AdviceMessage.objects.create(
        thread=thread, author=actor, author_name=_name(actor), body=text, from_professional=True
    )
    thread.status = AdviceThread.Status.ANSWERED
    thread.answered_at = message.created_at
    thread.save(update_fields=["status", "answered_at"])
    advice_index_sync(thread)
    audit(
        actor=actor, action="advice_answered", target=thread.ticket, reference=thread.ticket.reference, thread=thread.pk
    )
    delay_on_commit(tasks.notify_volunteer_of_advice, message_id=message.pk)
    return message


@transaction.atomic
def advice_close(*, thread: AdviceThread, actor: User) -> AdviceThread:
    """The volunteer who asked, or a professional, closes the exchange: it leaves the portal's list."""
    if actor.pk != thread.volunteer_id and actor.role != Role.PROFESSIONAL:
        raise SupportError("Only the volunteer who asked or a professional closes an exchange.")
    thread = _active(thread)
    thread.status = AdviceThread.Status.CLOSED
    thread.closed_at = timezone.now()
    thread.save(update_fields=["status", "closed_at"])
    advice_index_sync(thread)
    audit(
        actor=actor, action="advice_closed", target=thread.ticket, reference=thread.ticket.reference, thread=thread.pk
    )
    return thread


@transaction.atomic
def advice_index_reconcile(*, organisation: CareOrganisation | None = None) -> int:
    """Repairs the current organisation's part of the advice index; returns how many rows it fixed.

    The index copies the question's number and product, which can change without the exchange
    changing (a helper moves the question to another product).
    """
    organisation = organisation or current_organisation()
    if organisation is None:
        raise RuntimeError("Reconcile runs in an organisation's schema.")
    threads = {
        thread.pk: thread
        for thread in AdviceThread.objects.select_related("ticket").exclude(status=AdviceThread.Status.CLOSED)
    }
    rows = {row.thread_id: row for row in AdviceRequest.objects.filter(organisation=organisation)}
    extra = [thread_id for thread_id in rows if thread_id not in threads]
    AdviceRequest.objects.filter(organisation=organisation, thread_id__in=extra).delete()
    fixed = len(extra)
    for thread_id, thread in threads.items():
        row = rows.get(thread_id)
        status = (
            AdviceRequest.Status.OPEN if thread.status == AdviceThread.Status.OPEN else AdviceRequest.Status.ANSWERED
        )
        if (
            row is None
            or row.status != status
            or row.product_id != thread.ticket.product_id
            or row.number != thread.ticket.number
            or row.asked_at != thread.asked_at
            or row.answered_at != thread.answered_at
        ):
            advice_index_sync(thread, organisation=organisation)
            fixed += 1
    return fixed
