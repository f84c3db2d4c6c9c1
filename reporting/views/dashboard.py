"""The live dashboard: this month's figures (or another month's), filtered by product, with htmx."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from helpdesk.accounts.audit import audit
from helpdesk.decorators import allowed_if
from reporting.exports import figures_csv, questions_csv
from reporting.forms import DashboardFilterForm
from reporting.permissions import can_view_reports
from reporting.presenting import present
from reporting.selectors.figures import month_figures
from reporting.views.common import organisation, products, this_month


def _chosen(request: HttpRequest) -> tuple[DashboardFilterForm, list[int] | None, object]:
    form = DashboardFilterForm(request.GET or None, products=products(), this_month=this_month())
    product_ids, month = form.chosen()
    return form, product_ids, month


@allowed_if(can_view_reports)
def dashboard(request: HttpRequest) -> HttpResponse:
    form, product_ids, month = _chosen(request)
    figures = month_figures(organisation=organisation(), month=month, product_ids=product_ids, cached=True)
    context = present(figures) | {
        "filter_form": form,
        "query": request.GET.urlencode(),
        "is_this_month": month == this_month(),
        "organisation": organisation(),
    }
    template = "reporting/dashboard.html#figures" if request.htmx else "reporting/dashboard.html"
    return render(request, template, context)


@allowed_if(can_view_reports)
def dashboard_figures_csv(request: HttpRequest) -> HttpResponse:
    _form, product_ids, month = _chosen(request)
    figures = month_figures(organisation=organisation(), month=month, product_ids=product_ids, cached=True)
    audit(actor=request.user, action="figures_downloaded", month=f"{month:%Y-%m}", products=product_ids or [])
    return figures_csv(figures, f"{organisation().slug}-{month:%Y-%m}-figures.csv")


@allowed_if(can_view_reports)
def dashboard_questions_csv(request: HttpRequest) -> HttpResponse:
    _form, product_ids, month = _chosen(request)
    audit(actor=request.user, action="questions_downloaded", month=f"{month:%Y-%m}", products=product_ids or [])
    return questions_csv(
        organisation=organisation(),
        month=month,
        product_ids=product_ids,
        filename=f"{organisation().slug}-{month:%Y-%m}-questions.csv",
    )
