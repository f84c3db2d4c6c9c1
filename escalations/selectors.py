"""Reads for the operator portal: the professionals' queue and the overview of every organisation.

The queue reads only the cross-tenant escalation index, in one query per page. The overview has
to visit each organisation's own schema; it does so with a fixed number of queries per
organisation (see `organisations_overview`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.cache import cache
from django.db.models import Avg, Count, F, Q
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils import timezone

from escalations.models import EscalationEntry
from tenants.models import CareOrganisation, Product

if TYPE_CHECKING:
    from django.db.models import QuerySet

PAGE_SIZE = 25
# The queue's order, which the index `escalation_queue_order` (and its per-organisation and
# per-product twins) keeps: urgent first, then longest waiting, then the row id for ties.
QUEUE_ORDER = ("priority_rank", "escalated_at", "id")
FILTER_CHOICES_CACHE_KEY = "escalations:filter-choices:v1"
FILTER_CHOICES_SECONDS = 60
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class QueueFilters:
    organisation_id: int | None = None
    product_id: int | None = None


@dataclass(frozen=True)
class QueuePosition:
    """A place in the queue's order, written into the page links (keyset paging).

    `after` a position gives the next page, `before` one the previous page. Unlike an offset, a
    position costs the same at the end of the list as at its start, and a row that leaves the
    queue meanwhile does not shift the pages.
    """

    priority_rank: int
    escalated_at: datetime
    id: int

    @classmethod
    def of(cls, entry: EscalationEntry) -> QueuePosition:
        return cls(entry.priority_rank, entry.escalated_at, entry.pk)

    def token(self) -> str:
        micros = (self.escalated_at - EPOCH) // timedelta(microseconds=1)
        return f"{self.priority_rank}.{micros}.{self.id}"

    @classmethod
    def parse(cls, token: str | None) -> QueuePosition | None:
        """The position in a page link; None for anything that is not one (a hand-edited address)."""
        if not token or len(token) > 60:
            return None
        parts = token.split(".")
        if len(parts) != 3 or not all(part.isdigit() for part in parts):
            return None
        rank, micros, pk = (int(part) for part in parts)
        if rank > 9 or pk > 2**63 - 1:
            return None
        try:
            moment = EPOCH + timedelta(microseconds=micros)
        except OverflowError:
            return None
        return cls(rank, moment, pk)

    def values(self) -> tuple[int, datetime, int]:
        return (self.priority_rank, self.escalated_at, self.id)


@dataclass
class QueuePage:
    entries: list[EscalationEntry]
    has_next: bool
    has_previous: bool

    @property
    def next_token(self) -> str:
        return QueuePosition.of(self.entries[-1]).token() if self.has_next and self.entries else ""

    @property
    def previous_token(self) -> str:
        return QueuePosition.of(self.entries[0]).token() if self.has_previous and self.entries else ""


def _queue_rows(filters: QueueFilters) -> QuerySet[EscalationEntry]:
    rows = EscalationEntry.objects.select_related("organisation", "product").only(
        *(f.name for f in EscalationEntry._meta.concrete_fields if f.name not in ("ticket_id", "updated_at")),
        "organisation__name",
        "organisation__slug",
        "organisation__status",
        "product__name",
    )
    if filters.organisation_id is not None:
        rows = rows.filter(organisation_id=filters.organisation_id)
    if filters.product_id is not None:
        rows = rows.filter(product_id=filters.product_id)
    return rows


def escalation_queue(
    *,
    filters: QueueFilters | None = None,
    after: QueuePosition | None = None,
    before: QueuePosition | None = None,
    page_size: int | None = None,
) -> QueuePage:
    """One page of the professionals' queue, in exactly one SQL query.

    Urgent questions first, then those that have waited longest since their escalation. The
    query asks for one row more than a page to learn whether another page follows, so no COUNT
    is needed. The position is compared as a row value, `(priority_rank, escalated_at, id) >
    (...)`, which PostgreSQL answers from the index as a range, however deep the page.
    """
    page_size = page_size or PAGE_SIZE
    rows = _queue_rows(filters or QueueFilters())
    key = Tuple(*(F(name) for name in QUEUE_ORDER))
    if before is not None and after is None:
        backwards = rows.filter(TupleLessThan(key, before.values())).order_by(*(f"-{name}" for name in QUEUE_ORDER))
        found = list(backwards[: page_size + 1])
        page = QueuePage(entries=found[:page_size][::-1], has_next=True, has_previous=len(found) > page_size)
    else:
        if after is not None:
            rows = rows.filter(TupleGreaterThan(key, after.values()))
        found = list(rows.order_by(*QUEUE_ORDER)[: page_size + 1])
        page = QueuePage(entries=found[:page_size], has_next=len(found) > page_size, has_previous=after is not None)
    for entry in page.entries:
        entry.reason_label = reason_label(entry.reason)
    return page


def reason_label(reason: str) -> str:
    """Why a question went to the professionals, in the reader's language."""
    from tickets.models import EscalationReason

    return str(EscalationReason(reason).label) if reason in EscalationReason.values else reason


def queue_filter_choices() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The organisations and products to filter the queue by, as (id, name) pairs.

    Two small queries (a few hundred organisations, a few dozen products), kept in the cache for
    a minute so that paging through the queue costs only the list query. Every organisation and
    product is offered, also suspended organisations and retired products: their questions can
    still be in the queue.
    """
    choices = cache.get(FILTER_CHOICES_CACHE_KEY)
    if choices is None:
        organisations = list(CareOrganisation.objects.order_by("name", "pk").values_list("pk", "name"))
        products = list(Product.objects.order_by("name", "pk").values_list("pk", "name"))
        choices = (organisations, products)
        cache.set(FILTER_CHOICES_CACHE_KEY, choices, FILTER_CHOICES_SECONDS)
    return choices


# --- The operator overview -------------------------------------------------------------------------

OVERVIEW_DAYS = 30


@dataclass
class OrganisationHealth:
    """How one organisation's questions are doing, for the operator overview.

    - `open_questions`: questions that are new, being answered or waiting for the requester.
    - `waiting`: new questions that no helper has taken yet (volunteers or professionals).
    - `escalations_open`: open questions that the professionals work (the escalated ones).
    - `past_limit_now`: new questions nobody took that have waited longer than the
      organisation's limit (the urgent limit for urgent ones) and were never escalated: the
      automatic escalation takes them within minutes, so a number that stays up means trouble.
    - `limit_exceeded_30_days`: questions the automatic escalation passed to the professionals in
      the last 30 days because nobody took them within the limit (reason "waited too long",
      counted from the question's history, so a later hand-back does not hide it).
    - `on_duty`: active volunteers on duty right now.
    - satisfaction of the answers given in the last 30 days, on the five-point scales, when the
      satisfaction app is installed (`satisfaction_measured`).
    """

    organisation: CareOrganisation
    open_questions: int = 0
    waiting: int = 0
    escalations_open: int = 0
    past_limit_now: int = 0
    limit_exceeded_30_days: int = 0
    on_duty: int = 0
    satisfaction_measured: bool = False
    answers: int = 0
    help_score: float | None = None
    technology_score: float | None = None

    @property
    def limits_exceeded(self) -> int:
        return self.past_limit_now + self.limit_exceeded_30_days


def satisfaction_installed() -> bool:
    return apps.is_installed("satisfaction")


def _health_of(organisation: CareOrganisation, now: datetime) -> OrganisationHealth:
    """Reads one organisation's figures: run inside its schema. Three queries, four with satisfaction."""
    from tickets.models import OPEN_STATUSES, EscalationReason, Priority, Status, Ticket, TicketEvent, Tier
    from tickets.selectors import volunteers_on_duty

    since = now - timedelta(days=OVERVIEW_DAYS)
    normal_cutoff = now - timedelta(minutes=organisation.escalate_after_minutes)
    urgent_cutoff = now - timedelta(minutes=organisation.escalate_urgent_after_minutes)
    waiting = Q(status=Status.NEW, assignee__isnull=True)
    past_limit = (
        waiting
        & Q(escalated_at__isnull=True)
        & (Q(priority=Priority.URGENT, created_at__lte=urgent_cutoff) | Q(created_at__lte=normal_cutoff))
    )
    figures = Ticket.objects.filter(status__in=OPEN_STATUSES).aggregate(
        open_questions=Count("pk"),
        waiting=Count("pk", filter=waiting),
        escalations_open=Count("pk", filter=Q(tier=Tier.PROFESSIONAL, escalated_at__isnull=False)),
        past_limit_now=Count("pk", filter=past_limit),
    )
    health = OrganisationHealth(organisation=organisation, **figures)
    health.limit_exceeded_30_days = TicketEvent.objects.filter(
        kind=TicketEvent.Kind.ESCALATED,
        to_value=EscalationReason.WAITED_TOO_LONG,
        actor__isnull=True,
        at__gte=since,
    ).aggregate(n=Count("ticket_id", distinct=True))["n"]
    health.on_duty = volunteers_on_duty(now).count()
    if satisfaction_installed():
        survey_answer = apps.get_model("satisfaction", "SurveyAnswer")
        scores = survey_answer.objects.filter(answered_at__gte=since).aggregate(
            answers=Count("pk"), help_score=Avg("help_score"), technology_score=Avg("technology_score")
        )
        health.satisfaction_measured = True
        health.answers = scores["answers"]
        health.help_score = scores["help_score"]
        health.technology_score = scores["technology_score"]
    return health


def organisations_overview(*, now: datetime | None = None) -> list[OrganisationHealth]:
    """The health of every active organisation, read from each organisation's own schema.

    Costs one query for the list of organisations, then per organisation a fixed number: the
    switch of the search path, one aggregate over its open questions, one count of automatic
    escalations in its history, one count of volunteers on duty, and (with the satisfaction app)
    one aggregate of its answers. So 200 organisations cost about a thousand small indexed
    queries; the page is for the operator's staff, not for the public.
    """
    from tenants.selectors import in_each_active_organisation

    now = now or timezone.now()
    return [_health_of(organisation, now) for organisation in in_each_active_organisation("name", "pk")]
