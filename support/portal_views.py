"""The operator portal's list of requests for advice from volunteers of every organisation."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from escalations.models import AdviceRequest
from helpdesk import permissions
from helpdesk.accounts.audit import audit
from helpdesk.accounts.services import handoff_create

PAGE_SIZE = 50

View = Callable[..., HttpResponse]


def _portal_page(view: View) -> View:
    """Operator staff only; who still owes the second factor goes to the code page first."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if permissions.is_operator_staff(request.user) and not permissions.has_second_factor(request.user):
            return redirect("accounts:otp")
        if not permissions.can_see_advice_requests(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@_portal_page
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
        request, "support/portal_advice.html", {"page": page, "status": status, "statuses": AdviceRequest.Status}
    )


@_portal_page
@require_POST
def advice_request_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Signs the professional in on the organisation's host, at the request on the question page."""
    row = get_object_or_404(AdviceRequest.objects.select_related("organisation"), pk=pk)
    organisation = row.organisation
    if not permissions.can_open_organisation_as_professional(request.user, organisation):
        raise Http404
    token = handoff_create(
        professional=request.user, schema_name=organisation.schema_name, next_path=f"/questions/{row.number}/#advice"
    )
    audit(actor=request.user, action="handoff_created", target=organisation, reference=row.reference, advice=True)
    return redirect(
        organisation.absolute_url(reverse("accounts:handoff", args=[token], urlconf="helpdesk.urls_tenant"))
    )
