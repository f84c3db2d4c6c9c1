"""Reads about reports, improvement actions and users per product. The figures are in `figures`."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from reporting.models import ImprovementAction, ProductUsers, Report, ReportFile


def reports_list() -> QuerySet[Report]:
    return Report.objects.prefetch_related("files", "builds").order_by("-month")


def report_for_month(month: dt.date) -> Report | None:
    return Report.objects.filter(month=month).first()


def report_file(report: Report, product_id: int | None = None) -> ReportFile | None:
    files = report.files.all()
    return (
        files.filter(product__isnull=True).first()
        if product_id is None
        else files.filter(product_id=product_id).first()
    )


def actions_list(*, open_only: bool = False) -> QuerySet[ImprovementAction]:
    rows = ImprovementAction.objects.select_related("owner", "product")
    return rows.exclude(stage="done") if open_only else rows


def product_users_rows() -> QuerySet[ProductUsers]:
    return ProductUsers.objects.select_related("product").order_by("product__name", "-month")
