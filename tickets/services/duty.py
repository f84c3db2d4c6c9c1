"""Writes about duty: when a volunteer is there to take questions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from helpdesk.accounts.audit import audit
from tickets.errors import DutyOverlap, TicketError
from tickets.models import DutyPeriod

if TYPE_CHECKING:
    from helpdesk.accounts.models import User


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
