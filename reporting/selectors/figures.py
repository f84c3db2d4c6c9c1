"""Every figure of a month, counted by the database through the other apps' selectors.

`month_figures` returns plain JSON-ready data: the report stores it as its frozen snapshot, and
the PDF, the dashboard and the CSV all render from it. Rows here are already aggregated by SQL
(GROUP BY, FILTER, a window function for repeat questions); Python only arranges them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from reporting import months
from reporting.models import ImprovementAction, ProductUsers, Stage
from satisfaction.selectors import survey_comments, survey_distribution, survey_scores
from support.selectors import support_totals
from tenants.selectors import products_by_id
from tickets.selectors import (
    causes_per_month,
    escalations_counted,
    helpers_totals,
    question_totals,
    questions_counted_by,
    questions_per_month,
    questions_version,
    repeat_questions,
    solved_subjects,
)

FIGURES_VERSION = 1
REPEAT_WITHIN = timedelta(days=30)
TREND_MONTHS = 6
ADOPTION_MONTHS = 12
WISH = "wish"
AUTOMATIC_REASONS = ("nobody_on_duty", "waited_too_long")
HISTORY_CACHE_SECONDS = 60 * 60


def _minutes(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 60, 1)


def _share(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def users_per_product(month: dt.date, product_ids: list[int]) -> dict[str, dict[int, int]]:
    """For each of the 12 months up to `month`: the users each product had (the latest count recorded
    on or before that month). Keys are `YYYY-MM`."""
    rows = ProductUsers.objects.filter(month__lte=month, product_id__in=product_ids).order_by("product_id", "month")
    by_product: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for product_id, from_month, users in rows.values_list("product_id", "month", "users"):
        by_product[product_id].append((from_month, users))
    result: dict[str, dict[int, int]] = {}
    for offset in range(ADOPTION_MONTHS - 1, -1, -1):
        current = months.add_months(month, -offset)
        values = {}
        for product_id, changes in by_product.items():
            known = [users for from_month, users in changes if from_month <= current]
            if known:
                values[product_id] = known[-1]
        result[f"{current:%Y-%m}"] = values
    return result


def _month_keys(month: dt.date, count: int) -> list[str]:
    return [f"{months.add_months(month, -offset):%Y-%m}" for offset in range(count - 1, -1, -1)]


def _by_month(
    selector: Any,
    *,
    start: dt.datetime,
    split: dt.datetime,
    end: dt.datetime,
    tz: Any,
    product_ids: list[int] | None,
    cached: bool,
    version: tuple[int, int] = (0, 0),
) -> list[dict[str, Any]]:
    """Rows per month from `selector` over [start, end). With `cached`, the closed months before
    `split` come from the cache for an hour (they hardly change), so the live dashboard reads only
    the month it shows: its cost does not grow with the organisation's history. `version` is in the
    key, so any new or changed question makes a new entry at once."""
    if not cached:
        return list(selector(start=start, end=end, tz=tz, product_ids=product_ids))
    parts = [connection.schema_name, selector.__name__, start.isoformat(), split.isoformat(), str(product_ids)]
    key = ":".join(["reporting", *parts, *map(str, version)])
    earlier = cache.get(key)
    if earlier is None:
        earlier = list(selector(start=start, end=split, tz=tz, product_ids=product_ids))
        cache.set(key, earlier, HISTORY_CACHE_SECONDS)
    return earlier + list(selector(start=split, end=end, tz=tz, product_ids=product_ids))


def month_figures(
    *,
    organisation: Any,
    month: dt.date,
    product_ids: list[int] | None = None,
    now: dt.datetime | None = None,
    cached: bool = False,
) -> dict[str, Any]:
    """The figures of `month` for `organisation` (whose schema the connection uses). A report is
    always counted afresh; the dashboard passes `cached` (see `_by_month`)."""
    tz = months.time_zone_of(organisation)
    month = months.first_of(month)
    start, end = months.bounds(month, tz)
    year_ago_start, _ = months.bounds(months.add_months(month, -(ADOPTION_MONTHS - 1) - 1), tz)
    trend_start, _ = months.bounds(months.add_months(month, -(TREND_MONTHS - 1)), tz)
    organisation_products = list(organisation.products.values_list("pk", flat=True))
    scope = product_ids or None

    totals = question_totals(start=start, end=end, product_ids=scope)

    # Questions and people per month and product for 13 months: this month, last month, a year ago.
    history: dict[str, dict[int, dict[str, int]]] = defaultdict(dict)
    version = questions_version() if cached else (0, 0)
    per_month = _by_month(
        questions_per_month,
        start=year_ago_start,
        split=start,
        end=end,
        tz=tz,
        product_ids=scope,
        cached=cached,
        version=version,
    )
    for row in per_month:
        history[months.month_key(row["month"], tz)][row["product"]] = {
            "questions": row["questions"],
            "people": row["people"],
        }

    def asked_in(key: str) -> int:
        return sum(row["questions"] for row in history.get(key, {}).values())

    per_product = list(questions_counted_by("product", start=start, end=end, product_ids=scope))
    causes = _by_month(
        causes_per_month,
        start=trend_start,
        split=start,
        end=end,
        tz=tz,
        product_ids=scope,
        cached=cached,
        version=version,
    )
    escalations = list(escalations_counted(start=start, end=end, product_ids=scope))
    distribution = list(survey_distribution(start=start, end=end, product_ids=scope))
    product_ids_seen = (
        set(organisation_products)
        | {row["product"] for row in per_product}
        | {row["product"] for row in causes}
        | {row["product"] for row in distribution}
        | {pid for values in history.values() for pid in values}
    )
    if scope:
        product_ids_seen &= set(scope)
    products = products_by_id(product_ids_seen)
    product_list = sorted(products.values(), key=lambda p: p.name)

    def name(product_id: int) -> str:
        product = products.get(product_id)
        return product.name if product is not None else "?"

    # --- Use of the technology, per product ---
    users = users_per_product(month, [p.pk for p in product_list])
    this_key = f"{month:%Y-%m}"
    users_now = users.get(this_key, {})
    counted = {row["product"]: row for row in per_product}
    use_rows = []
    for product in product_list:
        row = counted.get(product.pk, {"questions": 0, "people": 0})
        product_users = users_now.get(product.pk)
        use_rows.append(
            {
                "product": product.pk,
                "name": product.name,
                "questions": row["questions"],
                "people": row["people"],
                "users": product_users,
                "per_100_users": round(100 * row["questions"] / product_users, 1) if product_users else None,
            }
        )
    keys_12 = _month_keys(month, ADOPTION_MONTHS)
    users_known = any(users.get(key) for key in keys_12)
    adoption = {
        "months": keys_12,
        "measure": "users" if users_known else "people",
        "series": [
            {
                "name": product.name,
                "values": [
                    users.get(key, {}).get(product.pk)
                    if users_known
                    else history.get(key, {}).get(product.pk, {}).get("people", 0)
                    for key in keys_12
                ],
            }
            for product in product_list
        ],
    }
    volume = {"months": keys_12, "values": [asked_in(key) for key in keys_12]}

    # --- Bottlenecks: causes per product, their trend, repeat questions, escalations ---
    keys_trend = _month_keys(month, TREND_MONTHS)
    trend: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for row in causes:
        trend[(row["product"], row["bottleneck_cause"])][months.month_key(row["month"], tz)] = row["questions"]
    cause_rows = [
        {
            "product": product_id,
            "name": name(product_id),
            "cause": cause,
            "questions": values.get(this_key, 0),
            "trend": [values.get(key, 0) for key in keys_trend],
        }
        for (product_id, cause), values in trend.items()
    ]
    cause_rows.sort(key=lambda row: (-row["questions"], row["name"], row["cause"]))
    bottlenecks = [row for row in cause_rows if row["cause"] != WISH and row["questions"] > 0][:3]
    growing = [
        row for row in cause_rows if row["cause"] != WISH and row["trend"][-3] < row["trend"][-2] < row["trend"][-1]
    ]
    examples = []
    for row in bottlenecks:
        for subject in solved_subjects(start=start, end=end, cause=row["cause"], product_ids=[row["product"]], limit=3):
            examples.append({"name": row["name"], "cause": row["cause"], "subject": subject["subject"]})

    by_reason: dict[str, int] = defaultdict(int)
    automatic: dict[str, int] = defaultdict(int)
    for row in escalations:
        by_reason[row["reason"] or "other"] += row["questions"]
        if row["automatic"] and row["reason"] in AUTOMATIC_REASONS:
            automatic[row["reason"]] += row["questions"]

    # --- What users say ---
    satisfaction_rows: dict[int, dict[str, Any]] = {}
    for row in distribution:
        entry = satisfaction_rows.setdefault(
            row["product"],
            {
                "product": row["product"],
                "name": name(row["product"]),
                "answers": 0,
                "help": [0] * 5,
                "technology": [0] * 5,
            },
        )
        entry["answers"] += row["answers"]
        entry["help"][row["help_score"] - 1] += row["answers"]
        entry["technology"][row["technology_score"] - 1] += row["answers"]
    for entry in satisfaction_rows.values():
        for scale in ("help", "technology"):
            entry[f"{scale}_average"] = round(
                sum((score + 1) * count for score, count in enumerate(entry[scale])) / entry["answers"], 2
            )
    scores = survey_scores(start=start, end=end, product_ids=scope)
    comments = [
        {
            "name": name(row["product"]),
            "comment": row["comment"],
            "help": row["help_score"],
            "technology": row["technology_score"],
        }
        for row in survey_comments(start=start, end=end, product_ids=scope)
    ]
    wishes = [
        {"name": name(row["product"]), "subject": row["subject"]}
        for row in solved_subjects(start=start, end=end, cause=WISH, product_ids=scope, limit=12)
    ]

    helpers = helpers_totals(start=start, end=end)
    support = support_totals(start=start, end=end)
    actions = actions_for_report(month=month, product_ids=scope, products=products)
    solved = totals["solved"]
    return {
        "version": FIGURES_VERSION,
        "month": this_key,
        "organisation": organisation.name,
        "time_zone": str(tz),
        "products": [{"id": p.pk, "name": p.name, "slug": p.slug, "supplier": p.supplier} for p in product_list],
        "filtered_products": list(scope or []),
        "computed_at": (now or timezone.now()).isoformat(),
        "summary": {
            "asked": totals["asked"],
            "asked_last_month": asked_in(keys_12[-2]),
            "asked_last_year": asked_in(f"{months.add_months(month, -12):%Y-%m}"),
            "expected": organisation.expected_questions_per_month or None,
            "people": totals["people"],
            "worries": totals["worries"],
            "solved": solved,
            "solved_volunteers": totals["solved_volunteers"],
            "solved_professionals": totals["solved_professionals"],
            "share_volunteers": _share(totals["solved_volunteers"], solved),
            "share_professionals": _share(totals["solved_professionals"], solved),
            "first_answer_minutes": _minutes(totals["first_answer"]),
            "solved_minutes": _minutes(totals["to_solved"]),
            "answers": scores["answers"],
            "help_score": _round(scores["help"]),
            "technology_score": _round(scores["technology"]),
            "actions_open": sum(1 for action in actions if action["stage"] != Stage.DONE),
            "actions_done": sum(1 for action in actions if action["stage"] == Stage.DONE),
        },
        "use": {"products": use_rows, "users_known": bool(users_now), "adoption": adoption, "volume": volume},
        "bottlenecks": {
            "top": bottlenecks,
            "causes": cause_rows,
            "trend_months": keys_trend,
            "growing": growing,
            "repeat": repeat_questions(start=start, end=end, within=REPEAT_WITHIN, product_ids=scope),
            "escalated": [
                {"reason": reason, "questions": n} for reason, n in sorted(by_reason.items(), key=lambda i: -i[1])
            ],
            "escalated_total": sum(by_reason.values()),
            "nobody_on_duty": automatic["nobody_on_duty"],
            "waited_too_long": automatic["waited_too_long"],
            "examples": examples,
        },
        "helpers": {
            "duty_hours": round(helpers["duty"].total_seconds() / 3600, 1) if helpers["duty"] else 0,
            "volunteers_on_duty": helpers["volunteers_on_duty"],
            "questions_helped": helpers["questions_helped"],
            "volunteers_helping": helpers["volunteers_helping"],
            **support,
        },
        "channels": [
            {"channel": row["channel"], "questions": row["questions"]}
            for row in questions_counted_by("channel", start=start, end=end, product_ids=scope)
        ],
        "relations": [
            {"relation": row["on_behalf_relation"], "questions": row["questions"]}
            for row in questions_counted_by("on_behalf_relation", start=start, end=end, product_ids=scope)
        ],
        "satisfaction": {
            "products": sorted(satisfaction_rows.values(), key=lambda row: row["name"]),
            "comments": comments,
            "wishes": wishes,
        },
        "actions": actions,
    }


def actions_for_report(*, month: dt.date, product_ids: list[int] | None, products: dict) -> list[dict[str, Any]]:
    """The improvement actions that were under way in `month`: planned by its end and not done before it."""
    end = months.add_months(month, 1)
    rows = ImprovementAction.objects.select_related("owner", "product").filter(planned_on__lt=end)
    rows = rows.filter(Q(done_on__isnull=True) | Q(done_on__gte=month))
    if product_ids:
        rows = rows.filter(Q(product_id__in=product_ids) | Q(product__isnull=True))
    return [
        {
            "id": action.pk,
            "title": action.title,
            "reason": action.reason,
            "product": action.product.name if action.product else "",
            "cause": action.cause,
            "satisfaction": action.satisfaction,
            "owner": action.owner.full_name,
            "stage": action.stage if not (action.done_on and action.done_on >= end) else Stage.ACT,
            "planned_on": action.planned_on.isoformat(),
            "done_on": action.done_on.isoformat() if action.done_on and action.done_on < end else None,
            "measure": action.measure,
            "value_before": action.value_before,
            "value_after": action.value_after,
            "month_before": f"{action.month_before:%Y-%m}" if action.month_before else None,
            "month_after": f"{action.month_after:%Y-%m}" if action.month_after else None,
        }
        for action in rows.order_by("planned_on", "pk")
    ]


def measure_value(figures: dict[str, Any], *, measure: str, product_id: int | None, cause: str) -> float | None:
    """The value of an action's measure in a month's figures (the report's frozen ones when it exists)."""
    if measure == "questions":
        rows = figures["use"]["products"]
        return float(sum(row["questions"] for row in rows if product_id in (None, row["product"])))
    if measure == "cause":
        rows = figures["bottlenecks"]["causes"]
        return float(
            sum(row["questions"] for row in rows if row["cause"] == cause and product_id in (None, row["product"]))
        )
    if measure == "repeat":
        return float(figures["bottlenecks"]["repeat"])
    if measure == "escalated":
        return float(figures["bottlenecks"]["escalated_total"])
    if measure in ("help_score", "technology_score"):
        if product_id is None:
            return figures["summary"][measure]
        scale = measure.removesuffix("_score")
        for row in figures["satisfaction"]["products"]:
            if row["product"] == product_id:
                return row[f"{scale}_average"]
        return None
    return None
