"""What the access log says about one question, told to the person who asked it.

A requester may see who looked at their question ("Wie heeft mijn vraag bekeken?"): every helper,
manager or professional with an entry about it in the organisation's access log, by name and
role, with the last time and how often. Addresses and the log's other columns stay with managers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max
from django.http import HttpRequest

from helpdesk.accounts.models import AuditEvent, Role, User
from tickets.models import Ticket


@dataclass(frozen=True)
class Viewer:
    name: str
    role: str
    last_seen: datetime
    times: int


def ticket_viewers(ticket: Ticket) -> list[Viewer]:
    """The people who looked at or worked on `ticket`, most recent first; not the requester."""
    rows = (
        AuditEvent.objects.filter(target_type=Ticket._meta.label, target_id=str(ticket.pk), actor__isnull=False)
        .exclude(actor_id=ticket.requester_id)
        .values("actor_id")
        .annotate(last_seen=Max("at"), times=Count("id"))
        .order_by("-last_seen")
    )
    people = User.objects.in_bulk([row["actor_id"] for row in rows])
    viewers = []
    for row in rows:
        person = people.get(row["actor_id"])
        if person is None or person.role == Role.REQUESTER:
            continue
        viewers.append(Viewer(person.full_name, person.get_role_display(), row["last_seen"], row["times"]))
    return viewers


def follow_viewers_panel(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    """The panel "Who looked at my question?" on the requester's page of their question."""
    return {"viewers": ticket_viewers(ticket)}
