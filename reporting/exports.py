"""CSV downloads: the figures of a month (as shown, privacy rule included) and its questions
(reference, product, dates, status, tier, cause; nothing personal)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from reporting import months
from reporting.presenting import cause_label, present
from tickets.models import Channel, Status, Tier
from tickets.selectors import questions_for_export


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[Any]]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else _safe(cell) for cell in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _safe(cell: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


def figure_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """(section, figure, product, value) for every figure of the month, as the report shows it."""
    context = present(figures, with_charts=False)
    rows: list[tuple[str, str, str, Any]] = []
    summary = _("Summary")
    rows += [(summary, label, "", value) for label, value, _difference in context["summary_rows"]]
    use = _("Use of the technology")
    for row in context["use_rows"]:
        rows += [
            (use, _("Questions"), row["name"], row["questions"]),
            (use, _("Users"), row["name"], row["users"]),
            (use, _("Questions per 100 users"), row["name"], row["per_100_users"]),
            (use, _("People who asked"), row["name"], row["people"]),
        ]
    bottlenecks = _("Bottlenecks")
    rows += [(bottlenecks, row["cause"], row["name"], row["questions"]) for row in context["cause_rows"]]
    rows.append((bottlenecks, _("Repeat questions (same person, same product, within 30 days)"), "", context["repeat"]))
    rows += [(bottlenecks, row["reason"], "", row["questions"]) for row in context["escalated"]]
    helpers = _("The people who help")
    rows += [
        (helpers, _("Hours volunteers were on duty"), "", context["helpers"]["duty_hours"]),
        (helpers, _("Questions volunteers answered"), "", context["helpers"]["questions_helped"]),
        (helpers, _("Trainee answers approved"), "", context["helpers"]["trainee_answers_approved"]),
        (helpers, _("Requests for advice from a professional"), "", context["helpers"]["advice_requests"]),
    ]
    channels = _("Channels and who asks")
    rows += [(channels, row["label"], "", row["questions"]) for row in context["channels"] + context["relations"]]
    say = _("What users say")
    for row in context["satisfaction_rows"]:
        rows += [
            (say, _("Answers"), row["name"], row["answers"]),
            (say, _("Help"), row["name"], row["help"]),
            (say, _("Technology"), row["name"], row["technology"]),
        ]
    return rows


def figures_csv(figures: dict[str, Any], filename: str) -> HttpResponse:
    return csv_response(filename, [_("Section"), _("Figure"), _("Product"), _("Value")], figure_rows(figures))


def _label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def questions_csv(*, organisation: Any, month: Any, product_ids: list[int] | None, filename: str) -> HttpResponse:
    tz = months.time_zone_of(organisation)
    start, end = months.bounds(month, tz)
    prefix = organisation.reference_prefix

    def local(value: Any) -> str:
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""

    rows = (
        (
            f"{prefix}-{number}",
            product,
            _label(Channel, channel),
            local(asked),
            local(first),
            local(solved),
            _label(Status, status),
            _label(Tier, tier),
            cause_label(cause) if cause else "",
        )
        for number, product, channel, asked, first, solved, status, tier, cause in questions_for_export(
            start=start, end=end, product_ids=product_ids
        ).iterator(chunk_size=2000)
    )
    header = [
        _("Reference"),
        _("Product"),
        _("Channel"),
        _("Asked"),
        _("First answer"),
        _("Solved"),
        _("Status"),
        _("Worked by"),
        _("Cause"),
    ]
    return csv_response(filename, header, rows)
