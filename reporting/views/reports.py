"""The list of monthly reports, their downloads (permission-checked and audited), rebuilding."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.accounts.audit import audit
from helpdesk.decorators import allowed_if
from reporting import months
from reporting.exports import figures_csv
from reporting.forms import RequestMonthForm
from reporting.models import ReportRecipient
from reporting.permissions import can_rebuild_report, can_view_reports
from reporting.presenting import present
from reporting.selectors import report_file, reports_list
from reporting.services import ReportBusy, report_rebuild, report_request
from reporting.views.common import organisation, products, report_or_404, this_month
from tenants.models import Product


def _list_context(request: HttpRequest, **extra: object) -> dict:
    reports = list(reports_list())
    return {
        "reports": reports,
        "busy": any(report.is_busy for report in reports),
        "request_form": extra.pop("request_form", None)
        or RequestMonthForm(last_month=months.add_months(this_month(), -1)),
        "wants_mail": ReportRecipient.objects.filter(user=request.user).exists(),
        "can_rebuild": can_rebuild_report(request.user),
        **extra,
    }


@allowed_if(can_view_reports)
def report_list(request: HttpRequest) -> HttpResponse:
    template = "reporting/list.html#reports" if request.htmx else "reporting/list.html"
    return render(request, template, _list_context(request))


@require_POST
@allowed_if(can_view_reports)
def report_request_month(request: HttpRequest) -> HttpResponse:
    form = RequestMonthForm(request.POST, last_month=months.add_months(this_month(), -1))
    if not form.is_valid():
        return render(request, "reporting/list.html", _list_context(request, request_form=form), status=400)
    report_request(month=form.cleaned_data["month"], actor=request.user)
    messages.success(request, _("The report is being built. This page shows when it is ready."))
    return redirect("reporting:list")


@require_POST
@allowed_if(can_rebuild_report)
def report_rebuild_view(request: HttpRequest, month: str) -> HttpResponse:
    report = report_or_404(month, ready=False)
    try:
        report_rebuild(report=report, actor=request.user)
        messages.success(request, _("The report is being built again. The old file stays until the new one is ready."))
    except ReportBusy:
        messages.info(request, _("This report is already being built."))
    return redirect("reporting:list")


@require_POST
@allowed_if(can_view_reports)
def report_mail(request: HttpRequest) -> HttpResponse:
    wants = request.POST.get("wants") == "1"
    if wants:
        ReportRecipient.objects.get_or_create(user=request.user)
        messages.success(request, _("You will get an e-mail when a monthly report is ready."))
    else:
        ReportRecipient.objects.filter(user=request.user).delete()
        messages.success(request, _("You will no longer get an e-mail about reports."))
    audit(actor=request.user, action="report_mail_changed", wants=wants)
    return redirect("reporting:list")


def _pdf_response(request: HttpRequest, report: object, product: Product | None) -> HttpResponse:
    stored = report_file(report, product.pk if product else None)
    if stored is None or not stored.file.storage.exists(stored.file.name):
        raise Http404
    audit(
        actor=request.user,
        action="report_downloaded",
        target=report,
        month=report.slug,
        product=product.slug if product else "",
    )
    name = f"{organisation().slug}-{report.slug}{'-' + product.slug if product else ''}.pdf"
    response = FileResponse(stored.file.open("rb"), content_type="application/pdf", as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response


@allowed_if(can_view_reports)
def report_pdf(request: HttpRequest, month: str) -> HttpResponse:
    return _pdf_response(request, report_or_404(month), None)


@allowed_if(can_view_reports)
def report_csv(request: HttpRequest, month: str) -> HttpResponse:
    report = report_or_404(month)
    audit(actor=request.user, action="report_figures_downloaded", target=report, month=report.slug)
    return figures_csv(report.figures, f"{organisation().slug}-{report.slug}-figures.csv")


@allowed_if(can_view_reports)
def supplier_page(request: HttpRequest, month: str, product: str) -> HttpResponse:
    """What users of one product ran into this month, for its supplier; no personal data."""
    report = report_or_404(month)
    chosen = get_object_or_404(products(), slug=product)
    stored = report_file(report, chosen.pk)
    if stored is None or not stored.figures:
        raise Http404
    context = present(stored.figures, with_charts=False)
    context |= {"report": report, "product": chosen, "organisation": organisation()}
    return render(request, "reporting/supplier.html", context)


@allowed_if(can_view_reports)
def supplier_pdf(request: HttpRequest, month: str, product: str) -> HttpResponse:
    return _pdf_response(request, report_or_404(month), get_object_or_404(products(), slug=product))
