"""Reads about levels, answers waiting for approval and advice from professionals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from helpdesk.accounts.models import Role, User
from support.models import AdviceMessage, AdviceThread, Level, PendingReply, VolunteerLevel
from tickets.models import NotificationPreference, Ticket

if TYPE_CHECKING:
    from tenants.models import Product


@dataclass(frozen=True)
class Levels:
    """A volunteer's level rows: the one for every product, and those for single products."""

    all_products: str
    by_product: dict[int, str]

    def for_product(self, product_id: int | None) -> str:
        if product_id is not None and product_id in self.by_product:
            return self.by_product[product_id]
        return self.all_products

    def trainee_products(self) -> tuple[bool, set[int]]:
        """(trainee unless listed, listed product ids): how to filter questions by product."""
        if self.all_products == Level.TRAINEE:
            return True, {pk for pk, level in self.by_product.items() if level == Level.EXPERIENCED}
        return False, {pk for pk, level in self.by_product.items() if level == Level.TRAINEE}


def levels_of(user: User) -> Levels:
    """The level rows of a volunteer; everybody else is experienced everywhere."""
    if user.role != Role.VOLUNTEER:
        return Levels(all_products=Level.EXPERIENCED, by_product={})
    rows = list(VolunteerLevel.objects.filter(volunteer_id=user.pk).values_list("product_id", "level"))
    all_products = next((level for product_id, level in rows if product_id is None), Level.EXPERIENCED)
    return Levels(all_products=all_products, by_product={pk: level for pk, level in rows if pk is not None})


def level_for(user: User, product_id: int | None) -> str:
    """A person's level for one product. Only volunteers can be trainees."""
    if user.role != Role.VOLUNTEER:
        return Level.EXPERIENCED
    rows = dict(
        VolunteerLevel.objects.filter(
            Q(product_id=product_id) | Q(product__isnull=True), volunteer_id=user.pk
        ).values_list("product_id", "level")
    )
    return rows.get(product_id) or rows.get(None) or Level.EXPERIENCED


def is_trainee_for(user: User, product_id: int | None) -> bool:
    return level_for(user, product_id) == Level.TRAINEE


def trainee_for_product(product_id: int | None) -> Q:
    """The same rule as `level_for`, as a filter on people: the row for the product wins, else the
    row for every product."""
    rows = VolunteerLevel.objects.filter(volunteer=OuterRef("pk"))
    return Q(role=Role.VOLUNTEER) & (
        Exists(rows.filter(product_id=product_id, level=Level.TRAINEE))
        | (~Exists(rows.filter(product_id=product_id)) & Exists(rows.filter(product__isnull=True, level=Level.TRAINEE)))
    )


def level_rows(volunteer: User, products: QuerySet[Product]) -> list[tuple[str, str, bool]]:
    """For the person's page: (product name, level label, whether set for this product), first for
    all products together, then per product."""
    levels = levels_of(volunteer)
    return [
        (str(_("All products")), str(Level(levels.all_products).label), False),
        *(
            (product.name, str(Level(levels.for_product(product.pk)).label), product.pk in levels.by_product)
            for product in products
        ),
    ]


def _with_ticket(replies: QuerySet[PendingReply]) -> QuerySet[PendingReply]:
    return replies.select_related("ticket", "ticket__product", "author")


def replies_to_review(user: User) -> QuerySet[PendingReply]:
    """Answers waiting for approval that `user` may approve: oldest first.

    Professionals review every one; an experienced volunteer those about products they are
    experienced in, never their own.
    """
    replies = _with_ticket(PendingReply.objects.filter(status=PendingReply.Status.PENDING)).exclude(author_id=user.pk)
    if user.role == Role.PROFESSIONAL:
        return replies
    if user.role != Role.VOLUNTEER:
        return replies.none()
    trainee_unless_listed, listed = levels_of(user).trainee_products()
    if trainee_unless_listed:
        return replies.filter(ticket__product_id__in=listed)
    return replies.exclude(ticket__product_id__in=listed)


def replies_of_author(user: User) -> QuerySet[PendingReply]:
    """A trainee's own answers that wait or were returned, newest first."""
    return _with_ticket(
        PendingReply.objects.filter(author_id=user.pk, rewritten_at__isnull=True).filter(
            status__in=(PendingReply.Status.PENDING, PendingReply.Status.RETURNED)
        )
    ).order_by("-created_at", "-pk")


def pending_replies_on(ticket: Ticket) -> QuerySet[PendingReply]:
    """Every held answer of a question, in order; who may see which is up to the caller."""
    return PendingReply.objects.filter(ticket=ticket).select_related("author").order_by("created_at", "pk")


# Where a question object keeps its held answers once read for its page (`held_replies_on`).
HELD_REPLIES = "_support_held_replies"


def held_replies_on(ticket: Ticket) -> list[PendingReply]:
    """`pending_replies_on`, read once per question object: the question page's panel and its
    "not solved yet" reason share one query. The services lock and read the question afresh,
    so they never see what a page read before."""
    held = ticket.__dict__.get(HELD_REPLIES)
    if held is None:
        held = list(pending_replies_on(ticket))
        ticket.__dict__[HELD_REPLIES] = held
    return held


def has_waiting_reply(ticket: Ticket) -> bool:
    """Whether an answer of the question still waits for approval."""
    held = ticket.__dict__.get(HELD_REPLIES)
    if held is not None:
        return any(pending.is_pending for pending in held)
    return PendingReply.objects.filter(ticket_id=ticket.pk, status=PendingReply.Status.PENDING).exists()


def advice_threads_on(ticket: Ticket, user: User) -> QuerySet[AdviceThread]:
    """The exchanges about this question that `user` may read: their own, or all for a professional."""
    threads = AdviceThread.objects.filter(ticket=ticket).select_related("volunteer")
    if user.role != Role.PROFESSIONAL:
        threads = threads.filter(volunteer_id=user.pk)
    return threads.prefetch_related(
        Prefetch("messages", queryset=AdviceMessage.objects.order_by("created_at", "pk"))
    ).order_by("created_at", "pk")


def active_thread_of(ticket: Ticket, volunteer: User) -> AdviceThread | None:
    return (
        AdviceThread.objects.filter(ticket=ticket, volunteer_id=volunteer.pk)
        .exclude(status=AdviceThread.Status.CLOSED)
        .first()
    )


def reviewers_to_notify(pending: PendingReply) -> list[User]:
    """Experienced volunteers for the question's product with an e-mail address, except the author
    and those who chose no e-mail about new questions. Professionals find answers to approve in
    the organisation's list and on the question page; their shadow accounts have no address."""
    no_mail = NotificationPreference.objects.filter(
        user=OuterRef("pk"), new_questions=NotificationPreference.NewQuestions.NEVER
    )
    volunteers = (
        User.objects.filter(role=Role.VOLUNTEER, is_active=True, email__isnull=False)
        .exclude(email="")
        .exclude(pk=pending.author_id)
        .exclude(Exists(no_mail))
    )
    return list(volunteers.exclude(trainee_for_product(pending.ticket.product_id)))


def support_totals(*, start: datetime, end: datetime) -> dict:
    """Trainees' answers approved, and requests for advice volunteers made, in [start, end)."""
    approved = PendingReply.objects.filter(
        status=PendingReply.Status.APPROVED, decided_at__gte=start, decided_at__lt=end
    ).count()
    advice = AdviceThread.objects.filter(created_at__gte=start, created_at__lt=end).count()
    return {"trainee_answers_approved": approved, "advice_requests": advice}
