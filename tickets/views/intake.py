"""Phone and desk intake: a helper records a question for someone who may have no account."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from helpdesk.decorators import allowed_if
from helpdesk.tenancy import current_organisation
from tickets import permissions, services
from tickets.forms import IntakeForm


@allowed_if(permissions.can_take_intake)
def intake(request: HttpRequest) -> HttpResponse:
    form = IntakeForm(request.POST or None, products=current_organisation().active_products())
    if request.method == "POST" and form.is_valid():
        ticket = services.ticket_create(actor=request.user, requester=None, **form.cleaned_data)
        messages.success(request, _("Question %(reference)s is recorded.") % {"reference": ticket.reference})
        return redirect("tickets:detail", number=ticket.number)
    return render(request, "tickets/intake.html", {"form": form})
