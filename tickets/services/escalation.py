"""Writes about escalation: passing a question to the professionals, a worry about safety,
taking over, handing back, and the automatic escalation of questions that wait too long."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from helpdesk.accounts.audit import audit
from helpdesk.tasks import delay_on_commit
from helpdesk.tenancy import current_organisation
from tickets import tasks
from tickets.errors import TicketAlreadyClaimed, TicketClosed, TicketError, TicketWithProfessionals
from tickets.models import (
    VOLUNTEER_ESCALATION_REASONS,
    EscalationReason,
    Message,
    Priority,
    Status,
    Ticket,
    TicketEvent,
    Tier,
)
from tickets.selectors import WAITING_UNESCALATED, EscalationLimits, anyone_on_duty, waiting_for_escalation
from tickets.services._common import _assign, _change_status, _event, _is_professional, _locked, _name, _save

if TYPE_CHECKING:
    from helpdesk.accounts.models import User


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
    ticket.is_worry = True
    ticket.priority = Priority.URGENT
    _event(ticket, actor=actor, kind=TicketEvent.Kind.WORRY, by_requester=reason == EscalationReason.REQUESTER_WORRY)
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
    organisation's limit (shorter for urgent ones), or at once while no volunteer is on duty (when
    the organisation wants that: `escalate_when_nobody_on_duty`; `ticket_create` does the same
    for a question asked then, so this only catches what was waiting when the duty ended). The
    reason is recorded. A question that was escalated before, even if handed back since, is never
    escalated again by this. Each question changes in its own transaction; returns the references
    and reasons escalated.
    """
    organisation = current_organisation()
    if organisation is None:
        return []
    now = now or timezone.now()
    nobody_on_duty = organisation.escalate_when_nobody_on_duty and not anyone_on_duty(now)
    limits = EscalationLimits.of(organisation, now)
    escalated: list[tuple[str, str]] = []
    for pk in waiting_for_escalation(limits=limits, everything=nobody_on_duty).values_list("pk", flat=True):
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().filter(WAITING_UNESCALATED, pk=pk).first()
            if ticket is None:
                continue
            if limits.passed(ticket):
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
