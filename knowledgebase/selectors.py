"""Reading instructions: what an organisation's readers see, and what its writers work on.

A reader sees only published revisions: the organisation's own, and the shared ones of the
products it supports, minus those it hides or replaced by its own adaptation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import Resolver404, resolve, reverse

from helpdesk.tenancy import current_organisation
from knowledgebase import search as search_module
from knowledgebase.content import OPEN_STATUSES
from knowledgebase.models import HiddenShared, Instruction, Source
from knowledgebase.shared.models import LessonStep, SharedInstruction
from knowledgebase.stores import OWN, SHARED, Store
from tenants.models import Product
from tickets.models import Ticket
from tickets.selectors import messages_for


@dataclass(frozen=True)
class StepView:
    number: int
    text: str
    picture_url: str | None
    alt: str


@dataclass(frozen=True)
class Reading:
    source: str
    pk: int
    product: Product
    title: str
    needs: str
    steps: list[StepView]
    revision: int
    changed_at: datetime

    @property
    def key(self) -> str:
        return f"{self.source}:{self.pk}"

    @property
    def url(self) -> str:
        return instruction_url(self.source, self.pk)


@dataclass(frozen=True)
class ListItem:
    source: str
    pk: int
    title: str
    product_id: int

    @property
    def url(self) -> str:
        return instruction_url(self.source, self.pk)


def instruction_url(source: str, pk: int) -> str:
    name = "knowledgebase:shared" if source == Source.SHARED else "knowledgebase:own"
    return reverse(name, kwargs={"pk": pk})


def picture_url_here(source: str, pk: int) -> str:
    name = "knowledgebase:shared_picture" if source == Source.SHARED else "knowledgebase:picture"
    return reverse(name, kwargs={"pk": pk})


def product_ids() -> list[int]:
    organisation = current_organisation()
    return list(organisation.active_products().values_list("pk", flat=True)) if organisation else []


def _readable_shared(products: list[int]) -> QuerySet[SharedInstruction]:
    adapted = Instruction.objects.filter(adapts_id=OuterRef("pk"), published_at__isnull=False)
    hidden = HiddenShared.objects.filter(shared_id=OuterRef("pk"))
    return SharedInstruction.objects.filter(published_at__isnull=False, product_id__in=products).exclude(
        Exists(adapted) | Exists(hidden)
    )


def list_for_product(product: Product) -> list[ListItem]:
    """Every instruction readers see for one product, by title: two queries."""
    if product.pk not in product_ids():
        raise Http404
    own = Instruction.objects.filter(published_at__isnull=False, product=product).values_list("pk", "title")
    shared = _readable_shared([product.pk]).filter(product=product).values_list("pk", "title")
    items = [ListItem(Source.OWN, pk, title, product.pk) for pk, title in own]
    items += [ListItem(Source.SHARED, pk, title, product.pk) for pk, title in shared]
    return sorted(items, key=lambda item: item.title.lower())


def search(
    question: str, *, product_id: int | None = None, limit: int = search_module.MAX_RESULTS
) -> list[search_module.Match]:
    products = product_ids()
    if product_id is not None:
        products = [product_id] if product_id in products else []
    return search_module.search(question, product_ids=products, limit=limit)


def _reading(
    store: Store, instruction: Any, revision: Any, picture_url: Callable[[str, int], str] = picture_url_here
) -> Reading:
    steps = [
        StepView(
            number=step.position,
            text=step.text,
            picture_url=picture_url(store.source, step.picture_id) if step.picture_id else None,
            alt=step.alt,
        )
        for step in revision.steps.all()
    ]
    return Reading(
        source=store.source,
        pk=instruction.pk,
        product=instruction.product,
        title=revision.title,
        needs=revision.needs,
        steps=steps,
        revision=revision.number,
        changed_at=revision.reviewed_at or revision.created_at,
    )


def reading_own(pk: int) -> Reading:
    """An own instruction as readers see it, or 404; three queries."""
    instruction = (
        Instruction.objects.select_related("product", "published_revision")
        .filter(pk=pk, published_at__isnull=False, product_id__in=product_ids())
        .first()
    )
    if instruction is None or instruction.published_revision is None:
        raise Http404
    return _reading(OWN, instruction, instruction.published_revision)


def adaptation_of(shared_pk: int) -> int | None:
    return (
        Instruction.objects.filter(adapts_id=shared_pk, published_at__isnull=False).values_list("pk", flat=True).first()
    )


def reading_shared(pk: int) -> Reading:
    """A shared instruction as this organisation's readers see it, or 404; three queries."""
    instruction = _readable_shared(product_ids()).select_related("product", "published_revision").filter(pk=pk).first()
    if instruction is None or instruction.published_revision is None:
        raise Http404
    return _reading(SHARED, instruction, instruction.published_revision)


def reading_draft(store: Store, instruction: Any, revision: Any, picture_url: Callable[[str, int], str]) -> Reading:
    """A revision as it would read, for its writers and reviewers (never for readers)."""
    return _reading(store, instruction, revision, picture_url)


# --- For writers ---------------------------------------------------------------------------------------


def own_instructions_for_writers() -> QuerySet[Instruction]:
    return Instruction.objects.select_related("product").order_by("title")


def own_waiting_for_review() -> list[Instruction]:
    waiting = Instruction.objects.filter(revisions__status="review").select_related("product").distinct()
    return list(waiting.order_by("title"))


def shared_for_organisation() -> list[tuple[SharedInstruction, bool, int | None]]:
    """Shared instructions of this organisation's products: (instruction, hidden, adaptation pk)."""
    hidden = set(HiddenShared.objects.values_list("shared_id", flat=True))
    adapted = dict(Instruction.objects.filter(adapts__isnull=False).values_list("adapts_id", "pk"))
    shared = SharedInstruction.objects.filter(published_at__isnull=False, product_id__in=product_ids())
    return [(item, item.pk in hidden, adapted.get(item.pk)) for item in shared.select_related("product")]


def open_revision_of(store: Store, instruction: Any) -> Any:
    return store.revision.objects.filter(instruction=instruction, status__in=OPEN_STATUSES).first()


def history_of(store: Store, instruction: Any) -> QuerySet:
    return store.revision.objects.filter(instruction=instruction).order_by("-number")


def readable(source: str, pk: int) -> Reading | None:
    """The instruction as readers here see it (a shared one as this organisation's adaptation), or None."""
    try:
        if source == Source.SHARED:
            adaptation = adaptation_of(pk)
            return reading_own(adaptation) if adaptation is not None else reading_shared(pk)
        return reading_own(pk)
    except Http404:
        return None


def readable_choices() -> list[ListItem]:
    """Every instruction readers here see, for a lesson to link: own and shared, by title."""
    own = Instruction.objects.filter(published_at__isnull=False, product_id__in=product_ids())
    items = [
        ListItem(Source.OWN, pk, title, product) for pk, title, product in own.values_list("pk", "title", "product_id")
    ]
    shared = _readable_shared(product_ids()).values_list("pk", "title", "product_id")
    items += [ListItem(Source.SHARED, pk, title, product) for pk, title, product in shared]
    return sorted(items, key=lambda item: item.title.lower())


def reading_by_path(path: str) -> Reading | None:
    """The readable instruction at one of our own addresses, or None (for "insert a link")."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name not in ("knowledgebase:own", "knowledgebase:shared"):
        return None
    return readable(Source.OWN if match.view_name == "knowledgebase:own" else Source.SHARED, match.kwargs["pk"])


def picture_in_course(picture_pk: int) -> bool:
    return LessonStep.objects.filter(
        Q(picture_id=picture_pk) | Q(reuses__picture_id=picture_pk), lesson__course__is_published=True
    ).exists()


def last_public_answer(ticket: Ticket) -> str:
    """The helpers' last public answer on a question: the first step of a draft made from it."""
    answer = messages_for(ticket, include_internal=False).filter(from_requester=False).last()
    return answer.body if answer else ""
