"""The operator portal: care organisations, their set-up, their settings, and the professional hand-off.

Also the one page of this app on an organisation's own host: its managers' settings page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk import permissions as core_permissions
from helpdesk.accounts.services import handoff_start
from helpdesk.decorators import login_required_here, portal_page
from tenants import permissions, selectors, services
from tenants.forms import OrganisationEditForm, OrganisationForm, OrganisationSettingsForm
from tenants.models import CareOrganisation


@portal_page(core_permissions.can_manage_organisations)
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
            manager_name=data["manager_name"],
            products=data["products"],
            brand_colour=data["brand_colour"],
            default_language=data["default_language"],
            monthly_fee=data["monthly_fee"],
            expected_questions_per_month=data["expected_questions_per_month"],
            help_phone=data["help_phone"],
        )
        return redirect("portal:organisation", organisation_id=organisation.pk)
    return render(request, "tenants/organisation_new.html", {"form": form})


def _detail(
    request: HttpRequest, organisation: CareOrganisation, form: OrganisationSettingsForm | None = None
) -> HttpResponse:
    template = "tenants/organisation_detail.html"
    if request.htmx and request.htmx.target == "provisioning":
        template += "#provisioning"
    can_edit = permissions.can_manage_organisation_settings(request.user, organisation)
    if form is None and can_edit:
        form = OrganisationSettingsForm.for_organisation(organisation)
    context = {"org": organisation, "form": form, "can_edit_settings": can_edit}
    if core_permissions.can_manage_organisations(request.user):
        context["people"], context["requester_count"] = selectors.organisation_people(organisation)
    return render(request, template, context)


@portal_page(core_permissions.can_use_portal)
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    return _detail(request, get_object_or_404(CareOrganisation, pk=organisation_id))


def _settings_save(request: HttpRequest, organisation: CareOrganisation, form: OrganisationSettingsForm) -> bool:
    """Validates the form and saves through the service; False with the errors on the form."""
    if not form.is_valid():
        return False
    try:
        services.organisation_settings_update(actor=request.user, organisation=organisation, **form.cleaned_data)
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        return False
    messages.success(request, _("The settings are saved."))
    return True


@portal_page(core_permissions.can_use_portal)
@require_POST
def organisation_settings(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The operator changes an organisation's question flow, from its page in the portal."""
    organisation = get_object_or_404(CareOrganisation, pk=organisation_id)
    if not permissions.can_manage_organisation_settings(request.user, organisation):
        raise Http404
    form = OrganisationSettingsForm.for_organisation(organisation, request.POST)
    if _settings_save(request, organisation, form):
        return redirect(reverse("portal:organisation", args=[organisation.pk]) + "#settings")
    return _detail(request, organisation, form)


@login_required_here
@require_http_methods(["GET", "POST"])
def tenant_settings(request: HttpRequest) -> HttpResponse:
    """An organisation's managers change how its questions flow, on their own host."""
    organisation = request.tenant
    if not permissions.can_manage_organisation_settings(request.user, organisation):
        raise Http404
    form = OrganisationSettingsForm.for_organisation(organisation, request.POST if request.method == "POST" else None)
    if request.method == "POST" and _settings_save(request, organisation, form):
        return redirect("organisation_settings")
    return render(request, "tenants/settings.html", {"form": form})


@portal_page(core_permissions.can_manage_organisations)
@require_POST
def organisation_retry(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(CareOrganisation, pk=organisation_id, status=CareOrganisation.Status.FAILED)
    services.organisation_retry(actor=request.user, organisation=organisation)
    return redirect("portal:organisation", organisation_id=organisation.pk)


@portal_page(core_permissions.can_use_portal)
@require_POST
def organisation_open(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Signs the professional in on the organisation's own host through a single-use hand-off."""
    organisation = get_object_or_404(CareOrganisation, pk=organisation_id)
    if not permissions.can_open_organisation_as_professional(request.user, organisation):
        raise Http404
    return redirect(handoff_start(actor=request.user, organisation=organisation))


# --- Operator admins change an organisation after it was created -------------------------------------


@portal_page(core_permissions.can_manage_organisations)
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(CareOrganisation, pk=organisation_id)
    # A copy for the form: validating a model form writes into its instance.
    form = OrganisationEditForm(request.POST or None, instance=CareOrganisation.objects.get(pk=organisation.pk))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        products = data.pop("products")
        try:
            services.organisation_update(actor=request.user, organisation=organisation, products=products, **data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("portal:organisation", organisation_id=organisation.pk)
    return render(request, "tenants/organisation_edit.html", {"org": organisation, "form": form})


@portal_page(core_permissions.can_manage_organisations)
@require_http_methods(["GET", "POST"])
def organisation_deactivate(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Asks first; closing the helpdesk keeps all its data and can be undone."""
    organisation = get_object_or_404(CareOrganisation, pk=organisation_id, status=CareOrganisation.Status.ACTIVE)
    if request.method == "POST":
        services.organisation_deactivate(actor=request.user, organisation=organisation)
        messages.success(request, _("The helpdesk of %(name)s is closed. Its data is kept.") % {"name": organisation})
        return redirect("portal:organisation", organisation_id=organisation.pk)
    return render(request, "tenants/organisation_deactivate.html", {"org": organisation})


@portal_page(core_permissions.can_manage_organisations)
@require_POST
def organisation_reactivate(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(CareOrganisation, pk=organisation_id, status=CareOrganisation.Status.SUSPENDED)
    services.organisation_reactivate(actor=request.user, organisation=organisation)
    messages.success(request, _("The helpdesk of %(name)s is open again.") % {"name": organisation})
    return redirect("portal:organisation", organisation_id=organisation.pk)


@portal_page(core_permissions.can_manage_organisations)
@require_POST
def organisation_invitation_resend(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(CareOrganisation, pk=organisation_id)
    if services.organisation_invitation_resend(actor=request.user, organisation=organisation):
        messages.success(
            request, _("A new invitation is on its way to %(email)s.") % {"email": organisation.first_manager_email}
        )
    else:
        messages.info(request, _("There is no invitation to send: the first manager has already chosen a password."))
    return redirect(reverse("portal:organisation", args=[organisation.pk]) + "#people")


def brand_stylesheet(request: HttpRequest) -> HttpResponse:
    """The organisation's colours as a stylesheet of their own, so no page needs an inline style
    (the Content-Security-Policy allows styles from this host only). The page links it with the
    colour in the address, so a changed colour is a new address and this one may be kept long."""
    organisation = getattr(request, "tenant", None)
    if organisation is None:
        raise Http404
    css = f":root {{ --brand: {organisation.brand_colour}; --brand-text: {organisation.text_colour()}; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
