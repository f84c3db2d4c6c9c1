"""Volume against contract, over every active organisation: the operator's invoicing view.

Each organisation's questions are counted in its own schema, one grouped query per organisation
(plus the switch of the search path), so 200 organisations cost about 400 small indexed queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from helpdesk.tenancy import in_each_active_organisation
from reporting import months
from reporting.models import Report
from tickets.selectors import questions_per_month

TREND_MONTHS = 12


@dataclass
class ContractRow:
    organisation: Any
    month: dt.date
    questions: int = 0
    last_month: int = 0
    expected: int = 0
    monthly_fee: Decimal = Decimal("0")
    trend: list[tuple[str, int]] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)

    @property
    def share_of_expected(self) -> int | None:
        return round(100 * self.questions / self.expected) if self.expected else None

    @property
    def over_expected(self) -> bool:
        return bool(self.expected) and self.questions > self.expected


def _row(organisation: Any, month: dt.date, *, with_reports: bool) -> ContractRow:
    tz = months.time_zone_of(organisation)
    first = months.add_months(month, -(TREND_MONTHS - 1))
    start, _ = months.bounds(first, tz)
    _, end = months.bounds(month, tz)
    per_month: dict[str, int] = {}
    for row in questions_per_month(start=start, end=end, tz=tz):
        key = months.month_key(row["month"], tz)
        per_month[key] = per_month.get(key, 0) + row["questions"]
    keys = [f"{months.add_months(month, -offset):%Y-%m}" for offset in range(TREND_MONTHS - 1, -1, -1)]
    result = ContractRow(
        organisation=organisation,
        month=month,
        questions=per_month.get(keys[-1], 0),
        last_month=per_month.get(keys[-2], 0),
        expected=organisation.expected_questions_per_month,
        monthly_fee=organisation.monthly_fee,
        trend=[(key, per_month.get(key, 0)) for key in keys],
    )
    if with_reports:
        result.reports = list(Report.objects.order_by("-month"))
    return result


def contract_overview(month: dt.date | None = None) -> list[ContractRow]:
    """This month's (or `month`'s) questions of every active organisation against its contract."""
    rows = []
    for organisation in in_each_active_organisation("name", "pk"):
        chosen = month or months.current_month(months.time_zone_of(organisation))
        rows.append(_row(organisation, chosen, with_reports=False))
    return rows


def organisation_contract(organisation: Any, month: dt.date | None = None) -> ContractRow:
    """One organisation's row with its 12-month line and its reports; call inside its schema."""
    chosen = month or months.current_month(months.time_zone_of(organisation))
    return _row(organisation, chosen, with_reports=True)
