"""The operator portal: care organisations, their set-up, and the professional hand-off."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk import permissions
from helpdesk.accounts.services import handoff_create
from helpdesk.decorators import allowed_if
from tenants import selectors, services
from tenants.forms import OrganisationForm
from tenants.models import CareOrganisation


def _portal_guard(request: HttpRequest) -> HttpResponse | None:
    """Operator staff who still owe their second factor go to the code page first."""
    if permissions.is_operator_staff(request.user) and not permissions.has_second_factor(request.user):
        return redirect("accounts:otp")
    return None


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if (response := _portal_guard(request)) is not None:
        return response
    if not permissions.can_use_portal(request.user):
        raise Http404
    organisations = selectors.organisations_for_portal()
    return render(request, "tenants/portal_home.html", {"organisations": organisations})


@allowed_if(permissions.can_manage_organisations)
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = services.organisation_create(
            actor=request.user,
            name=data["name"],
            slug=data["slug"],
            reference_prefix=data["reference_prefix"],
            manager_email=data["manager_email"],
            products=data["products"],
            brand_colour=data["brand_colour"],
            default_language=data["default_language"],
            monthly_fee=data["monthly_fee"],
            expected_questions_per_month=data["expected_questions_per_month"],
            help_phone=data["help_phone"],
        )
        return redirect("portal:organisation", organisation_id=organisation.pk)
    return render(request, "tenants/organisation_new.html", {"form": form})


@allowed_if(permissions.can_use_portal)
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(CareOrganisation, pk=organisation_id)
    template = "tenants/organisation_detail.html"
    if request.htmx and request.htmx.target == "provisioning":
        template += "#provisioning"
    return render(request, template, {"org": organisation})


@allowed_if(permissions.can_manage_organisations)
@require_POST
def organisation_retry(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(CareOrganisation, pk=organisation_id, status=CareOrganisation.Status.FAILED)
    services.organisation_retry(actor=request.user, organisation=organisation)
    return redirect("portal:organisation", organisation_id=organisation.pk)


@allowed_if(permissions.can_use_portal)
@require_POST
def organisation_open(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Signs the professional in on the organisation's own host through a single-use hand-off."""
    organisation = get_object_or_404(CareOrganisation, pk=organisation_id)
    if not permissions.can_open_organisation_as_professional(request.user, organisation):
        raise Http404
    token = handoff_create(professional=request.user, schema_name=organisation.schema_name)
    from helpdesk.accounts.audit import audit

    audit(actor=request.user, action="handoff_created", target=organisation)
    return redirect(
        organisation.absolute_url(reverse("accounts:handoff", args=[token], urlconf="helpdesk.urls_tenant"))
    )
