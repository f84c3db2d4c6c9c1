"""Passing a question to the professionals, and a professional taking it over or handing it back."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk import permissions as core_permissions
from helpdesk.decorators import login_required_here
from helpdesk.tenancy import current_organisation
from tickets import permissions, services
from tickets.forms import EscalateForm, HandBackForm
from tickets.models import EscalationReason, Ticket
from tickets.views.refusals import CLOSED, WITH_PROFESSIONALS, explain
from tickets.views.staff import back_to_ticket, helper_ticket_or_404, question_page


def _contact_person_told() -> bool:
    organisation = current_organisation()
    return organisation is not None and bool(organisation.contact_person_email)


def _refused(request: HttpRequest, ticket: Ticket) -> HttpResponse:
    """Why a volunteer cannot pass this question on (it changed since the page was opened)."""
    if not ticket.is_open:
        messages.error(request, CLOSED)
    elif ticket.assignee_id not in (None, request.user.pk) and not ticket.is_with_professionals:
        messages.error(
            request,
            _("%(name)s holds this question. Ask them, or write an internal note.") % {"name": ticket.assignee},
        )
    else:
        messages.error(request, WITH_PROFESSIONALS)
    return back_to_ticket(ticket)


@require_POST
@login_required_here
def escalate(request: HttpRequest, number: int) -> HttpResponse:
    """A volunteer passes the question to the professionals, with a reason and maybe a note."""
    ticket = helper_ticket_or_404(request, number)
    if not core_permissions.is_volunteer_here(request.user):
        raise Http404
    form = EscalateForm(request.POST)
    if not permissions.can_escalate_ticket(request.user, ticket):
        return _refused(request, ticket)
    if not form.is_valid():
        return question_page(request, ticket, escalate_form=form)
    reason = form.cleaned_data["reason"]
    try:
        services.ticket_escalate(ticket=ticket, actor=request.user, reason=reason, note=form.cleaned_data["note"])
    except services.TicketError as error:
        explain(request, error)
    else:
        messages.success(request, _("You passed the question to a professional. Thank you for asking for help."))
        if reason == EscalationReason.SAFETY_WORRY and _contact_person_told():
            messages.info(request, _("The contact person of the organisation gets an e-mail about the worry."))
    return back_to_ticket(ticket)


@require_POST
@login_required_here
def worry(request: HttpRequest, number: int) -> HttpResponse:
    """A helper marks a worry about the client's safety: urgent, to the professionals, contact person told."""
    ticket = helper_ticket_or_404(request, number)
    if ticket.is_worry:
        messages.info(request, _("This question is already marked as a worry about safety."))
        return back_to_ticket(ticket)
    try:
        services.ticket_mark_worry(ticket=ticket, actor=request.user)
    except services.TicketError as error:
        explain(request, error)
    else:
        messages.success(request, _("The question is marked as a worry about safety. It is urgent now."))
        if _contact_person_told():
            messages.info(request, _("The contact person of the organisation gets an e-mail about the worry."))
    return back_to_ticket(ticket)


@require_POST
@login_required_here
def take_over(request: HttpRequest, number: int) -> HttpResponse:
    """A professional takes an escalated question over and becomes its helper."""
    ticket = helper_ticket_or_404(request, number)
    if not core_permissions.is_professional_here(request.user):
        raise Http404
    try:
        services.ticket_take_over(ticket=ticket, actor=request.user)
    except services.TicketError as error:
        explain(request, error, other=_("This question is with the volunteers. You can take it like they do."))
    else:
        messages.success(request, _("You took this question over. You can answer, add notes or solve it."))
    return back_to_ticket(ticket)


@require_POST
@login_required_here
def hand_back(request: HttpRequest, number: int) -> HttpResponse:
    """A professional gives the question back to the volunteers, with a note on what to do."""
    ticket = helper_ticket_or_404(request, number)
    if not core_permissions.is_professional_here(request.user):
        raise Http404
    form = HandBackForm(request.POST)
    if not form.is_valid():
        return question_page(request, ticket, hand_back_form=form)
    try:
        services.ticket_hand_back(ticket=ticket, actor=request.user, note=form.cleaned_data["note"])
    except services.TicketError as error:
        explain(request, error, other=_("This question is already with the volunteers."))
    else:
        messages.success(request, _("The question is back with the volunteers. Your note is with it."))
    return back_to_ticket(ticket)
