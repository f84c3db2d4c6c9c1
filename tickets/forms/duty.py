"""Forms of duty: when a volunteer is on duty now, and periods planned ahead, in the organisation's time zone. They validate; services do the work."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    pass


MAX_DUTY_HOURS = 12

MAX_PLAN_AHEAD_DAYS = 366


# "24-12-2026", "24/12/26", "24 12 2026", "2026-12-24"; "16:30", "16.30", "1630", "16u30", "16".

DAY_MONTH_YEAR_RE = re.compile(r"^(\d{1,2})[\s./-]+(\d{1,2})[\s./-]+(\d{2}|\d{4})$")

YEAR_MONTH_DAY_RE = re.compile(r"^(\d{4})[\s./-]+(\d{1,2})[\s./-]+(\d{1,2})$")

TIME_RE = re.compile(r"^(\d{1,2})(?:\s*[.:hu]?\s*(\d{2}))?\s*(?:uur|u|h)?$", re.IGNORECASE)


class DayField(forms.DateField):
    """A day typed the way people write it, in a plain text box (no date picker to learn)."""

    widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "input--day"})

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if found := YEAR_MONTH_DAY_RE.match(text):
            year, month, day = (int(part) for part in found.groups())
        elif found := DAY_MONTH_YEAR_RE.match(text):
            day, month, year = (int(part) for part in found.groups())
            year += 2000 if year < 100 else 0
        else:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return date(year, month, day)
        except ValueError as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error


class ClockTimeField(forms.TimeField):
    """A time of day as people write it: 16:30, 16.30, 1630, 16u30 or just 16."""

    widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "input--time"})

    def to_python(self, value: Any) -> time | None:
        if value in self.empty_values:
            return None
        if isinstance(value, time):
            return value
        found = TIME_RE.match(str(value).strip())
        if found:
            hours, minutes = int(found.group(1)), int(found.group(2) or 0)
            if hours < 24 and minutes < 60:
                return time(hours, minutes)
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


def _local(day: date, at: time) -> datetime:
    """A date and a time on the organisation's clock, as a moment."""
    return timezone.make_aware(datetime.combine(day, at))


class DutyStartForm(forms.Form):
    """ "I am on duty now, until …": a few simple lengths, or a time later today."""

    prefix = "start"
    UNTIL_TIME = "until"

    length = forms.ChoiceField(
        label=_("How long are you on duty?"),
        choices=[
            ("1", _("1 hour")),
            ("2", _("2 hours")),
            ("4", _("4 hours")),
            (UNTIL_TIME, _("Until a time today")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how long you are on duty."),
            "invalid_choice": _("Choose one of the lengths in the list."),
        },
    )
    until = ClockTimeField(
        label=_("Until what time today?"),
        required=False,
        help_text=_("Only when you chose “Until a time today”. For example: 16:30."),
        error_messages={"invalid": _("Write the time like 16:30.")},
    )

    def __init__(self, *args: Any, now: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        length = data.get("length")
        if not length:
            return data
        if length != self.UNTIL_TIME:
            data["until_at"] = self.now + timedelta(hours=int(length))
            return data
        until = data.get("until")
        if until is None:
            if "until" not in self.errors:
                self.add_error("until", _("Write until what time you are on duty."))
            return data
        until_at = _local(timezone.localdate(self.now), until)
        if until_at <= self.now:
            self.add_error("until", _("Choose a time later than now."))
        elif until_at - self.now > timedelta(hours=MAX_DUTY_HOURS):
            self.add_error(
                "until", _("You can be on duty for at most %(hours)d hours at a time.") % {"hours": MAX_DUTY_HOURS}
            )
        else:
            data["until_at"] = until_at
        return data


class DutyPlanForm(forms.Form):
    """A period later on when the volunteer will be on duty: a day, and from and until what time."""

    prefix = "plan"

    day = DayField(
        label=_("Day"),
        help_text=_("For example: 24-12-2026."),
        error_messages={"required": _("Write the day."), "invalid": _("Write the day like 24-12-2026.")},
    )
    starts = ClockTimeField(
        label=_("From"),
        help_text=_("For example: 10:00."),
        error_messages={"required": _("Write from what time."), "invalid": _("Write the time like 10:00.")},
    )
    ends = ClockTimeField(
        label=_("Until"),
        help_text=_("For example: 12:00."),
        error_messages={"required": _("Write until what time."), "invalid": _("Write the time like 12:00.")},
    )

    def __init__(self, *args: Any, now: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day, starts, ends = data.get("day"), data.get("starts"), data.get("ends")
        if day is None or starts is None or ends is None:
            return data
        starts_at, ends_at = _local(day, starts), _local(day, ends)
        if ends_at <= starts_at:
            self.add_error("ends", _("The end must be later than the start."))
        elif starts_at <= self.now:
            self.add_error("starts", _("Choose a moment in the future. To start now, use “I am on duty now”."))
        elif ends_at - starts_at > timedelta(hours=MAX_DUTY_HOURS):
            self.add_error("ends", _("A period can be at most %(hours)d hours.") % {"hours": MAX_DUTY_HOURS})
        elif day > timezone.localdate(self.now) + timedelta(days=MAX_PLAN_AHEAD_DAYS):
            self.add_error("day", _("Plan at most a year ahead."))
        else:
            data["starts_at"], data["ends_at"] = starts_at, ends_at
        return data
