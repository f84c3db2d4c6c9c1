"""From a month's frozen figures to what people read: labels in the reader's language, charts, and
the privacy rule (a count of fewer than 5 people is shown as "fewer than 5")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from reporting import charts
from reporting.models import Measure, Stage
from tickets.models import BottleneckCause, Channel, EscalationReason, OnBehalfRelation

FEWER_THAN = 5


def people(value: int | None) -> str:
    """A count of people, hidden below 5 so nobody can be recognised in it."""
    if value is None:
        return "–"
    if 0 < value < FEWER_THAN:
        return _("fewer than 5")
    return formats.number_format(value)


def number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return formats.number_format(value, decimal_pos=digits if digits and value != int(value) else None)


def duration(minutes: float | None) -> str:
    if minutes is None:
        return "–"
    if minutes < 60:
        return _("%(n)s min") % {"n": number(round(minutes))}
    if minutes < 60 * 48:
        return _("%(n)s hours") % {"n": number(round(minutes / 60, 1), 1)}
    return _("%(n)s days") % {"n": number(round(minutes / 60 / 24, 1), 1)}


def _label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "–"


def cause_label(value: str) -> str:
    return _label(BottleneckCause, value)


def reason_label(value: str) -> str:
    return _label(EscalationReason, value)


def month_label(key: str) -> str:
    year, month = key.split("-")
    return formats.date_format(dt.date(int(year), int(month), 1), "F Y")


def short_month(key: str) -> str:
    year, month = key.split("-")
    return formats.date_format(dt.date(int(year), int(month), 1), "M Y")


def _difference(now: int, then: int | None) -> str:
    if not then:
        return ""
    change = round(100 * (now - then) / then)
    return f"{change:+d}%"


def present(figures: dict[str, Any], *, with_charts: bool = True) -> dict[str, Any]:
    """Everything a page, the PDF or a CSV shows of `figures`, in the active language."""
    summary = figures["summary"]
    use = figures["use"]
    bottlenecks = figures["bottlenecks"]
    helpers = figures["helpers"]
    satisfaction = figures["satisfaction"]
    months_12 = use["volume"]["months"]

    summary_rows = [
        (_("Questions this month"), number(summary["asked"]), ""),
        (
            _("Last month"),
            number(summary["asked_last_month"]),
            _difference(summary["asked"], summary["asked_last_month"]),
        ),
        (
            _("Same month last year"),
            number(summary["asked_last_year"]),
            _difference(summary["asked"], summary["asked_last_year"]),
        ),
        (
            _("Expected in the contract"),
            number(summary["expected"]),
            _difference(summary["asked"], summary["expected"]),
        ),
        (_("People who asked"), people(summary["people"]), ""),
        (_("Questions solved"), number(summary["solved"]), ""),
        (_("Solved by volunteers"), number(summary["solved_volunteers"]), _percent(summary["share_volunteers"])),
        (
            _("Solved by professionals"),
            number(summary["solved_professionals"]),
            _percent(summary["share_professionals"]),
        ),
        (_("Median time to the first answer"), duration(summary["first_answer_minutes"]), ""),
        (_("Median time to solved"), duration(summary["solved_minutes"]), ""),
        (_("Satisfaction with the help (1 to 5)"), _score(summary["help_score"], summary["answers"]), ""),
        (_("Satisfaction with the technology (1 to 5)"), _score(summary["technology_score"], summary["answers"]), ""),
        (_("People who answered the survey"), people(summary["answers"]), ""),
        (_("Improvement actions open"), number(summary["actions_open"]), ""),
        (_("Improvement actions done"), number(summary["actions_done"]), ""),
    ]
    top = [
        {"name": row["name"], "cause": cause_label(row["cause"]), "questions": row["questions"]}
        for row in bottlenecks["top"]
    ]
    use_rows = [
        {
            "name": row["name"],
            "questions": number(row["questions"]),
            "users": number(row["users"]),
            "per_100_users": number(row["per_100_users"], 1),
            "people": people(row["people"]),
        }
        for row in use["products"]
    ]
    names = [series["name"] for series in use["adoption"]["series"]]
    adoption_rows = [
        {
            "month": short_month(key),
            "cells": [
                (name, _adoption_value(series["values"][i], use["adoption"]["measure"]))
                for name, series in zip(names, use["adoption"]["series"], strict=True)
            ],
        }
        for i, key in enumerate(use["adoption"]["months"])
    ]
    trend_labels = [short_month(key) for key in bottlenecks["trend_months"]]
    cause_rows = [
        {
            "name": row["name"],
            "cause": cause_label(row["cause"]),
            "questions": row["questions"],
            "trend": row["trend"],
            "trend_cells": list(zip(trend_labels, row["trend"], strict=True)),
            "growing": row in bottlenecks["growing"],
        }
        for row in bottlenecks["causes"]
        if any(row["trend"])
    ]
    escalated = [
        {"reason": reason_label(row["reason"]), "questions": row["questions"]} for row in bottlenecks["escalated"]
    ]
    channels = [
        {"label": _label(Channel, row["channel"]), "questions": row["questions"]} for row in figures["channels"]
    ]
    relations = [
        {
            "label": _label(OnBehalfRelation, row["relation"]) if row["relation"] else _("For themselves"),
            "questions": row["questions"],
        }
        for row in figures["relations"]
    ]
    score_labels = [_("Very unhappy"), _("Unhappy"), _("Neutral"), _("Happy"), _("Very happy")]
    satisfaction_rows = [
        {
            "name": row["name"],
            "answers": people(row["answers"]),
            "shown": row["answers"] >= FEWER_THAN,
            "help": number(row["help_average"], 1) if row["answers"] >= FEWER_THAN else "–",
            "technology": number(row["technology_average"], 1) if row["answers"] >= FEWER_THAN else "–",
            "help_cells": list(zip(score_labels, row["help"], strict=True)),
            "technology_cells": list(zip(score_labels, row["technology"], strict=True)),
        }
        for row in satisfaction["products"]
    ]
    actions = [
        {
            **action,
            "stage_label": _label(Stage, action["stage"]),
            "cause_label": cause_label(action["cause"]) if action["cause"] else "",
            "measure_label": _label(Measure, action["measure"]),
            "before": number(action["value_before"], 1),
            "after": number(action["value_after"], 1),
        }
        for action in figures["actions"]
    ]
    context = {
        "figures": figures,
        "month_label": month_label(figures["month"]),
        "summary_rows": summary_rows,
        "top": top,
        "use_rows": use_rows,
        "users_known": use["users_known"],
        "adoption_measure": use["adoption"]["measure"],
        "adoption_names": [series["name"] for series in use["adoption"]["series"]],
        "adoption_rows": adoption_rows,
        "volume_rows": [
            {"month": short_month(key), "questions": value}
            for key, value in zip(months_12, use["volume"]["values"], strict=True)
        ],
        "trend_months": [short_month(key) for key in bottlenecks["trend_months"]],
        "cause_rows": cause_rows,
        "growing": [row for row in cause_rows if row["growing"]],
        "repeat": bottlenecks["repeat"],
        "escalated": escalated,
        "escalated_total": bottlenecks["escalated_total"],
        "nobody_on_duty": bottlenecks["nobody_on_duty"],
        "waited_too_long": bottlenecks["waited_too_long"],
        "examples": [{**row, "cause": cause_label(row["cause"])} for row in bottlenecks["examples"]],
        "helpers": helpers,
        "volunteers_on_duty": people(helpers["volunteers_on_duty"]),
        "volunteers_helping": people(helpers["volunteers_helping"]),
        "channels": channels,
        "relations": relations,
        "satisfaction_rows": satisfaction_rows,
        "scores": score_labels,
        "comments": satisfaction["comments"] if summary["answers"] >= FEWER_THAN else [],
        "comments_hidden": 0 < summary["answers"] < FEWER_THAN,
        "wishes": satisfaction["wishes"],
        "actions": actions,
        "technology_score": _score(summary["technology_score"], summary["answers"]),
        "help_score": _score(summary["help_score"], summary["answers"]),
        "answers": people(summary["answers"]),
    }
    if with_charts:
        context["charts"] = _charts(context, figures)
    return context


def _percent(value: float | None) -> str:
    return "" if value is None else f"{number(round(value))}%"


def _score(value: float | None, answers: int) -> str:
    if value is None or answers < FEWER_THAN:
        return "–"
    return number(value, 1)


def _adoption_value(value: int | None, measure: str) -> str:
    return people(value) if measure == "people" else number(value)


def _charts(context: dict[str, Any], figures: dict[str, Any]) -> dict[str, str]:
    use = figures["use"]
    labels = [short_month(key) for key in use["volume"]["months"]]
    adoption = use["adoption"]
    # People who asked are a count of people: fewer than 5 is not drawn, as it is not printed.
    hidden = (
        (lambda v: None if v is not None and 0 < v < FEWER_THAN else v) if adoption["measure"] == "people" else None
    )
    series = [(s["name"], [hidden(v) for v in s["values"]] if hidden else s["values"]) for s in adoption["series"]]
    result = {
        "volume": charts.data_uri(charts.line_chart(labels, [(_("Questions"), use["volume"]["values"])])),
        "adoption": charts.data_uri(charts.line_chart(labels, series)),
    }
    if use["products"]:
        result["per_product"] = charts.data_uri(
            charts.bar_chart([row["name"] for row in use["products"]], [row["questions"] for row in use["products"]])
        )
    if context["cause_rows"]:
        rows = context["cause_rows"][:8]
        result["causes"] = charts.data_uri(
            charts.bar_chart(
                [f"{row['name']}: {row['cause']}" for row in rows],
                [row["questions"] for row in rows],
                colour=charts.PALETTE[1],
            )
        )
    if context["channels"]:
        result["channels"] = charts.data_uri(
            charts.bar_chart(
                [row["label"] for row in context["channels"]],
                [row["questions"] for row in context["channels"]],
                colour=charts.PALETTE[2],
            )
        )
    return result
