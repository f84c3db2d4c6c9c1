"""The operator portal's pages that read more than one app: the overview of every organisation,
and the requests for advice from volunteers of every organisation."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from escalations import permissions as escalation_permissions
from escalations import selectors as escalation_selectors
from escalations.models import AdviceRequest
from helpdesk import permissions as core_permissions
from helpdesk.accounts.services import handoff_start
from helpdesk.decorators import portal_page
from portal.overview import OVERVIEW_DAYS, organisations_overview
from support import permissions as support_permissions
from tenants import permissions as tenant_permissions
from tenants.selectors import organisations_for_portal

PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    """The portal's start page: the care organisations, and the ways to the other portal pages."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return _portal_home(request)


@portal_page(core_permissions.can_use_portal)
def _portal_home(request: HttpRequest) -> HttpResponse:
    can_view_escalations = escalation_permissions.can_view_escalations(request.user)
    return render(
        request,
        "portal/home.html",
        {
            "organisations": organisations_for_portal(),
            "can_view_escalations": can_view_escalations,
            "waiting": escalation_selectors.waiting_for_professionals() if can_view_escalations else None,
        },
    )


@portal_page(tenant_permissions.can_view_operator_overview)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    rows = organisations_overview()
    return render(request, "portal/overview.html", {"rows": rows, "days": OVERVIEW_DAYS})


@portal_page(support_permissions.can_see_advice_requests)
@require_GET
def advice_requests(request: HttpRequest) -> HttpResponse:
    """Requests that wait for a professional (or, with ?status=answered, answered ones still open),
    longest waiting first."""
    status = request.GET.get("status")
    if status not in AdviceRequest.Status.values:
        status = AdviceRequest.Status.OPEN
    rows = (
        AdviceRequest.objects.filter(status=status).select_related("organisation", "product").order_by("asked_at", "id")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/advice.html",
        {"page": page, "status": status, "showing_answered": status == AdviceRequest.Status.ANSWERED},
    )


@portal_page(support_permissions.can_see_advice_requests)
@require_POST
def advice_request_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Signs the professional in on the organisation's host, at the request on the question page."""
    row = get_object_or_404(AdviceRequest.objects.select_related("organisation"), pk=pk)
    organisation = row.organisation
    if not tenant_permissions.can_open_organisation_as_professional(request.user, organisation):
        raise Http404
    next_path = reverse("tickets:detail", args=[row.number], urlconf=settings.ROOT_URLCONF) + "#advice"
    return redirect(
        handoff_start(
            actor=request.user, organisation=organisation, next_path=next_path, reference=row.reference, advice=True
        )
    )
