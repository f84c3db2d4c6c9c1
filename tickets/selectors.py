"""Reads about questions: the volunteers' queue, a requester's questions, one conversation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Cast, Coalesce, Greatest, Lag, Least, Lower, NullIf, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.accounts.models import Role, User
from helpdesk.aggregates import Median
from tickets import hooks
from tickets.models import (
    IN_ESCALATION_INDEX,
    OPEN_STATUSES,
    QUEUE_TAKEN,
    QUEUE_URGENT,
    Call,
    CloseReason,
    DutyPeriod,
    EscalationReason,
    Message,
    NotificationPreference,
    Priority,
    Status,
    Ticket,
    TicketEvent,
    TicketRead,
    Tier,
)

# "AMP-1042", "amp 1042" or "1042": somebody looking for one question by its reference.
REFERENCE_RE = re.compile(r"^\s*(?:[A-Za-z]{2,5}[\s-]*)?(\d{1,9})\s*$")


@dataclass(frozen=True)
class QueueFilters:
    product: int | None = None
    status: str = ""  # empty: every open status
    mine: bool = False
    unassigned: bool = False
    with_professionals: bool = False
    q: str = ""


# What a row of the queue shows (jinja2_templates/tickets/queue_rows.html); the rest of a question
# (its text, its search vector, the requester) stays in the database. The product's and the
# helper's names come as two columns of the row (`QUEUE_ROW_NAMES`), not as two more objects.
QUEUE_ROW_FIELDS = ("number", "subject", "status", "priority", "is_worry", "tier", "created_at")
QUEUE_ROW_NAMES = {"product_name": F("product__name"), "assignee_name": F("assignee__full_name")}


def queue_for(user: User, filters: QueueFilters | None = None) -> QuerySet[Ticket]:
    """The organisation's questions for helpers: urgent questions and worries about safety first,
    then the ones nobody has taken, then oldest first.

    Each question carries `unread`: something happened since `user` last opened it, and only the
    fields its row shows (`QUEUE_ROW_FIELDS`); `queue_rows` adds the names a row shows.
    `q` searches subject and text with Dutch stemming ("printers" finds "printer"), or finds one
    question by its reference number.
    """
    filters = filters or QueueFilters()
    tickets = Ticket.objects.only(*QUEUE_ROW_FIELDS)
    if filters.status in Status.values:
        tickets = tickets.filter(status=filters.status)
    else:
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    if filters.product:
        tickets = tickets.filter(product_id=filters.product)
    if filters.mine:
        # Also the questions this volunteer passed to the professionals: they still follow them.
        tickets = tickets.filter(Q(assignee_id=user.pk) | Q(escalated_by_id=user.pk))
    if filters.unassigned:
        # What a volunteer can take: nobody has it and the professionals do not have it either.
        tickets = tickets.filter(assignee__isnull=True, tier=Tier.VOLUNTEER)
    if filters.with_professionals:
        tickets = tickets.filter(tier=Tier.PROFESSIONAL)
    query = filters.q.strip()
    if query:
        reference = REFERENCE_RE.match(query)
        if reference:
            tickets = tickets.filter(number=int(reference.group(1)))
        else:
            tickets = tickets.filter(search=SearchQuery(query, config="dutch", search_type="websearch"))
    seen = TicketRead.objects.filter(ticket=OuterRef("pk"), user_id=user.pk, seen_at__gte=OuterRef("updated_at"))
    # The order matches the index `ticket_open_queue`, so the open queue needs no sort.
    return tickets.annotate(urgent_first=QUEUE_URGENT, taken=QUEUE_TAKEN, unread=~Exists(seen)).order_by(
        "urgent_first", "taken", "created_at", "pk"
    )


def queue_rows(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The questions of `queue_for` as rows: with `product_name` and `assignee_name` (None while
    nobody has it). Counting the matches needs neither join, so the count asks `queue_for`'s own."""
    return tickets.annotate(**QUEUE_ROW_NAMES)


def calls_for(ticket: Ticket) -> QuerySet[Call]:
    return ticket.calls.order_by("at", "pk")


def resolve_refusal(
    ticket: Ticket, *, calls: Sequence[Call] | None = None, conversation: Sequence[Message] | None = None
) -> str | None:
    """Why a helper cannot mark the question solved yet, in the reader's words; None if they can.

    Nobody is told their question is solved without an answer: someone who asked to be called
    back needs a call that reached them, anyone else a public answer or such a call. An app
    above may say "not yet" too (`hooks.resolve_check`: an answer still waits for approval).
    The question page passes the `calls` and the `conversation` it read already (every message,
    or at least every public one); without them they are asked of the database.
    """
    reached = ticket.calls.filter(reached=True).exists() if calls is None else any(call.reached for call in calls)
    if ticket.asked_for_call and not reached:
        return str(
            _("%(name)s asked to be called back. Record a call that reached them first.")
            % {"name": ticket.contact_name}
        )
    waiting = hooks.resolve_check.first(ticket=ticket)
    if waiting is not None:
        return waiting
    if conversation is not None:
        answered = any(not message.is_internal and not message.from_requester for message in conversation)
    else:
        answered = ticket.messages.filter(is_internal=False, from_requester=False).exists()
    if not answered and not reached:
        return str(_("The person who asked has had no answer yet. Send an answer or record a call first."))
    return None


def close_reasons_counted(*, since: datetime, until: datetime) -> dict[str, int]:
    """How many unsolved questions were closed for each reason between `since` and `until`, for the
    monthly report: every reason, with 0 where none."""
    rows = (
        Ticket.objects.filter(closed_at__gte=since, closed_at__lt=until)
        .exclude(close_reason="")
        .values_list("close_reason")
        .annotate(n=Count("pk"))
    )
    counted = dict.fromkeys(CloseReason.values, 0)
    counted.update(dict(rows))
    return counted


def tickets_of_requester(user: User) -> QuerySet[Ticket]:
    """A requester's own questions, newest first."""
    return Ticket.objects.filter(requester_id=user.pk).select_related("product").order_by("-created_at", "-pk")


def messages_for(ticket: Ticket, *, include_internal: bool) -> QuerySet[Message]:
    """The conversation of a question; internal notes only for helpers. A message keeps its
    author's name (`author_name`), so the author's account is not read with it."""
    messages = ticket.messages.all()
    if not include_internal:
        messages = messages.filter(is_internal=False)
    return messages.order_by("created_at", "pk")


def events_for(ticket: Ticket) -> QuerySet[TicketEvent]:
    """A question's history; each line keeps its actor's name (`actor_name`)."""
    return ticket.events.order_by("at", "pk")


# Country codes whose national numbers start with a 0 (the Netherlands, Belgium, Germany), and
# those whose numbers have none (Denmark).
TRUNK_ZERO_COUNTRIES = frozenset({"31", "32", "49"})
NO_TRUNK_COUNTRIES = frozenset({"45"})


def _digits(value: str) -> str:
    """The digits of a phone number in one national form: "+31 6 1234 5678", "0031-6-12345678"
    and "06 12345678" all become "0612345678"."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if value.strip().startswith("+"):
        digits = "00" + digits
    country = digits[2:4] if digits.startswith("00") else ""
    if country in TRUNK_ZERO_COUNTRIES:
        digits = "0" + digits[4:]
    elif country in NO_TRUNK_COUNTRIES:
        digits = digits[4:]
    return digits


def reference_number(reference: str) -> int | None:
    """The number in a reference as people type it ("AMP-1042", "amp 1042", "1042"); else None."""
    found = REFERENCE_RE.match(reference.replace("-", " "))
    return int(found.group(1)) if found else None


def ticket_by_reference_and_contact(reference: str, contact: str) -> Ticket | None:
    """The question with this number whose e-mail address or phone number matches; else None.

    The reference may have any case, spaces or dashes; a phone number matches on its digits.
    """
    number = reference_number(reference)
    contact = contact.strip()
    if number is None or not contact:
        return None
    ticket = Ticket.objects.filter(number=number).first()
    if ticket is None:
        return None
    if "@" in contact:
        return ticket if ticket.contact_email and ticket.contact_email.lower() == contact.lower() else None
    digits = _digits(contact)
    return ticket if len(digits) >= 6 and _digits(ticket.contact_phone) == digits else None


def helpers_to_notify(mode: str) -> QuerySet[User]:
    """Active volunteers with an e-mail address who chose `mode` (no choice yet: right away)."""
    helpers = User.objects.filter(role=Role.VOLUNTEER, is_active=True, email__isnull=False).exclude(email="")
    chosen = NotificationPreference.objects.filter(user=OuterRef("pk"))
    if mode == NotificationPreference.NewQuestions.IMMEDIATELY:
        return helpers.exclude(Exists(chosen.exclude(new_questions=mode)))
    return helpers.filter(Exists(chosen.filter(new_questions=mode)))


def new_questions_since(since: datetime) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(created_at__gte=since, status=Status.NEW).select_related("product").order_by("created_at")
    )


def anyone_on_duty(at: datetime) -> bool:
    """Whether an active volunteer of the organisation is on duty at `at`."""
    return DutyPeriod.objects.filter(
        starts_at__lte=at, ends_at__gt=at, volunteer__is_active=True, volunteer__role=Role.VOLUNTEER
    ).exists()


def volunteers_on_duty(at: datetime) -> QuerySet[User]:
    on_duty = DutyPeriod.objects.filter(volunteer=OuterRef("pk"), starts_at__lte=at, ends_at__gt=at)
    return User.objects.filter(role=Role.VOLUNTEER, is_active=True).filter(Exists(on_duty)).order_by("full_name")


def duty_periods_of(user: User, *, since: datetime) -> QuerySet[DutyPeriod]:
    """The volunteer's current and planned duty periods (those ending after `since`)."""
    return DutyPeriod.objects.filter(volunteer=user, ends_at__gt=since).order_by("starts_at", "pk")


@dataclass(frozen=True)
class EscalationLimits:
    """When a new question nobody took has waited too long: the organisation's limit, shorter for
    urgent ones, counted back from `now`. The one place that says "past the limit"."""

    normal_cutoff: datetime
    urgent_cutoff: datetime

    @classmethod
    def of(cls, organisation: Any, now: datetime) -> EscalationLimits:
        return cls(
            normal_cutoff=now - timedelta(minutes=organisation.escalate_after_minutes),
            urgent_cutoff=now - timedelta(minutes=organisation.escalate_urgent_after_minutes),
        )

    def past(self) -> Q:
        """Questions asked before their limit's cut-off."""
        return Q(priority=Priority.URGENT, created_at__lte=self.urgent_cutoff) | Q(created_at__lte=self.normal_cutoff)

    def passed(self, ticket: Ticket) -> bool:
        cutoff = self.urgent_cutoff if ticket.priority == Priority.URGENT else self.normal_cutoff
        return ticket.created_at <= cutoff


# New questions that no helper has taken and that were never escalated.
WAITING_UNESCALATED = Q(status=Status.NEW, assignee__isnull=True, escalated_at__isnull=True)


def waiting_for_escalation(*, limits: EscalationLimits, everything: bool) -> QuerySet[Ticket]:
    """New questions nobody took and nobody escalated before, past their limit (or all of them)."""
    tickets = Ticket.objects.filter(WAITING_UNESCALATED)
    if not everything:
        tickets = tickets.filter(limits.past())
    return tickets.order_by("created_at", "pk")


def escalated_open() -> QuerySet[Ticket]:
    """The open questions that belong in the public escalation index."""
    return Ticket.objects.filter(IN_ESCALATION_INDEX)


def question_health(organisation: Any, *, now: datetime, since: datetime) -> dict[str, int]:
    """How the current organisation's questions are doing, for the operator's overview.

    Three queries: one aggregate over the open questions, one count of automatic escalations
    because a question waited too long since `since` (from the history, so a later hand-back
    does not hide it), and one count of volunteers on duty.
    """
    limits = EscalationLimits.of(organisation, now)
    waiting = Q(status=Status.NEW, assignee__isnull=True)
    figures = Ticket.objects.filter(status__in=OPEN_STATUSES).aggregate(
        open_questions=Count("pk"),
        waiting=Count("pk", filter=waiting),
        escalations_open=Count("pk", filter=IN_ESCALATION_INDEX),
        past_limit_now=Count("pk", filter=WAITING_UNESCALATED & limits.past()),
    )
    figures["limit_exceeded_since"] = TicketEvent.objects.filter(
        kind=TicketEvent.Kind.ESCALATED,
        to_value=EscalationReason.WAITED_TOO_LONG,
        actor__isnull=True,
        at__gte=since,
    ).aggregate(n=Count("ticket_id", distinct=True))["n"]
    figures["on_duty"] = volunteers_on_duty(now).count()
    return figures


# --- A volunteer's own contribution --------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """What one volunteer did, this month and since they started. Never compared with others."""

    helped_this_month: int
    helped_total: int
    replies_this_month: int
    replies_total: int
    time_this_month: timedelta
    time_total: timedelta


def _time_within(periods: list[tuple[datetime, datetime]], *, start: datetime | None, end: datetime) -> timedelta:
    """The time covered by `periods` between `start` and `end`; overlapping periods count once."""
    total = timedelta()
    reached: datetime | None = None  # the end of what is counted so far
    for begins, ends in sorted(periods):
        begins = max(begins, start) if start is not None else begins
        if reached is not None:
            begins = max(begins, reached)
        ends = min(ends, end)
        if ends > begins:
            total += ends - begins
            reached = ends
    return total


def contribution_of(user: User, *, now: datetime | None = None) -> Contribution:
    """The questions `user` helped solve, the answers they wrote and the time they were on duty.

    A question counts as helped when it is solved (or closed after being solved) and the volunteer
    held it or answered the requester in it. Time on duty counts what has passed, up to `now`.
    "This month" follows the organisation's calendar. Three queries, whatever the numbers.
    """
    now = now or timezone.now()
    month_start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    answered = Message.objects.filter(ticket=OuterRef("pk"), author_id=user.pk, is_internal=False)
    helped = (
        Ticket.objects.filter(status__in=(Status.RESOLVED, Status.CLOSED), resolved_at__isnull=False)
        .filter(Q(assignee_id=user.pk) | Exists(answered))
        .aggregate(total=Count("pk"), this_month=Count("pk", filter=Q(resolved_at__gte=month_start)))
    )
    replies = Message.objects.filter(author_id=user.pk, is_internal=False, from_requester=False).aggregate(
        total=Count("pk"), this_month=Count("pk", filter=Q(created_at__gte=month_start))
    )
    periods = list(
        DutyPeriod.objects.filter(volunteer_id=user.pk, starts_at__lt=now).values_list("starts_at", "ends_at")
    )
    return Contribution(
        helped_this_month=helped["this_month"],
        helped_total=helped["total"],
        replies_this_month=replies["this_month"],
        replies_total=replies["total"],
        time_this_month=_time_within(periods, start=month_start, end=now),
        time_total=_time_within(periods, start=None, end=now),
    )


# --- Figures for the monthly report (reporting reads questions only through these) --------------


def _in_products(queryset: QuerySet, product_ids: list[int] | None, field: str = "product_id") -> QuerySet:
    return queryset if not product_ids else queryset.filter(**{f"{field}__in": product_ids})


def _person() -> Coalesce:
    """Who asked, for counting distinct people: the account, else the e-mail, phone or name given."""
    return Coalesce(
        Cast("requester_id", CharField()),
        Lower(NullIf("contact_email", Value(""))),
        NullIf("contact_phone", Value("")),
        Lower("contact_name"),
        output_field=CharField(),
    )


def question_totals(*, start: datetime, end: datetime, product_ids: list[int] | None = None) -> dict:
    """One aggregate over the questions asked or solved in [start, end).

    asked, people (distinct), worries, solved, solved by volunteers and by professionals, and the
    medians of the time to the first answer (of the questions asked) and to solved (of those solved).
    """
    asked = Q(created_at__gte=start, created_at__lt=end)
    solved = Q(resolved_at__gte=start, resolved_at__lt=end)
    rows = _in_products(Ticket.objects.filter(asked | solved), product_ids)
    return rows.aggregate(
        asked=Count("pk", filter=asked),
        people=Count(_person(), filter=asked, distinct=True),
        worries=Count("pk", filter=asked & Q(is_worry=True)),
        solved=Count("pk", filter=solved),
        solved_volunteers=Count("pk", filter=solved & Q(tier=Tier.VOLUNTEER)),
        solved_professionals=Count("pk", filter=solved & Q(tier=Tier.PROFESSIONAL)),
        first_answer=Median(
            F("first_response_at") - F("created_at"), duration=True, filter=asked & Q(first_response_at__isnull=False)
        ),
        to_solved=Median(F("resolved_at") - F("created_at"), duration=True, filter=solved),
    )


def questions_counted_by(
    field: str, *, start: datetime, end: datetime, product_ids: list[int] | None = None
) -> QuerySet:
    """Questions asked in [start, end) per value of `field` (product, channel, on_behalf_relation),
    with the distinct people who asked: rows of {field, questions, people}."""
    if field not in ("product", "channel", "on_behalf_relation"):
        raise ValueError(field)
    rows = _in_products(Ticket.objects.filter(created_at__gte=start, created_at__lt=end), product_ids)
    return (
        rows.values(field)
        .annotate(questions=Count("pk"), people=Count(_person(), distinct=True))
        .order_by("-questions", field)
    )


def questions_per_month(
    *, start: datetime, end: datetime, tz: tzinfo, product_ids: list[int] | None = None
) -> QuerySet:
    """Questions asked per month (in `tz`) and product in [start, end): rows of {month, product, questions,
    people}."""
    rows = _in_products(Ticket.objects.filter(created_at__gte=start, created_at__lt=end), product_ids)
    return (
        rows.annotate(month=TruncMonth("created_at", tzinfo=tz))
        .values("month", "product")
        .annotate(questions=Count("pk"), people=Count(_person(), distinct=True))
        .order_by("month", "product")
    )


def causes_per_month(*, start: datetime, end: datetime, tz: tzinfo, product_ids: list[int] | None = None) -> QuerySet:
    """Questions solved per month (in `tz`), product and cause in [start, end)."""
    rows = _in_products(Ticket.objects.filter(resolved_at__gte=start, resolved_at__lt=end), product_ids)
    return (
        rows.exclude(bottleneck_cause="")
        .annotate(month=TruncMonth("resolved_at", tzinfo=tz))
        .values("month", "product", "bottleneck_cause")
        .annotate(questions=Count("pk"))
        .order_by("month", "product", "bottleneck_cause")
    )


def repeat_questions(*, start: datetime, end: datetime, within: timedelta, product_ids: list[int] | None = None) -> int:
    """Questions asked in [start, end) by a person who asked about the same product in the `within` before.

    A window function finds each question's previous one of the same person and product, so this
    reads only the questions of the period and the `within` before it.
    """
    rows = _in_products(Ticket.objects.filter(created_at__gte=start - within, created_at__lt=end), product_ids)
    earlier = rows.annotate(
        person=_person(),
        previous=Window(Lag("created_at"), partition_by=[F("person"), F("product_id")], order_by=F("created_at").asc()),
    )
    return earlier.filter(created_at__gte=start, previous__gte=F("created_at") - within).count()


def escalations_counted(*, start: datetime, end: datetime, product_ids: list[int] | None = None) -> QuerySet:
    """Questions passed to the professionals in [start, end) per reason, and whether it was automatic:
    rows of {reason, automatic, questions}; a question escalated twice for one reason counts once."""
    rows = _in_products(
        TicketEvent.objects.filter(kind=TicketEvent.Kind.ESCALATED, at__gte=start, at__lt=end),
        product_ids,
        "ticket__product_id",
    )
    return (
        rows.annotate(reason=F("to_value"), automatic=Q(actor__isnull=True))
        .values("reason", "automatic")
        .annotate(questions=Count("ticket_id", distinct=True))
        .order_by("-questions", "reason")
    )


def solved_subjects(
    *, start: datetime, end: datetime, cause: str | None = None, product_ids: list[int] | None = None, limit: int = 10
) -> QuerySet:
    """Subjects of questions solved in [start, end), optionally of one cause: {number, product, subject},
    newest first. Never who asked."""
    rows = _in_products(Ticket.objects.filter(resolved_at__gte=start, resolved_at__lt=end), product_ids)
    if cause is not None:
        rows = rows.filter(bottleneck_cause=cause)
    return rows.order_by("-resolved_at", "-pk").values("number", "product", "bottleneck_cause", "subject")[:limit]


def helpers_totals(*, start: datetime, end: datetime) -> dict:
    """Volunteers' time on duty in [start, end) (the part of each period inside it), and the questions
    volunteers answered in public then; never per person."""
    duty = DutyPeriod.objects.filter(starts_at__lt=end, ends_at__gt=start).aggregate(
        time=Sum(Least("ends_at", Value(end)) - Greatest("starts_at", Value(start))),
        volunteers=Count("volunteer_id", distinct=True),
    )
    helped = Message.objects.filter(
        created_at__gte=start, created_at__lt=end, is_internal=False, from_requester=False, author__role="volunteer"
    ).aggregate(questions=Count("ticket_id", distinct=True), volunteers=Count("author_id", distinct=True))
    return {
        "duty": duty["time"],
        "volunteers_on_duty": duty["volunteers"],
        "questions_helped": helped["questions"],
        "volunteers_helping": helped["volunteers"],
    }


def questions_for_export(*, start: datetime, end: datetime, product_ids: list[int] | None = None) -> QuerySet:
    """The questions asked in [start, end) without anything personal, in the order they were asked."""
    rows = _in_products(Ticket.objects.filter(created_at__gte=start, created_at__lt=end), product_ids)
    return rows.order_by("created_at", "pk").values_list(
        "number",
        "product__name",
        "channel",
        "created_at",
        "first_response_at",
        "resolved_at",
        "status",
        "tier",
        "bottleneck_cause",
    )


def questions_version() -> tuple[int, int]:
    """A mark that changes whenever a question is asked or changed (every change writes a history
    line): the highest question id and history id, read from their primary keys."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT max(id) FROM {connection.ops.quote_name(Ticket._meta.db_table)}), "
            f"(SELECT max(id) FROM {connection.ops.quote_name(TicketEvent._meta.db_table)})"
        )
        ticket, event = cursor.fetchone()
    return ticket or 0, event or 0


def tickets_of_person(person: User) -> list[Ticket]:
    """The questions a person asked: with their account, or without it from their address."""
    asked = Q(requester=person)
    if person.email:
        asked |= Q(contact_email__iexact=person.email)
    return list(Ticket.objects.filter(asked).order_by("created_at", "pk"))
