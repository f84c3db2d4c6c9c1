"""The operator's admins move an organisation as a whole: export it, restore an export into a
new organisation, and offboard (delete) an organisation after typing its name."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk import permissions as core_permissions
from helpdesk.decorators import portal_page
from tenants import portability
from tenants.forms import OffboardForm, RestoreForm
from tenants.models import CareOrganisation


@portal_page(core_permissions.can_manage_organisations)
@require_POST
def organisation_export(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(CareOrganisation, pk=organisation_id)
    if not organisation.can_be_exported:
        raise Http404
    # FileResponse closes the file (and so removes it) once the download is sent.
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    portability.organisation_export(actor=request.user, organisation=organisation, into=spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{organisation.slug}-export.zip")


@portal_page(core_permissions.can_manage_organisations)
@require_http_methods(["GET", "POST"])
def organisation_restore(request: HttpRequest) -> HttpResponse:
    form = RestoreForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = portability.NewOrganisation(data["name"], data["slug"], data["reference_prefix"])
        try:
            organisation = portability.organisation_restore(actor=request.user, source=data["archive"], new=new)
        except (portability.PortabilityError, ValueError) as error:
            form.add_error("archive", _("This export cannot be restored here: %(reason)s") % {"reason": error})
        else:
            messages.success(request, _("%(name)s is restored from the export.") % {"name": organisation.name})
            return redirect("portal:organisation", organisation_id=organisation.pk)
    return render(request, "tenants/organisation_restore.html", {"form": form})


@portal_page(core_permissions.can_manage_organisations)
@require_http_methods(["GET", "POST"])
def organisation_offboard(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(CareOrganisation, pk=organisation_id)
    form = OffboardForm(request.POST if request.method == "POST" else None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        name = organisation.name
        portability.organisation_offboard(
            actor=request.user, organisation=organisation, confirm_name=form.cleaned_data["confirm_name"]
        )
        messages.success(request, _("%(name)s and all its data are deleted.") % {"name": name})
        return redirect("portal:home")
    return render(request, "tenants/organisation_offboard.html", {"org": organisation, "form": form})
