"""Months in an organisation's own time zone: a question asked at 23:30 on the 31st belongs to that month."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings


def time_zone_of(organisation: object | None) -> ZoneInfo:
    """The organisation's time zone; Europe/Amsterdam (the project's) unless it has its own."""
    name = getattr(organisation, "time_zone", "") or settings.TIME_ZONE
    return ZoneInfo(name)


def first_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def bounds(month: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the month as aware times: midnight of the 1st to midnight of the next 1st, in `tz`."""
    start = dt.datetime.combine(first_of(month), dt.time(), tzinfo=tz)
    end = dt.datetime.combine(add_months(first_of(month), 1), dt.time(), tzinfo=tz)
    return start, end


def current_month(tz: ZoneInfo, now: dt.datetime | None = None) -> dt.date:
    return first_of((now or dt.datetime.now(tz)).astimezone(tz).date())


def previous_month(tz: ZoneInfo, now: dt.datetime | None = None) -> dt.date:
    return add_months(current_month(tz, now), -1)


def parse_month(value: str) -> dt.date | None:
    """`2025-03` as the first of March 2025; None for anything else."""
    try:
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        return dt.date(int(year), int(month), 1)
    except (ValueError, AttributeError):
        return None


def month_key(value: dt.date | dt.datetime, tz: ZoneInfo) -> str:
    if isinstance(value, dt.datetime):
        value = value.astimezone(tz).date()
    return f"{value:%Y-%m}"
