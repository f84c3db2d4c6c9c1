"""Reads about satisfaction: one question's answer, and counts for reports."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from satisfaction.models import ANSWERABLE_STATUSES, Score, SurveyAnswer

if TYPE_CHECKING:
    from tickets.models import Ticket


def survey_answer_of(ticket: Ticket) -> SurveyAnswer | None:
    return SurveyAnswer.objects.filter(ticket_id=ticket.pk).first()


def survey_is_open(ticket: Ticket) -> bool:
    """Whether the question is solved or closed, so its requester can be asked about it."""
    return ticket.status in ANSWERABLE_STATUSES


def survey_can_change(answer: SurveyAnswer, *, now: datetime | None = None) -> bool:
    return (now or timezone.now()) <= answer.change_deadline


def scores_since(since: datetime) -> dict[str, float | int | None]:
    """How many answered since `since`, and the average of each scale (None without answers)."""
    return SurveyAnswer.objects.filter(answered_at__gte=since).aggregate(
        answers=Count("pk"), help_score=Avg("help_score"), technology_score=Avg("technology_score")
    )


def survey_totals(*, since: datetime, until: datetime) -> QuerySet:
    """Answers given in [since, until) per month, product and tier.

    Each row: month, product (id), tier, answers, help_average, technology_average, and how many
    were unhappy (1 or 2) about the help and about the technology.
    """
    unhappy = (Score.VERY_UNHAPPY, Score.UNHAPPY)
    return (
        SurveyAnswer.objects.filter(answered_at__gte=since, answered_at__lt=until)
        .annotate(month=TruncMonth("answered_at"))
        .values("month", "product", "tier")
        .annotate(
            answers=Count("pk"),
            help_average=Avg("help_score"),
            technology_average=Avg("technology_score"),
            help_unhappy=Count("pk", filter=Q(help_score__in=unhappy)),
            technology_unhappy=Count("pk", filter=Q(technology_score__in=unhappy)),
        )
        .order_by("month", "product", "tier")
    )


def _answers_between(start: datetime, end: datetime, product_ids: list[int] | None) -> QuerySet[SurveyAnswer]:
    rows = SurveyAnswer.objects.filter(answered_at__gte=start, answered_at__lt=end)
    return rows.filter(product_id__in=product_ids) if product_ids else rows


def survey_scores(*, start: datetime, end: datetime, product_ids: list[int] | None = None) -> dict:
    """Answers given in [start, end): how many, and the average of each scale (an answer changed within
    its change window counts once, with its last scores)."""
    return _answers_between(start, end, product_ids).aggregate(
        answers=Count("pk"), help=Avg("help_score"), technology=Avg("technology_score")
    )


def survey_distribution(*, start: datetime, end: datetime, product_ids: list[int] | None = None) -> QuerySet:
    """Answers given in [start, end) per product and pair of scores: {product, help_score,
    technology_score, answers}, for the averages and the distribution of both scales per product."""
    return (
        _answers_between(start, end, product_ids)
        .values("product", "help_score", "technology_score")
        .annotate(answers=Count("pk"))
        .order_by("product", "help_score", "technology_score")
    )


def survey_comments(
    *, start: datetime, end: datetime, product_ids: list[int] | None = None, limit: int = 12
) -> QuerySet:
    """Comments given in [start, end), newest first, with product and scores and nothing about who wrote them."""
    return (
        _answers_between(start, end, product_ids)
        .exclude(comment="")
        .order_by("-answered_at", "-pk")
        .values("product", "help_score", "technology_score", "comment")[:limit]
    )
