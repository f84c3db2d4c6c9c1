"""Writes to the escalation index: kept in step with every saved question through the hook
`tickets.hooks.ticket_saved` (connected in `EscalationsConfig.ready`), and by the reconcile task."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from escalations import tasks
from escalations.models import PRIORITY_RANK, AlertPreference, EscalationEntry
from helpdesk.accounts.audit import audit
from helpdesk.accounts.models import Role
from helpdesk.tasks import delay_on_commit
from helpdesk.tenancy import current_organisation
from tickets.selectors import escalated_open

if TYPE_CHECKING:
    from helpdesk.accounts.models import User
    from tenants.models import CareOrganisation
    from tickets.models import Ticket

logger = logging.getLogger(__name__)

# The fields that the index copies from a question, and which reconcile compares.
COPIED_FIELDS = (
    "number",
    "reference",
    "subject",
    "product_id",
    "priority",
    "priority_rank",
    "status",
    "reason",
    "is_worry",
    "asked_at",
    "escalated_at",
    "taken_by_id",
    "taken_by_name",
)


def _values(ticket: Ticket, organisation: CareOrganisation) -> dict[str, object]:
    assignee = ticket.assignee if ticket.assignee_id else None
    professional = assignee if assignee is not None and assignee.role == Role.PROFESSIONAL else None
    return {
        "number": ticket.number,
        "reference": organisation.reference_for(ticket.number),
        "subject": ticket.subject[:200],
        "product_id": ticket.product_id,
        "priority": ticket.priority,
        "priority_rank": PRIORITY_RANK.get(ticket.priority, 1),
        "status": ticket.status,
        "reason": ticket.escalation_reason,
        "is_worry": ticket.is_worry,
        "asked_at": ticket.created_at,
        "escalated_at": ticket.escalated_at,
        "taken_by_id": professional.public_user_id if professional is not None else None,
        "taken_by_name": professional.full_name if professional is not None else "",
    }


def escalation_index_sync(ticket: Ticket, *, organisation: CareOrganisation | None = None) -> None:
    """Makes the index row of `ticket` match it: present with the same fields, or absent.

    Call it inside the transaction that changed the question, after saving it. A question that
    was never escalated can have no row, so it costs nothing then.
    """
    if ticket.escalated_at is None:
        return
    organisation = organisation or current_organisation()
    if organisation is None:
        raise RuntimeError("The escalation index is written from an organisation's schema.")
    if not ticket.belongs_in_escalation_index:
        EscalationEntry.objects.filter(organisation=organisation, ticket_id=ticket.pk).delete()
        return
    entry, created = EscalationEntry.objects.update_or_create(
        organisation=organisation,
        ticket_id=ticket.pk,
        defaults={**_values(ticket, organisation), "updated_at": timezone.now()},
    )
    if created:
        # A question that just reached the professionals: they hear of it once it is committed.
        delay_on_commit(tasks.alert_professionals_of_question, entry_id=entry.pk)


@dataclass
class Drift:
    """What reconcile found wrong in one organisation's part of the index, and repaired."""

    organisation: str
    missing: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.missing) + len(self.extra) + len(self.changed)


@transaction.atomic
def escalation_index_reconcile(*, organisation: CareOrganisation | None = None) -> Drift:
    """Compares the index with the questions of the current schema's organisation and repairs it."""
    organisation = organisation or current_organisation()
    if organisation is None:
        raise RuntimeError("Reconcile runs in an organisation's schema.")
    drift = Drift(organisation=organisation.slug)
    expected = {
        ticket.pk: ticket for ticket in escalated_open().select_related("assignee").select_for_update(of=("self",))
    }
    rows = {row.ticket_id: row for row in EscalationEntry.objects.select_for_update().filter(organisation=organisation)}
    now = timezone.now()
    drift.extra = [ticket_id for ticket_id in rows if ticket_id not in expected]
    if drift.extra:
        EscalationEntry.objects.filter(organisation=organisation, ticket_id__in=drift.extra).delete()
    for ticket_id, ticket in expected.items():
        values = _values(ticket, organisation)
        row = rows.get(ticket_id)
        if row is None:
            drift.missing.append(ticket_id)
            EscalationEntry.objects.create(organisation=organisation, ticket_id=ticket_id, updated_at=now, **values)
        elif any(getattr(row, name) != values[name] for name in COPIED_FIELDS):
            drift.changed.append(ticket_id)
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = now
            row.save()
    if drift.total:
        logger.warning(
            "Escalation index drift repaired for %s: %d missing, %d extra, %d changed",
            organisation.slug,
            len(drift.missing),
            len(drift.extra),
            len(drift.changed),
        )
    return drift


@transaction.atomic
def alert_preference_set(*, actor: User, rest: str) -> AlertPreference:
    """A professional chooses how they hear of questions that are not urgent."""
    if rest not in AlertPreference.Rest.values:
        raise ValueError(f"Unknown choice: {rest!r}.")
    preference, _ = AlertPreference.objects.update_or_create(user=actor, defaults={"rest": rest})
    audit(actor=actor, action="alert_preference_set", target=actor, rest=rest)
    return preference
