"""A manager exports everything about one person, or erases them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk import permissions
from helpdesk.accounts import person_data
from helpdesk.accounts.models import User
from helpdesk.decorators import allowed_if


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, erase this person's data. I know this cannot be undone."),
        error_messages={"required": gettext_lazy("Tick the box to say you want to erase this person's data.")},
    )


def _person(request: HttpRequest, user_id: int) -> User:
    person = get_object_or_404(User, pk=user_id)
    if not permissions.can_handle_person_data(request.user, person):
        raise Http404
    return person


@require_POST
@allowed_if(permissions.can_manage_users)
def person_export(request: HttpRequest, user_id: int) -> HttpResponse:
    person = _person(request, user_id)
    archive = person_data.person_export(actor=request.user, person=person)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.zip"'
    return response


@require_http_methods(["GET", "POST"])
@allowed_if(permissions.can_manage_users)
def person_erase(request: HttpRequest, user_id: int) -> HttpResponse:
    person = _person(request, user_id)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        name = person.full_name
        person_data.person_erase(actor=request.user, person=person)
        messages.success(request, _("The data of %(name)s is erased.") % {"name": name})
        return redirect("accounts:user_list")
    return render(request, "accounts/person_erase.html", {"person": person, "form": form})
