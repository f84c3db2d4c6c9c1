"""What every write about a question shares: locking it, its history line, its status rules,
and saving it together with what the apps above keep in step (`tickets.hooks.ticket_saved`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from helpdesk.accounts.audit import audit
from helpdesk.accounts.models import Role
from helpdesk.tenancy import current_organisation
from tickets import hooks
from tickets.errors import NotTheAsker, TicketCapReached, TicketWithProfessionals
from tickets.models import OPEN_STATUSES, Status, Ticket, TicketEvent

if TYPE_CHECKING:
    from helpdesk.accounts.models import User
    from tenants.models import Product


def _name(actor: User | None) -> str:
    return actor.full_name if actor is not None else ""


def _audit_by_asker(ticket: Ticket, *, actor: User | None, action: str, **data: object) -> None:
    """An access-log row about what the requester did. Without an account (`actor` is None) they
    opened their question with its number and contact check: the row names them as they gave it."""
    actor_name = ticket.contact_name if actor is None else ""
    audit(actor=actor, action=action, target=ticket, actor_name=actor_name, reference=ticket.reference, **data)


def _event(
    ticket: Ticket,
    *,
    actor: User | None,
    kind: str,
    from_value: str = "",
    to_value: str = "",
    by_requester: bool = False,
) -> TicketEvent:
    """One history line. `by_requester`: the person who asked did it, maybe without an account;
    the line then names them as they gave their name, never "someone"."""
    name = _name(actor) or (ticket.contact_name if by_requester else "")
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=actor if actor is not None and actor.pk else None,
        actor_name=name[:150],
        kind=kind,
        from_value=str(from_value)[:200],
        to_value=str(to_value)[:200],
    )


def _save(ticket: Ticket) -> None:
    """Saves a changed question and, in the same transaction, what the apps above keep in step
    with it (the escalation index among them: docs/decisions.md #9)."""
    ticket.save()
    hooks.ticket_saved.send(ticket=ticket)


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _change_status(ticket: Ticket, *, actor: User | None, to: str, by_requester: bool = False) -> None:
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
        ticket.solved_by_requester = False
    _event(ticket, actor=actor, kind=TicketEvent.Kind.STATUS, from_value=old, to_value=to, by_requester=by_requester)


def _is_product_of_organisation(product: Product) -> bool:
    organisation = current_organisation()
    if organisation is None:
        return False
    return organisation.active_products().filter(pk=product.pk).exists()


def _is_professional(actor: User | None) -> bool:
    return actor is not None and actor.role == Role.PROFESSIONAL


def _check_tier(ticket: Ticket, actor: User | None) -> None:
    """While the professionals have a question, volunteers follow it and add notes, nothing more."""
    if ticket.is_with_professionals and actor is not None and actor.role == Role.VOLUNTEER:
        raise TicketWithProfessionals("The professionals work this question now.")


def _check_asker(ticket: Ticket, actor: User | None) -> None:
    """The asker's own actions: `actor` is None (opened with the link or the contact check) or the
    question's requester, never a helper standing in for them."""
    if actor is not None and actor.pk != ticket.requester_id:
        raise NotTheAsker("Only the asker says this.")


def _check_cap(actor: User) -> None:
    """A volunteer holds at most the organisation's number of open questions at once."""
    if _is_professional(actor):
        return
    organisation = current_organisation()
    limit = organisation.max_open_per_volunteer if organisation is not None else 0
    if limit and Ticket.objects.filter(assignee=actor, status__in=OPEN_STATUSES).count() >= limit:
        raise TicketCapReached(limit)


def _assign(ticket: Ticket, *, actor: User, kind: str, action: str) -> Ticket:
    """Makes `actor` the helper of a locked question; a new question is then being answered."""
    ticket.assignee = actor
    _event(ticket, actor=actor, kind=kind, to_value=_name(actor))
    if ticket.status == Status.NEW:
        _change_status(ticket, actor=actor, to=Status.IN_PROGRESS)
    _save(ticket)
    audit(actor=actor, action=action, target=ticket, reference=ticket.reference)
    return ticket
