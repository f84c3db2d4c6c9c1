"""The access log as rows a person can read: for the CSV export and a person's data export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.accounts.models import AuditEvent


def audit_row(event: AuditEvent) -> dict[str, str]:
    return {
        "when": timezone.localtime(event.at).isoformat(timespec="seconds"),
        "who": event.actor_label or str(_("the system")),
        "operator_account": "" if event.operator_account_id is None else str(event.operator_account_id),
        "what": event.action_label,
        "action": event.action,
        "about": event.about_label,
        "whose_data": event.subject_label,
        "address": event.ip_address or "",
    }


def audit_columns() -> dict[str, str]:
    return {
        "when": _("When"),
        "who": _("Who"),
        "operator_account": _("For operator account"),
        "what": _("What"),
        "action": _("Code"),
        "about": _("About"),
        "whose_data": _("Whose data"),
        "address": _("From address"),
    }


def _cell(value: str) -> str:
    # A spreadsheet runs a cell that starts with one of these as a formula.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def audit_csv(events: Iterable[AuditEvent]) -> str:
    columns = audit_columns()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(label) for label in columns.values()])
    for event in events:
        row = audit_row(event)
        writer.writerow([_cell(row[key]) for key in columns])
    return out.getvalue()
