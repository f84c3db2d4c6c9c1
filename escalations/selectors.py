"""Reads for the professionals' queue: only the cross-tenant escalation index, one query a page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import Exists, F, OuterRef
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

from escalations.models import AdviceRequest, AlertPreference, EscalationEntry
from helpdesk.accounts.models import Role, User
from tenants.models import CareOrganisation, Product
from tickets.models import EscalationReason

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
        if len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts):
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


# --- Alerts for operator staff --------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """What waits for a professional now: escalated questions nobody took, and open requests for advice."""

    questions: int
    advice: int

    @property
    def total(self) -> int:
        return self.questions + self.advice


def waiting_for_professionals() -> Waiting:
    """Two counts from the public indexes, for the portal's start page and the daily digest."""
    return Waiting(
        questions=EscalationEntry.objects.filter(taken_by_id__isnull=True).count(),
        advice=AdviceRequest.objects.filter(status=AdviceRequest.Status.OPEN).count(),
    )


def professionals_to_alert(*, urgent: bool) -> QuerySet[User]:
    """The operator's professionals who get an e-mail now: everybody for urgent work, else those
    who did not choose the daily digest. Call in the public schema."""
    people = User.objects.filter(role=Role.PROFESSIONAL, is_active=True).exclude(email__isnull=True).exclude(email="")
    if urgent:
        return people.order_by("pk")
    digest = AlertPreference.objects.filter(user_id=OuterRef("pk"), rest=AlertPreference.Rest.DIGEST)
    return people.exclude(Exists(digest)).order_by("pk")


def professionals_for_digest() -> QuerySet[User]:
    digest = AlertPreference.objects.filter(rest=AlertPreference.Rest.DIGEST).values("user_id")
    return User.objects.filter(role=Role.PROFESSIONAL, is_active=True, pk__in=digest).exclude(email="").order_by("pk")


def waiting_entries() -> QuerySet[EscalationEntry]:
    return (
        EscalationEntry.objects.filter(taken_by_id__isnull=True)
        .select_related("organisation", "product")
        .order_by(*QUEUE_ORDER)
    )


def open_advice_requests() -> QuerySet[AdviceRequest]:
    return (
        AdviceRequest.objects.filter(status=AdviceRequest.Status.OPEN)
        .select_related("organisation", "product")
        .order_by("asked_at", "id")
    )
