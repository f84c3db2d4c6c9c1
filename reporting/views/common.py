"""Helpers the reporting views share."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404

from helpdesk.tenancy import current_organisation
from reporting import months
from reporting.models import Report
from tenants.models import CareOrganisation, Product


def organisation() -> CareOrganisation:
    found = current_organisation()
    if found is None:
        raise Http404
    return found


def products() -> QuerySet[Product]:
    return organisation().products.order_by("name")


def this_month() -> dt.date:
    return months.current_month(months.time_zone_of(organisation()))


def report_or_404(month: str, *, ready: bool = True) -> Report:
    parsed = months.parse_month(month)
    report = Report.objects.filter(month=parsed).first() if parsed else None
    if report is None or (ready and not report.is_ready):
        raise Http404
    return report
