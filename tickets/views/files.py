"""Photos of a question: adding them, and serving them only to those who may see the question."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tickets import permissions, services
from tickets.forms import PhotoForm
from tickets.models import Attachment, Ticket
from tickets.views.requester import _actor, _opened, follow_context
from tickets.views.staff import question_page


def _may_see(request: HttpRequest, ticket: Ticket) -> bool:
    return permissions.can_view_ticket(request.user, ticket) or permissions.can_follow_ticket(
        request.user, ticket, opened=_opened(request)
    )


def _may_add(request: HttpRequest, ticket: Ticket) -> bool:
    return permissions.can_work_ticket(request.user, ticket) or permissions.can_follow_ticket(
        request.user, ticket, opened=_opened(request)
    )


@require_POST
def photo_add(request: HttpRequest, number: int) -> HttpResponse:
    ticket = get_object_or_404(Ticket, number=number)
    if not _may_add(request, ticket):
        raise Http404
    staff = permissions.can_work_ticket(request.user, ticket)
    back = redirect("tickets:detail" if staff else "tickets:follow", number=ticket.number)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        # The page again, with the error in its summary and beside the field (ui.md 8).
        if staff:
            return question_page(request, ticket, photo_form=form)
        return render(request, "tickets/follow.html", follow_context(request, ticket, photo_form=form))
    try:
        services.attachment_add(
            ticket=ticket,
            actor=request.user if staff else _actor(request, ticket),
            photo=form.cleaned_data["photo"],
        )
    except services.TicketClosed:
        messages.error(request, _("This question is closed. Please ask a new question."))
    else:
        messages.success(request, _("Your photo was added."))
    return back


@never_cache
def photo_show(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    ticket = get_object_or_404(Ticket, number=number)
    if not _may_see(request, ticket):
        raise Http404
    attachment = get_object_or_404(Attachment, pk=pk, ticket=ticket)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="photo-{attachment.pk}.{attachment.file.name.rsplit(".", 1)[-1]}"'
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response
