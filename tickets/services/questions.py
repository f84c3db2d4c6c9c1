"""Writes about a question itself: asking, taking, giving back, its status, product and topic."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from helpdesk.accounts.audit import audit
from helpdesk.tasks import delay_on_commit
from helpdesk.tenancy import current_organisation
from tickets import hooks, selectors, tasks
from tickets.errors import (
    InvalidTransition,
    ResolveRefused,
    TicketAlreadyClaimed,
    TicketClosed,
    TicketError,
    TicketWithProfessionals,
)
from tickets.models import (
    OPEN_STATUSES,
    BottleneckCause,
    Channel,
    CloseReason,
    ContactMethod,
    EscalationReason,
    OnBehalfRelation,
    Priority,
    ReferenceCounter,
    Status,
    Ticket,
    TicketEvent,
    TicketRead,
)
from tickets.services._common import (
    _assign,
    _audit_by_asker,
    _change_status,
    _check_asker,
    _check_cap,
    _check_tier,
    _event,
    _is_product_of_organisation,
    _is_professional,
    _locked,
    _save,
)
from tickets.services.escalation import _escalate, _worry

if TYPE_CHECKING:
    from helpdesk.accounts.models import User
    from tenants.models import Product


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
    by_requester = actor is None or (requester is not None and actor.pk == requester.pk)
    _event(ticket, actor=actor, kind=TicketEvent.Kind.CREATED, to_value=Status.NEW, by_requester=by_requester)
    _audit_by_asker(ticket, actor=actor, action="ticket_created", channel=channel)
    if ticket.contact_email:
        delay_on_commit(tasks.send_question_confirmation, ticket_id=ticket.pk)
    if is_worry:
        _worry(ticket, actor=actor, reason=EscalationReason.REQUESTER_WORRY)
        _save(ticket)
    elif _nobody_answers_now():
        # Nobody answers the queue now: the professionals get it at once, not at the next sweep.
        _escalate(ticket, actor=None, reason=EscalationReason.NOBODY_ON_DUTY)
        _save(ticket)
        audit(
            actor=None,
            action="ticket_escalated_automatically",
            target=ticket,
            reference=ticket.reference,
            reason=EscalationReason.NOBODY_ON_DUTY,
        )
    else:
        delay_on_commit(tasks.notify_helpers_of_new_question, ticket_id=ticket.pk)
    return ticket


def _nobody_answers_now() -> bool:
    """No volunteer is on duty, and the organisation sends questions to the professionals then."""
    organisation = current_organisation()
    if organisation is None or not organisation.escalate_when_nobody_on_duty:
        return False
    return not selectors.anyone_on_duty(timezone.now())


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
    if ticket.is_with_professionals and not _is_professional(actor):
        raise TicketWithProfessionals("The professionals work this question now.")
    _check_cap(actor)
    return _assign(ticket, actor=actor, kind=TicketEvent.Kind.CLAIMED, action="ticket_claimed")


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
    """Marks the question solved, with the bottleneck cause that reports count.

    Refused (`ResolveRefused`) while the requester has had no answer or call, or an answer still
    waits (`selectors.resolve_refusal`), so nobody is told "solved" without one.
    """
    if cause not in BottleneckCause.values:
        raise TicketError(f"Unknown bottleneck cause: {cause!r}.")
    ticket = _locked(ticket)
    _check_tier(ticket, actor)
    refusal = selectors.resolve_refusal(ticket)
    if refusal is not None:
        raise ResolveRefused(refusal)
    _change_status(ticket, actor=actor, to=Status.RESOLVED)
    ticket.bottleneck_cause = cause
    ticket.solved_by_requester = False
    _save(ticket)
    audit(actor=actor, action="ticket_resolved", target=ticket, reference=ticket.reference, cause=cause)
    hooks.ticket_resolved.send(ticket=ticket, actor=actor)
    return ticket


@transaction.atomic
def ticket_close(*, ticket: Ticket, actor: User | None, reason: str = "") -> Ticket:
    """Closes a question. One that is not solved needs a reason (`CloseReason`) the reports count;
    a solved one closes without."""
    ticket = _locked(ticket)
    _check_tier(ticket, actor)
    if ticket.is_open:
        if reason not in CloseReason.values:
            raise TicketError(f"Closing an unsolved question needs a reason, not {reason!r}.")
        ticket.close_reason = reason
    _change_status(ticket, actor=actor, to=Status.CLOSED)
    _save(ticket)
    audit(
        actor=actor,
        action="ticket_closed",
        target=ticket,
        reference=ticket.reference,
        status=Status.CLOSED,
        reason=ticket.close_reason,
    )
    return ticket


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, actor: User | None) -> Ticket:
    """Opens a solved or closed question again ("I still need help")."""
    ticket = _locked(ticket)
    if not ticket.can_reopen:
        raise InvalidTransition("Only a solved or closed question can be reopened.")
    _change_status(ticket, actor=actor, to=Status.IN_PROGRESS)
    ticket.close_reason = ""
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


@transaction.atomic
def ticket_record_view(*, ticket: Ticket, actor: User) -> None:
    """Writes a staff member's look at a question to the organisation's audit log and remembers
    that they have seen it as it is now (`ticket_mark_read`). One transaction: every look at a
    question page waits for one commit to reach the disk, not two."""
    audit(actor=actor, action="ticket_viewed", target=ticket, reference=ticket.reference)
    ticket_mark_read(ticket=ticket, user=actor)


@transaction.atomic
def ticket_requester_solved(*, ticket: Ticket, actor: User | None) -> Ticket:
    """The requester says "this solved it".

    A solved question closes; one a helper is on becomes solved, and its helper still picks the
    cause. `Ticket.can_say_solved` is the rule, the same one the requester's page asks.
    """
    _check_asker(ticket, actor)
    ticket = _locked(ticket)
    if not ticket.can_say_solved:
        return ticket
    _change_status(
        ticket,
        actor=actor,
        to=Status.CLOSED if ticket.status == Status.RESOLVED else Status.RESOLVED,
        by_requester=True,
    )
    ticket.solved_by_requester = True
    _save(ticket)
    _audit_by_asker(ticket, actor=actor, action="ticket_solved_by_requester")
    return ticket


@transaction.atomic
def ticket_requester_needs_help(*, ticket: Ticket, actor: User | None) -> Ticket:
    """The requester says "I still need help": the question goes back to its helpers."""
    _check_asker(ticket, actor)
    ticket = _locked(ticket)
    if not ticket.can_ask_again:
        return ticket
    _change_status(ticket, actor=actor, to=Status.IN_PROGRESS, by_requester=True)
    _save(ticket)
    _audit_by_asker(ticket, actor=actor, action="ticket_reopened_by_requester")
    return ticket


def ticket_follow_link_send(*, ticket: Ticket, actor: User | None = None) -> bool:
    """E-mails the link that opens the question to the address given with it, again (for an asker
    whose number-and-contact check is paused). Returns whether there is an address to send to;
    the page says the same either way."""
    if not ticket.contact_email:
        return False
    delay_on_commit(tasks.send_question_confirmation, ticket_id=ticket.pk)
    audit(actor=actor, action="ticket_follow_link_sent", target=ticket, reference=ticket.reference)
    return True


def ticket_mark_read(*, ticket: Ticket, user: User) -> None:
    """Remembers that `user` has seen the question as it is now; their queue stops marking it.

    One statement, an upsert on the pair, because every look at a question page writes it (in
    `ticket_record_view`'s transaction). Written out: `bulk_create(update_conflicts=True)` says
    the same but opens a transaction (a savepoint there) of its own."""
    table = connection.ops.quote_name(TicketRead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, ticket_id, seen_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (user_id, ticket_id) DO UPDATE SET seen_at = EXCLUDED.seen_at",
            [user.pk, ticket.pk, timezone.now()],
        )


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
