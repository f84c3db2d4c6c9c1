"""The operator portal's pages for professionals: the queue of escalated questions and the overview."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from escalations import selectors
from escalations.forms import QueueFilterForm
from escalations.models import EscalationEntry
from helpdesk import permissions
from helpdesk.accounts.audit import audit
from helpdesk.accounts.services import handoff_create
from tenants.models import CareOrganisation

View = Callable[..., HttpResponse]


def portal_page(check: Callable[[Any], bool]) -> Callable[[View], View]:
    """Like `allowed_if`, and operator staff who still owe their second factor go to the code page."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if permissions.is_operator_staff(request.user) and not permissions.has_second_factor(request.user):
                return redirect("accounts:otp")
            if not check(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


@portal_page(permissions.can_view_escalations)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    organisations, products = selectors.queue_filter_choices()
    form = QueueFilterForm(request.GET or None, organisations=organisations, products=products)
    filters = form.filters()
    page = selectors.escalation_queue(
        filters=filters,
        after=selectors.QueuePosition.parse(request.GET.get("after")),
        before=selectors.QueuePosition.parse(request.GET.get("before")),
    )
    # The filters travel in every page link; the position is the page's own.
    query = urlencode(
        {
            key: value
            for key, value in (("organisation", filters.organisation_id), ("product", filters.product_id))
            if value
        }
    )
    context = {"filter_form": form, "page": page, "query": query, "filtered": bool(query)}
    template = "escalations/queue.html#rows" if request.htmx else "escalations/queue.html"
    return render(request, template, context)


@portal_page(permissions.can_view_escalations)
@require_POST
def open_question(request: HttpRequest, organisation_id: int, number: int) -> HttpResponse:
    """Signs the professional in on the organisation's host, on the question's page.

    With `take`, the question page opens ready to take it over; the professional confirms there.
    """
    organisation = get_object_or_404(CareOrganisation, pk=organisation_id)
    if not permissions.can_open_escalation(request.user, organisation):
        raise Http404
    entry = EscalationEntry.objects.filter(organisation=organisation, number=number).first()
    if entry is None:
        messages.info(request, _("This question no longer waits for a professional. It was solved or handed back."))
        return redirect("escalations:queue")
    take = request.POST.get("take") == "1"
    next_path = reverse("tickets:detail", args=[entry.number], urlconf="helpdesk.urls_tenant")
    if take:
        next_path += "?take=1"
    token = handoff_create(professional=request.user, schema_name=organisation.schema_name, next_path=next_path)
    audit(
        actor=request.user,
        action="escalation_take_over_started" if take else "escalation_opened",
        target=organisation,
        reference=entry.reference,
        number=entry.number,
    )
    return redirect(
        organisation.absolute_url(reverse("accounts:handoff", args=[token], urlconf="helpdesk.urls_tenant"))
    )


@portal_page(permissions.can_view_operator_overview)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    rows = selectors.organisations_overview()
    return render(
        request,
        "escalations/overview.html",
        {"rows": rows, "days": selectors.OVERVIEW_DAYS, "satisfaction_measured": selectors.satisfaction_installed()},
    )
