"""Pages for the person who asked: their questions, and one conversation to follow and answer.

Without an account, a browser opens a question with the magic link from the confirmation
e-mail, or with the question's number plus the e-mail address or phone number given. The
session then remembers which questions it may open.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk import permissions as core_permissions
from helpdesk import throttle
from helpdesk.decorators import allowed_if
from tickets import hooks, permissions, services
from tickets.forms import OpenQuestionForm, PhotoForm, RequesterReplyForm
from tickets.models import Ticket
from tickets.selectors import (
    calls_for,
    messages_for,
    reference_number,
    ticket_by_reference_and_contact,
    tickets_of_requester,
)
from tickets.tokens import FollowLinkError, follow_token_read

OPENED_KEY = "tickets_opened"
# Wrong number-and-contact checks allowed per window (LOGIN_FAILURE_WINDOW) before the check
# pauses: from one address, for one question, and in the whole organisation (guesses spread
# over many addresses). A paused question can still be opened with the link, which the asker
# can have sent again to the address given with the question.
OPEN_FAILURE_LIMIT = 10
QUESTION_FAILURE_LIMIT = 5
ORGANISATION_FAILURE_LIMIT = 100
LINK_RESEND_LIMIT = 1


def _opened(request: HttpRequest) -> frozenset[int]:
    return frozenset(request.session.get(OPENED_KEY, []))


def _remember(request: HttpRequest, ticket: Ticket) -> None:
    request.session[OPENED_KEY] = sorted(_opened(request) | {ticket.pk})


def _followed(request: HttpRequest, number: int) -> Ticket:
    ticket = get_object_or_404(Ticket.objects.select_related("product"), number=number)
    if permissions.can_follow_ticket(request.user, ticket, opened=_opened(request)):
        return ticket
    raise Http404


def _actor(request: HttpRequest, ticket: Ticket) -> object:
    """Who writes as the asker: their own account, or nobody by name when this browser opened the
    question with its link or contact check (a requester may follow somebody else's question)."""
    return request.user if permissions.is_requester_of(request.user, ticket) else None


@allowed_if(core_permissions.is_tenant_member)
def my_questions(request: HttpRequest) -> HttpResponse:
    return render(request, "tickets/mine.html", {"tickets": tickets_of_requester(request.user)})


def follow(request: HttpRequest, number: int) -> HttpResponse:
    ticket = _followed(request, number)
    form = RequesterReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reply_post(ticket=ticket, actor=_actor(request, ticket), body=form.cleaned_data["body"])
        except services.TicketClosed:
            messages.error(request, _("This question is closed. Please ask a new question."))
        else:
            messages.success(request, _("Thank you. We got your message."))
        return redirect("tickets:follow", number=ticket.number)
    return render(request, "tickets/follow.html", follow_context(request, ticket, form=form))


def follow_context(
    request: HttpRequest, ticket: Ticket, *, form: RequesterReplyForm | None = None, photo_form: PhotoForm | None = None
) -> dict[str, object]:
    """What the requester's page of their question shows; a rejected form is passed back in."""
    return {
        "ticket": ticket,
        "conversation": messages_for(ticket, include_internal=False),
        "calls": calls_for(ticket),
        "form": form or RequesterReplyForm(),
        "photos": ticket.attachments.all(),
        "photo_form": photo_form or PhotoForm(),
        "follow_panels": hooks.follow_panels,
    }


@require_POST
def solved(request: HttpRequest, number: int) -> HttpResponse:
    ticket = _followed(request, number)
    services.ticket_requester_solved(ticket=ticket, actor=_actor(request, ticket))
    messages.success(request, _("Good to hear it is solved. Thank you."))
    return redirect("tickets:follow", number=ticket.number)


@require_POST
def needs_help(request: HttpRequest, number: int) -> HttpResponse:
    ticket = _followed(request, number)
    services.ticket_requester_needs_help(ticket=ticket, actor=_actor(request, ticket))
    messages.success(request, _("We will help you further. A helper will contact you."))
    return redirect("tickets:follow", number=ticket.number)


def _not_for_staff(request: HttpRequest, ticket: Ticket | None = None) -> HttpResponse:
    """A signed-in helper or manager who uses the asker's way in goes to the helpers' pages, where
    their own role decides what they may do (`permissions.may_act_as_asker`)."""
    if not permissions.can_view_queue(request.user):
        raise Http404
    if ticket is not None:
        return redirect("tickets:detail", number=ticket.number)
    messages.info(request, _("You are signed in as a helper. Find the question in the queue."))
    return redirect("tickets:queue")


def open_question(request: HttpRequest) -> HttpResponse:
    """Opens a question with its number and the e-mail address or phone number given."""
    if not permissions.may_act_as_asker(request.user):
        return _not_for_staff(request)
    form = OpenQuestionForm(request.POST or None, initial={"reference": request.GET.get("reference", "")})
    address = throttle.client_address(request)
    if request.method == "POST" and form.is_valid():
        number = reference_number(form.cleaned_data["reference"])
        if _open_paused(address, number):
            return _paused(request, number)
        ticket = ticket_by_reference_and_contact(form.cleaned_data["reference"], form.cleaned_data["contact"])
        if ticket is not None:
            _remember(request, ticket)
            return redirect("tickets:follow", number=ticket.number)
        throttle.record_failure("follow", address)
        throttle.record_failure("follow-organisation", "all")
        if number is not None:
            throttle.record_failure("follow-question", str(number))
        form.add_error(None, _("We cannot find a question with this number and these details. Check them."))
    return render(request, "tickets/open.html", {"form": form})


def _open_paused(address: str, number: int | None) -> bool:
    return (
        throttle.is_blocked("follow", address, OPEN_FAILURE_LIMIT)
        or throttle.is_blocked("follow-organisation", "all", ORGANISATION_FAILURE_LIMIT)
        or (number is not None and throttle.is_blocked("follow-question", str(number), QUESTION_FAILURE_LIMIT))
    )


def _paused(request: HttpRequest, number: int | None, *, sent: bool = False) -> HttpResponse:
    """The check is paused: a friendly page with the phone number, and a button that e-mails the
    question's link to the address given with it (never to an address typed here)."""
    return render(request, "tickets/open_paused.html", {"number": number, "sent": sent}, status=429)


@require_POST
def open_send_link(request: HttpRequest) -> HttpResponse:
    """Sends the link that opens question `number` to its own e-mail address, at most once per
    window; the page says the same whether or not the question (or its address) exists."""
    number = reference_number(request.POST.get("reference", "")[:30])
    if number is None:
        return redirect("tickets:open")
    if not throttle.is_blocked("follow-resend", str(number), LINK_RESEND_LIMIT):
        throttle.record_failure("follow-resend", str(number))
        ticket = Ticket.objects.filter(number=number).first()
        if ticket is not None:
            services.ticket_follow_link_send(ticket=ticket)
    return _paused(request, number, sent=True)


def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """The magic link from the confirmation e-mail."""
    try:
        ticket_id = follow_token_read(token)
    except FollowLinkError:
        return render(request, "tickets/open_link_invalid.html", status=400)
    ticket = get_object_or_404(Ticket, pk=ticket_id)
    if not permissions.may_act_as_asker(request.user):
        return _not_for_staff(request, ticket)
    _remember(request, ticket)
    return redirect("tickets:follow", number=ticket.number)
