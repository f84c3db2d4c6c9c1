"""Writes about questions: asking, taking, answering, notes and every status change.

Each function takes the acting person as `actor=`, runs in one transaction, writes a line of
history (`TicketEvent`) for every change and a row in the organisation's audit log. Services that
change an existing question lock its row first and return the fresh, changed question.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from escalations.services import escalation_index_sync
from helpdesk.accounts.audit import audit
from helpdesk.tasks import delay_on_commit
from tenants.selectors import current_organisation
from tickets.models import (
    OPEN_STATUSES,
    VOLUNTEER_ESCALATION_REASONS,
    Attachment,
    BottleneckCause,
    Channel,
    ContactMethod,
    DutyPeriod,
    EscalationReason,
    InvalidTransition,
    Message,
    NotificationPreference,
    OnBehalfRelation,
    Priority,
    ReferenceCounter,
    SavedReply,
    Status,
    Ticket,
    TicketEvent,
    TicketRead,
    Tier,
)

if TYPE_CHECKING:
    from helpdesk.accounts.models import User
    from tenants.models import Product
    from tickets.uploads import CleanPhoto

__all__ = [
    "DutyOverlap",
    "InvalidTransition",
    "TicketAlreadyClaimed",
    "TicketCapReached",
    "TicketClosed",
    "TicketError",
    "TicketWithProfessionals",
    "attachment_add",
    "duty_remove",
    "duty_start",
    "duty_stop",
    "note_add",
    "notification_preference_set",
    "reply_post",
    "saved_reply_create",
    "saved_reply_delete",
    "ticket_change_product",
    "ticket_change_topic",
    "ticket_claim",
    "ticket_close",
    "ticket_create",
    "ticket_escalate",
    "ticket_hand_back",
    "ticket_mark_read",
    "ticket_mark_worry",
    "ticket_record_view",
    "ticket_release",
    "ticket_reopen",
    "ticket_requester_needs_help",
    "ticket_requester_solved",
    "ticket_resolve",
    "ticket_set_waiting",
    "ticket_take_over",
    "tickets_close_unanswered_resolved",
    "tickets_escalate_waiting",
]


class TicketError(Exception):
    """A change to a question that cannot be made."""


class TicketAlreadyClaimed(TicketError):
    """Somebody else took the question first."""

    def __init__(self, assignee: User | None) -> None:
        self.assignee = assignee
        super().__init__(f"The question is already taken by {assignee}.")


class TicketClosed(TicketError):
    """The question is closed; it must be reopened before anyone writes in it."""


class TicketWithProfessionals(TicketError):
    """The professionals work this question now; volunteers follow it but do not take it."""


class DutyOverlap(TicketError):
    """A planned duty period overlaps one the volunteer has already."""


class TicketCapReached(TicketError):
    """The volunteer already holds as many open questions as the organisation allows."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"A volunteer may hold at most {limit} open questions.")


def _name(actor: User | None) -> str:
    return actor.full_name if actor is not None else ""


def _event(ticket: Ticket, *, actor: User | None, kind: str, from_value: str = "", to_value: str = "") -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=actor if actor is not None and actor.pk else None,
        actor_name=_name(actor),
        kind=kind,
        from_value=str(from_value)[:200],
        to_value=str(to_value)[:200],
    )


def _save(ticket: Ticket) -> None:
    """Saves a changed question and, in the same transaction, its row in the escalation index."""
    ticket.save()
    escalation_index_sync(ticket)


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _change_status(ticket: Ticket, *, actor: User | None, to: str) -> None:
    """Moves a locked question to `to`, keeping the timestamps right. The caller saves."""
    ticket.check_transition(to)
    now = timezone.now()
    old = ticket.status
    ticket.status = to
    if to == Status.RESOLVED:
        ticket.resolved_at = now
    elif to == Status.CLOSED:
        ticket.closed_at = now
        if ticket.resolved_at is None:
            ticket.resolved_at = now
    else:
        ticket.resolved_at = None
        ticket.closed_at = None
    _event(ticket, actor=actor, kind=TicketEvent.Kind.STATUS, from_value=old, to_value=to)


def _is_product_of_organisation(product: Product) -> bool:
    organisation = current_organisation()
    if organisation is None:
        return False
    return organisation.active_products().filter(pk=product.pk).exists()


@transaction.atomic
def ticket_create(
    *,
    actor: User | None,
    product: Product,
    subject: str,
    body: str,
    requester: User | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    contact_method: str = ContactMethod.WEBSITE,
    on_behalf_of_name: str = "",
    on_behalf_relation: str = OnBehalfRelation.NONE,
    topic: str = "",
    channel: str = Channel.WEB,
    priority: str = Priority.NORMAL,
    is_worry: bool = False,
) -> Ticket:
    """Files a question and gives it the organisation's next reference number.

    `requester` is the account that asks, if any; phone and desk intake may have none. Contact
    details that are left empty are filled in from the requester's account. A question with a
    worry about safety goes straight to the professionals, urgent.
    """
    if not _is_product_of_organisation(product):
        raise TicketError("This organisation does not support that product.")
    if requester is not None:
        contact_name = contact_name or requester.full_name
        contact_email = contact_email or (requester.email or "")
        contact_phone = contact_phone or requester.phone
    ticket = Ticket.objects.create(
        number=ReferenceCounter.next_number(),
        requester=requester,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        contact_method=contact_method,
        on_behalf_of_name=on_behalf_of_name,
        on_behalf_relation=on_behalf_relation,
        product=product,
        topic=topic,
        channel=channel,
        subject=subject,
        body=body,
        priority=priority,
    )
    _event(ticket, actor=actor, kind=TicketEvent.Kind.CREATED, to_value=Status.NEW)
    audit(actor=actor, action="ticket_created", target=ticket, reference=ticket.reference, channel=channel)
    from tickets import tasks

    if ticket.contact_email:
        delay_on_commit(tasks.send_question_confirmation, ticket_id=ticket.pk)
    if is_worry:
        _worry(ticket, actor=actor, reason=EscalationReason.REQUESTER_WORRY)
        _save(ticket)
    else:
        delay_on_commit(tasks.notify_helpers_of_new_question, ticket_id=ticket.pk)
    return ticket


@transaction.atomic
def ticket_claim(*, ticket: Ticket, actor: User) -> Ticket:
    """Makes `actor` the helper of an open, unassigned question.

    When two people claim at once, exactly one wins: the second waits for the first's row lock,
    then reads the committed row, sees the helper and gets `TicketAlreadyClaimed`. Claiming one's
    own question again changes nothing.
    """
    # No join here: after waiting for a lock, PostgreSQL re-reads the locked row but not the rows
    # joined to it, so the helper is loaded on its own.
    ticket = _locked(ticket)
    if ticket.assignee_id is not None:
        if ticket.assignee_id == actor.pk:
            return ticket
        raise TicketAlreadyClaimed(ticket.assignee)
    if ticket.status not in OPEN_STATUSES:
        raise TicketClosed("Only open questions can be taken.")
    if ticket.tier == Tier.PROFESSIONAL and not _is_professional(actor):
        raise TicketWithProfessionals("The professionals work this question now.")
    _check_cap(actor)
    return _assign(ticket, actor=actor, kind=TicketEvent.Kind.CLAIMED, action="ticket_claimed")


def _assign(ticket: Ticket, *, actor: User, kind: str, action: str) -> Ticket:
    """Makes `actor` the helper of a locked question; a new question is then being answered."""
    ticket.assignee = actor
    _event(ticket, actor=actor, kind=kind, to_value=_name(actor))
    if ticket.status == Status.NEW:
        _change_status(ticket, actor=actor, to=Status.IN_PROGRESS)
    _save(ticket)
    audit(actor=actor, action=action, target=ticket, reference=ticket.reference)
    return ticket


@transaction.atomic
def ticket_release(*, ticket: Ticket, actor: User) -> Ticket:
    """Gives a question back to the queue, so another helper can take it."""
    ticket = _locked(ticket)
    if ticket.assignee_id is None:
        return ticket
    _event(ticket, actor=actor, kind=TicketEvent.Kind.ASSIGNEE, from_value=str(ticket.assignee), to_value="")
    ticket.assignee = None
    if ticket.status == Status.IN_PROGRESS:
        _change_status(ticket, actor=actor, to=Status.NEW)
    _save(ticket)
    audit(actor=actor, action="ticket_released", target=ticket, reference=ticket.reference)
    return ticket


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
    event = _event(ticket, actor=actor, kind=TicketEvent.Kind.REPLIED)
    if from_requester and not event.actor_name:
        # Opened with the number and contact check, without an account: the history names them.
        event.actor_name = ticket.contact_name[:150]
        event.save(update_fields=["actor_name"])
    if from_requester:
        if ticket.status in (Status.WAITING, Status.RESOLVED):
            _change_status(ticket, actor=actor, to=Status.IN_PROGRESS)
    else:
        if ticket.first_response_at is None:
            ticket.first_response_at = message.created_at
        if ticket.status == Status.NEW:
            _change_status(ticket, actor=actor, to=Status.IN_PROGRESS)
        from tickets import tasks

        delay_on_commit(tasks.notify_requester_of_reply, message_id=message.pk)
    _save(ticket)
    audit(
        actor=actor,
        action="ticket_replied",
        target=ticket,
        reference=ticket.reference,
        from_requester=from_requester,
    )
    return message


@transaction.atomic
def note_add(*, ticket: Ticket, actor: User, body: str) -> Message:
    """Adds an internal note for helpers; the requester never sees it."""
    ticket = _locked(ticket)
    message = Message.objects.create(ticket=ticket, author=actor, author_name=_name(actor), body=body, is_internal=True)
    _event(ticket, actor=actor, kind=TicketEvent.Kind.NOTE)
    ticket.save(update_fields=["updated_at"])
    audit(actor=actor, action="ticket_note_added", target=ticket, reference=ticket.reference)
    return message


def _status_service(ticket: Ticket, *, actor: User | None, to: str, action: str) -> Ticket:
    ticket = _locked(ticket)
    _check_tier(ticket, actor)
    _change_status(ticket, actor=actor, to=to)
    _save(ticket)
    audit(actor=actor, action=action, target=ticket, reference=ticket.reference, status=to)
    return ticket


@transaction.atomic
def ticket_set_waiting(*, ticket: Ticket, actor: User) -> Ticket:
    """The helper waits for an answer from the requester."""
    return _status_service(ticket, actor=actor, to=Status.WAITING, action="ticket_waiting")


@transaction.atomic
def ticket_resolve(*, ticket: Ticket, actor: User | None, cause: str) -> Ticket:
    """Marks the question solved, with the bottleneck cause that reports count."""
    if cause not in BottleneckCause.values:
        raise TicketError(f"Unknown bottleneck cause: {cause!r}.")
    ticket = _locked(ticket)
    _check_tier(ticket, actor)
    _change_status(ticket, actor=actor, to=Status.RESOLVED)
    ticket.bottleneck_cause = cause
    _save(ticket)
    audit(actor=actor, action="ticket_resolved", target=ticket, reference=ticket.reference, cause=cause)
    if ticket.contact_email:
        from satisfaction import tasks as satisfaction_tasks

        delay_on_commit(satisfaction_tasks.send_satisfaction_request, ticket_id=ticket.pk)
    return ticket


@transaction.atomic
def ticket_close(*, ticket: Ticket, actor: User | None) -> Ticket:
    return _status_service(ticket, actor=actor, to=Status.CLOSED, action="ticket_closed")


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, actor: User | None) -> Ticket:
    """Opens a solved or closed question again ("I still need help")."""
    ticket = _locked(ticket)
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise InvalidTransition("Only a solved or closed question can be reopened.")
    _change_status(ticket, actor=actor, to=Status.IN_PROGRESS)
    _save(ticket)
    audit(actor=actor, action="ticket_reopened", target=ticket, reference=ticket.reference)
    return ticket


@transaction.atomic
def ticket_change_product(*, ticket: Ticket, actor: User, product: Product) -> Ticket:
    if not _is_product_of_organisation(product):
        raise TicketError("This organisation does not support that product.")
    ticket = _locked(ticket)
    _check_tier(ticket, actor)
    if ticket.product_id == product.pk:
        return ticket
    old = ticket.product
    ticket.product = product
    _save(ticket)
    _event(ticket, actor=actor, kind=TicketEvent.Kind.PRODUCT, from_value=old.name, to_value=product.name)
    audit(actor=actor, action="ticket_product_changed", target=ticket, reference=ticket.reference)
    return ticket


@transaction.atomic
def ticket_change_topic(*, ticket: Ticket, actor: User, topic: str) -> Ticket:
    ticket = _locked(ticket)
    _check_tier(ticket, actor)
    if ticket.topic == topic:
        return ticket
    old = ticket.topic
    ticket.topic = topic
    _save(ticket)
    _event(ticket, actor=actor, kind=TicketEvent.Kind.TOPIC, from_value=old, to_value=topic)
    audit(actor=actor, action="ticket_topic_changed", target=ticket, reference=ticket.reference)
    return ticket


def ticket_record_view(*, ticket: Ticket, actor: User) -> None:
    """Writes a staff member's look at a question to the organisation's audit log."""
    audit(actor=actor, action="ticket_viewed", target=ticket, reference=ticket.reference)


@transaction.atomic
def ticket_requester_solved(*, ticket: Ticket, actor: User | None) -> Ticket:
    """The requester says "this solved it".

    A solved question closes; an open one becomes solved, and its helper still picks the cause.
    """
    ticket = _locked(ticket)
    if ticket.status == Status.RESOLVED:
        _change_status(ticket, actor=actor, to=Status.CLOSED)
    elif ticket.status in OPEN_STATUSES:
        _change_status(ticket, actor=actor, to=Status.RESOLVED)
    else:
        return ticket
    _save(ticket)
    audit(actor=actor, action="ticket_solved_by_requester", target=ticket, reference=ticket.reference)
    return ticket


@transaction.atomic
def ticket_requester_needs_help(*, ticket: Ticket, actor: User | None) -> Ticket:
    """The requester says "I still need help": the question goes back to its helpers."""
    ticket = _locked(ticket)
    if ticket.status == Status.IN_PROGRESS or ticket.status == Status.NEW:
        return ticket
    _change_status(ticket, actor=actor, to=Status.IN_PROGRESS)
    _save(ticket)
    audit(actor=actor, action="ticket_reopened_by_requester", target=ticket, reference=ticket.reference)
    return ticket


def ticket_mark_read(*, ticket: Ticket, user: User) -> None:
    """Remembers that `user` has seen the question as it is now; their queue stops marking it."""
    TicketRead.objects.update_or_create(user=user, ticket=ticket, defaults={"seen_at": timezone.now()})


def tickets_close_unanswered_resolved(*, older_than: timedelta) -> int:
    """Closes solved questions whose requester did not react within `older_than`.

    Each question closes in its own transaction and gets its own history line, by nobody.
    Returns how many closed. Running it twice closes nothing more: it is safe to retry.
    """
    cutoff = timezone.now() - older_than
    closed = 0
    for pk in Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lt=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().filter(pk=pk, status=Status.RESOLVED).first()
            if ticket is None or ticket.resolved_at is None or ticket.resolved_at >= cutoff:
                continue
            _change_status(ticket, actor=None, to=Status.CLOSED)
            _save(ticket)
            audit(actor=None, action="ticket_closed_automatically", target=ticket, reference=ticket.reference)
            closed += 1
    return closed


@transaction.atomic
def attachment_add(*, ticket: Ticket, actor: User | None, photo: CleanPhoto) -> Attachment:
    """Stores a checked photo with the question, in the organisation's own media folder."""
    from django.core.files.base import ContentFile

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
    _event(ticket, actor=actor, kind=TicketEvent.Kind.ATTACHED, to_value=photo.original_name)
    ticket.save(update_fields=["updated_at"])
    audit(actor=actor, action="ticket_photo_added", target=ticket, reference=ticket.reference)
    return attachment


def notification_preference_set(*, user: User, new_questions: str) -> NotificationPreference:
    """How `user` wants to hear about new questions: right away, once a day, or not at all."""
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"new_questions": new_questions}
    )
    audit(actor=user, action="notification_preference_set", new_questions=new_questions)
    return preference


def saved_reply_create(*, actor: User, title: str, body: str) -> SavedReply:
    saved = SavedReply.objects.create(title=title, body=body, created_by=actor)
    audit(actor=actor, action="saved_reply_created", target=saved, title=title)
    return saved


def saved_reply_delete(*, actor: User, saved: SavedReply) -> None:
    audit(actor=actor, action="saved_reply_deleted", target=saved, title=saved.title)
    saved.delete()


# --- Escalation to the professionals ---------------------------------------------------------------


def _is_professional(actor: User | None) -> bool:
    from helpdesk.accounts.models import Role

    return actor is not None and actor.role == Role.PROFESSIONAL


def _check_tier(ticket: Ticket, actor: User | None) -> None:
    """While the professionals have a question, volunteers follow it and add notes, nothing more."""
    from helpdesk.accounts.models import Role

    if ticket.tier == Tier.PROFESSIONAL and actor is not None and actor.role == Role.VOLUNTEER:
        raise TicketWithProfessionals("The professionals work this question now.")


def _check_cap(actor: User) -> None:
    """A volunteer holds at most the organisation's number of open questions at once."""
    if _is_professional(actor):
        return
    organisation = current_organisation()
    limit = organisation.max_open_per_volunteer if organisation is not None else 0
    if limit and Ticket.objects.filter(assignee=actor, status__in=OPEN_STATUSES).count() >= limit:
        raise TicketCapReached(limit)


def _escalate(ticket: Ticket, *, actor: User | None, reason: str) -> None:
    """Moves a locked question to the professionals. The caller saves (with `_save`)."""
    ticket.tier = Tier.PROFESSIONAL
    ticket.escalated_at = timezone.now()
    ticket.escalation_reason = reason
    ticket.escalated_by = actor if actor is not None and actor.pk and not _is_professional(actor) else None
    if ticket.assignee_id is not None and not _is_professional(ticket.assignee):
        ticket.assignee = None
    _event(ticket, actor=actor, kind=TicketEvent.Kind.ESCALATED, to_value=reason)


def _worry(ticket: Ticket, *, actor: User | None, reason: str) -> None:
    """Marks a locked question as a safety worry: urgent, with the professionals, contact person told."""
    from tickets import tasks

    ticket.is_worry = True
    ticket.priority = Priority.URGENT
    _event(ticket, actor=actor, kind=TicketEvent.Kind.WORRY)
    if ticket.tier != Tier.PROFESSIONAL:
        _escalate(ticket, actor=actor, reason=reason)
    delay_on_commit(tasks.notify_contact_person_of_worry, ticket_id=ticket.pk)
    audit(actor=actor, action="ticket_worry", target=ticket, reference=ticket.reference)


@transaction.atomic
def ticket_escalate(*, ticket: Ticket, actor: User, reason: str, note: str = "") -> Ticket:
    """A volunteer passes the question to the professionals, with a reason and maybe a note.

    The volunteer no longer holds it but still sees it, in the queue and under "mine". A safety
    worry also makes the question urgent and tells the organisation's contact person.
    """
    if reason not in VOLUNTEER_ESCALATION_REASONS:
        raise TicketError(f"Unknown reason for escalation: {reason!r}.")
    ticket = _locked(ticket)
    if not ticket.is_open:
        raise TicketClosed("Only open questions can be passed on.")
    if ticket.tier == Tier.PROFESSIONAL:
        raise TicketWithProfessionals("The professionals already work this question.")
    if note.strip():
        Message.objects.create(
            ticket=ticket, author=actor, author_name=_name(actor), body=note.strip(), is_internal=True
        )
    if reason == EscalationReason.SAFETY_WORRY:
        _worry(ticket, actor=actor, reason=reason)
    else:
        _escalate(ticket, actor=actor, reason=reason)
    _save(ticket)
    audit(actor=actor, action="ticket_escalated", target=ticket, reference=ticket.reference, reason=reason)
    return ticket


@transaction.atomic
def ticket_mark_worry(*, ticket: Ticket, actor: User) -> Ticket:
    """A helper marks a worry about the client's safety: see `_worry`."""
    ticket = _locked(ticket)
    if ticket.is_worry:
        return ticket
    if not ticket.is_open:
        raise TicketClosed("Only open questions can be marked.")
    _worry(ticket, actor=actor, reason=EscalationReason.SAFETY_WORRY)
    _save(ticket)
    return ticket


@transaction.atomic
def ticket_take_over(*, ticket: Ticket, actor: User) -> Ticket:
    """A professional takes an escalated question over and becomes its helper."""
    if not _is_professional(actor):
        raise TicketError("Only professionals take questions over.")
    ticket = _locked(ticket)
    if not ticket.is_open:
        raise TicketClosed("Only open questions can be taken over.")
    if ticket.tier != Tier.PROFESSIONAL:
        raise TicketError("Only escalated questions are taken over; this one is with the volunteers.")
    if ticket.assignee_id == actor.pk:
        return ticket
    if ticket.assignee_id is not None:
        raise TicketAlreadyClaimed(ticket.assignee)
    return _assign(ticket, actor=actor, kind=TicketEvent.Kind.TAKEN_OVER, action="ticket_taken_over")


@transaction.atomic
def ticket_hand_back(*, ticket: Ticket, actor: User, note: str) -> Ticket:
    """A professional gives the question back to the volunteers, with a note on what to do."""
    if not _is_professional(actor):
        raise TicketError("Only professionals hand questions back.")
    if not note.strip():
        raise TicketError("Say in a note what the volunteers should do.")
    ticket = _locked(ticket)
    if not ticket.is_open:
        raise TicketClosed("Only open questions can be handed back.")
    if ticket.tier != Tier.PROFESSIONAL:
        raise TicketError("This question is already with the volunteers.")
    Message.objects.create(ticket=ticket, author=actor, author_name=_name(actor), body=note.strip(), is_internal=True)
    ticket.tier = Tier.VOLUNTEER
    ticket.assignee = None
    _event(ticket, actor=actor, kind=TicketEvent.Kind.HANDED_BACK)
    if ticket.status == Status.IN_PROGRESS:
        _change_status(ticket, actor=actor, to=Status.NEW)
    _save(ticket)
    audit(actor=actor, action="ticket_handed_back", target=ticket, reference=ticket.reference)
    return ticket


def tickets_escalate_waiting(*, now: datetime | None = None) -> list[tuple[str, str]]:
    """Escalates the current organisation's questions that wait for a volunteer too long.

    A new question nobody took goes to the professionals once it waited longer than the
    organisation's limit (shorter for urgent ones), or at once while no volunteer is on duty. The
    reason is recorded. A question that was escalated before, even if handed back since, is never
    escalated again by this. Each question changes in its own transaction; returns the references
    and reasons escalated.
    """
    from tickets.selectors import anyone_on_duty, waiting_for_escalation

    organisation = current_organisation()
    if organisation is None:
        return []
    now = now or timezone.now()
    nobody_on_duty = not anyone_on_duty(now)
    normal_cutoff = now - timedelta(minutes=organisation.escalate_after_minutes)
    urgent_cutoff = now - timedelta(minutes=organisation.escalate_urgent_after_minutes)
    escalated: list[tuple[str, str]] = []
    for pk in waiting_for_escalation(
        normal_cutoff=normal_cutoff, urgent_cutoff=urgent_cutoff, everything=nobody_on_duty
    ).values_list("pk", flat=True):
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update()
                .filter(pk=pk, status=Status.NEW, assignee__isnull=True, escalated_at__isnull=True)
                .first()
            )
            if ticket is None:
                continue
            cutoff = urgent_cutoff if ticket.priority == Priority.URGENT else normal_cutoff
            if ticket.created_at <= cutoff:
                reason = EscalationReason.WAITED_TOO_LONG
            elif nobody_on_duty:
                reason = EscalationReason.NOBODY_ON_DUTY
            else:
                continue
            _escalate(ticket, actor=None, reason=reason)
            _save(ticket)
            audit(
                actor=None,
                action="ticket_escalated_automatically",
                target=ticket,
                reference=ticket.reference,
                reason=reason,
            )
            escalated.append((ticket.reference, reason))
    return escalated


# --- Duty ------------------------------------------------------------------------------------------


@transaction.atomic
def duty_start(*, actor: User, until: datetime) -> DutyPeriod:
    """The volunteer is on duty from now until `until`; a duty of theirs that runs now ends first,
    so periods never overlap."""
    now = timezone.now()
    if until <= now:
        raise TicketError("The end of the duty must lie in the future.")
    duty_stop(actor=actor)
    period = DutyPeriod.objects.create(volunteer=actor, starts_at=now, ends_at=until)
    audit(actor=actor, action="duty_started", target=period, until=until.isoformat())
    return period


def duty_plan(*, actor: User, starts_at: datetime, ends_at: datetime) -> DutyPeriod:
    """A period in the future when the volunteer will be on duty."""
    if ends_at <= starts_at:
        raise TicketError("The end must come after the start.")
    if ends_at <= timezone.now():
        raise TicketError("The period must lie in the future.")
    if DutyPeriod.objects.filter(volunteer=actor, starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise DutyOverlap("You are already on duty at part of that time.")
    period = DutyPeriod.objects.create(volunteer=actor, starts_at=starts_at, ends_at=ends_at)
    audit(actor=actor, action="duty_planned", target=period)
    return period


def duty_stop(*, actor: User) -> int:
    """Ends the volunteer's current duty now. Returns how many periods it ended."""
    now = timezone.now()
    current = DutyPeriod.objects.filter(volunteer=actor, starts_at__lte=now, ends_at__gt=now)
    # A period that started this very moment has no length left; it goes.
    ended, _deleted = current.filter(starts_at=now).delete()
    ended += current.filter(starts_at__lt=now).update(ends_at=now)
    if ended:
        audit(actor=actor, action="duty_stopped")
    return ended


def duty_remove(*, actor: User, period: DutyPeriod) -> None:
    """Removes a planned period of the volunteer's own that has not started."""
    if period.volunteer_id != actor.pk or period.starts_at <= timezone.now():
        raise TicketError("Only your own planned periods can be removed.")
    audit(actor=actor, action="duty_removed", target=period)
    period.delete()
