"""The operator portal's pages about reports: volume against contract for every organisation (a page
and a CSV, for invoicing), and per organisation its 12-month line and its reports."""

from __future__ import annotations

from contextlib import suppress

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tenants.utils import tenant_context

from helpdesk.accounts.audit import audit
from helpdesk.decorators import portal_page
from reporting import charts, months
from reporting.exports import csv_response
from reporting.models import Report
from reporting.permissions import (
    can_download_organisation_reports,
    can_view_contract_overview,
    can_view_organisation_figures,
)
from reporting.presenting import short_month
from reporting.selectors import report_file
from reporting.selectors.contracts import contract_overview, organisation_contract
from reporting.services import ReportBusy, report_rebuild
from tenants.models import CareOrganisation


def _month(request: HttpRequest) -> object:
    return months.parse_month(request.GET.get("month", ""))


def _active(slug: str) -> CareOrganisation:
    return get_object_or_404(CareOrganisation, slug=slug, status=CareOrganisation.Status.ACTIVE)


@portal_page(can_view_contract_overview)
@require_GET
def contracts(request: HttpRequest) -> HttpResponse:
    rows = contract_overview(_month(request))
    return render(request, "reporting/portal/contracts.html", {"rows": rows, "month": rows[0].month if rows else None})


@portal_page(can_view_contract_overview)
@require_GET
def contracts_csv(request: HttpRequest) -> HttpResponse:
    rows = contract_overview(_month(request))
    audit(actor=request.user, action="contracts_downloaded")
    header = [
        _("Care organisation"),
        _("Month"),
        _("Questions"),
        _("Expected in the contract"),
        _("Share of expected (%)"),
        _("Last month"),
        _("Monthly fee (euro)"),
    ]
    lines = (
        (
            row.organisation.name,
            f"{row.month:%Y-%m}",
            row.questions,
            row.expected,
            row.share_of_expected,
            row.last_month,
            row.monthly_fee,
        )
        for row in rows
    )
    return csv_response("contracts.csv", header, lines)


@portal_page(can_view_organisation_figures)
@require_GET
def organisation_figures(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _active(slug)
    with tenant_context(organisation):
        row = organisation_contract(organisation, _month(request))
    labels = [short_month(key) for key, _n in row.trend]
    chart = charts.data_uri(charts.line_chart(labels, [(_("Questions"), [n for _k, n in row.trend])]))
    context = {
        "row": row,
        "org": organisation,
        "chart": chart,
        "trend": [(short_month(key), n) for key, n in row.trend],
        "can_download": can_download_organisation_reports(request.user),
    }
    return render(request, "reporting/portal/organisation.html", context)


@portal_page(can_download_organisation_reports)
@require_GET
def organisation_report_pdf(request: HttpRequest, slug: str, month: str) -> HttpResponse:
    organisation = _active(slug)
    parsed = months.parse_month(month)
    with tenant_context(organisation):
        report = Report.objects.filter(month=parsed, status=Report.Status.READY).first() if parsed else None
        stored = report_file(report) if report is not None else None
        if stored is None or not stored.file.storage.exists(stored.file.name):
            raise Http404
        # The organisation's own log says which operator opened its report; the portal's log too.
        audit(actor=None, action="report_downloaded_by_operator", target=report, operator=request.user.email)
        handle = stored.file.open("rb")
    audit(actor=request.user, action="report_downloaded", target=organisation, month=month)
    response = FileResponse(
        handle, content_type="application/pdf", as_attachment=True, filename=f"{organisation.slug}-{month}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@portal_page(can_download_organisation_reports)
@require_POST
def organisation_report_rebuild(request: HttpRequest, slug: str, month: str) -> HttpResponse:
    organisation = _active(slug)
    parsed = months.parse_month(month)
    with tenant_context(organisation):
        report = Report.objects.filter(month=parsed).first() if parsed else None
        if report is None:
            raise Http404
        with suppress(ReportBusy):  # already being built: nothing to add
            report_rebuild(report=report, actor=None, operator=request.user.email)
    audit(actor=request.user, action="report_rebuild_requested", target=organisation, month=month)
    return redirect("reporting_portal:organisation", slug=organisation.slug)
