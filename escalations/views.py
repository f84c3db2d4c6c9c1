"""The operator portal's queue of escalated questions, for professionals."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from escalations import permissions, selectors, services
from escalations.forms import AlertPreferenceForm, QueueFilterForm
from escalations.models import AlertPreference, EscalationEntry
from helpdesk.accounts.services import handoff_start
from helpdesk.decorators import portal_page
from tenants.models import CareOrganisation


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
    next_path = reverse("tickets:detail", args=[entry.number], urlconf=settings.ROOT_URLCONF)
    if take:
        next_path += "?take=1"
    url = handoff_start(
        actor=request.user,
        organisation=organisation,
        next_path=next_path,
        action="escalation_take_over_started" if take else "escalation_opened",
        reference=entry.reference,
        number=entry.number,
    )
    return redirect(url)


@portal_page(permissions.can_view_escalations)
def alerts(request: HttpRequest) -> HttpResponse:
    """A professional chooses how they hear of questions and requests that are not urgent."""
    current = AlertPreference.objects.filter(user=request.user).first()
    initial = {"rest": current.rest if current else AlertPreference.Rest.IMMEDIATELY}
    form = AlertPreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.alert_preference_set(actor=request.user, rest=form.cleaned_data["rest"])
        messages.success(request, _("Your choice is saved."))
        return redirect("portal:home")
    return render(request, "escalations/alerts.html", {"form": form})
