"""Reading the access log: filtered, in pages, and about one person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk.accounts.models import AuditEvent, User

PERSON_TARGET = "accounts.User"


@dataclass(frozen=True)
class AuditFilter:
    """What a manager narrows the log to; every part optional."""

    person: User | None = None
    name: str = ""
    question: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None


def about_person(person: User) -> Q:
    """The entries about `person`'s data, or on their account."""
    return Q(subject_id=person.pk) | Q(target_type=PERSON_TARGET, target_id=str(person.pk))


def _question(reference: str) -> Q:
    """A question by its reference ("TSA-1042", "tsa 1042") or by its number alone ("1042")."""
    reference = "-".join(reference.split())
    if reference.isascii() and reference.isdigit():
        return Q(target_label__iendswith=f"-{reference}") | Q(data__reference__iendswith=f"-{reference}")
    return Q(target_label__iexact=reference) | Q(data__reference__iexact=reference)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(criteria: AuditFilter) -> QuerySet[AuditEvent]:
    """The entries that meet `criteria`, newest first. A person matches as the one who acted or
    the one whose data it was; a name matches either label (a requester without an account)."""
    events = AuditEvent.objects.all()
    if criteria.person is not None:
        events = events.filter(about_person(criteria.person) | Q(actor_id=criteria.person.pk))
    if criteria.name:
        events = events.filter(Q(actor_label__icontains=criteria.name) | Q(subject_label__icontains=criteria.name))
    if criteria.question:
        events = events.filter(_question(criteria.question))
    if criteria.action:
        events = events.filter(action=criteria.action)
    if criteria.since:
        events = events.filter(at__gte=_day_start(criteria.since))
    if criteria.until:
        events = events.filter(at__lt=_day_start(criteria.until) + timedelta(days=1))
    return events.order_by("-at", "-pk")


def audit_events_about(person: User) -> QuerySet[AuditEvent]:
    """Everything the log holds about one person: what a client may ask to see."""
    return AuditEvent.objects.filter(about_person(person) | Q(actor_id=person.pk)).order_by("at", "pk")


def with_names(events: list[AuditEvent]) -> list[AuditEvent]:
    """Fills in the names of people that older entries only knew by number."""
    missing = {int(e.target_id) for e in events if e.target_type == PERSON_TARGET and not e.target_label}
    people = User.objects.in_bulk(missing) if missing else {}
    for event in events:
        if event.target_type == PERSON_TARGET and not event.target_label:
            person = people.get(int(event.target_id))
            event.target_label = person.full_name if person is not None else ""
    return events


def has_authenticator(user: User) -> bool:
    """The person confirmed an authenticator app (in the schema they live in). The signed-in
    person carries the answer from the sign-in backend; anyone else is asked for."""
    known = getattr(user, "has_confirmed_authenticator", None)
    if known is not None:
        return known
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
