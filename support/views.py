"""Pages on an organisation's host: answers to approve, a trainee's returned answers, advice
from professionals, and a volunteer's level (for managers)."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk import permissions as core_permissions
from helpdesk.accounts.models import User
from helpdesk.decorators import allowed_if, login_required_here
from helpdesk.tenancy import current_organisation
from support import permissions, selectors, services
from support.forms import AdviceAnswerForm, AdviceAskForm, AgainForm, ApproveForm, LevelForm, ReturnForm
from support.models import AdviceThread, PendingReply
from tickets import permissions as tickets_permissions
from tickets.models import Ticket
from tickets.selectors import messages_for
from tickets.services import TicketError, TicketWithProfessionals
from tickets.views.outcomes import answer_went
from tickets.views.staff import ticket_or_404


def _pending_or_404(request: HttpRequest, pk: int) -> PendingReply:
    pending = get_object_or_404(PendingReply.objects.select_related("ticket", "ticket__product", "author"), pk=pk)
    if not permissions.can_see_pending_reply(request.user, pending):
        raise Http404
    return pending


# --- Answers waiting for approval ---------------------------------------------------------------------


@allowed_if(permissions.can_see_approvals)
def approvals(request: HttpRequest) -> HttpResponse:
    context = {
        "to_review": selectors.replies_to_review(request.user),
        "mine": selectors.replies_of_author(request.user),
    }
    return render(request, "support/approvals.html", context)


def _review_page(request: HttpRequest, pending: PendingReply, **forms: Any) -> HttpResponse:
    approve_form = forms.get("approve_form") or ApproveForm(initial={"body": pending.body})
    return_form = forms.get("return_form") or ReturnForm()
    context = {
        "pending": pending,
        "ticket": pending.ticket,
        "conversation": messages_for(pending.ticket, include_internal=True),
        "can_review": pending.is_pending and permissions.can_review_reply(request.user, pending),
        "approve_form": approve_form,
        "return_form": return_form,
        "form": next((f for f in (approve_form, return_form) if f.errors), None),
    }
    return render(request, "support/review.html", context)


@login_required_here
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """One held answer: read it with the question, then approve (maybe edited) or return it."""
    pending = _pending_or_404(request, pk)
    if request.method == "GET":
        return _review_page(request, pending)
    if not permissions.can_review_reply(request.user, pending):
        raise Http404
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _review_page(request, pending, approve_form=form)
    try:
        services.reply_approve(actor=request.user, pending=pending, body=form.cleaned_data["body"])
    except services.ReplyAlreadyDecided:
        messages.error(request, _("Somebody else approved or returned this answer just before you."))
    except TicketWithProfessionals:
        messages.error(request, _("The professionals have this question now. Only they can approve this answer."))
        return redirect("support:review", pk=pending.pk)
    except TicketError:
        messages.error(request, _("This question is closed. Open it again first, or return the answer."))
        return redirect("support:review", pk=pending.pk)
    else:
        messages.success(request, _("The answer is approved.") + " " + answer_went(pending.ticket))
    return redirect("tickets:detail", number=pending.ticket.number)


@require_POST
@login_required_here
def review_return(request: HttpRequest, pk: int) -> HttpResponse:
    pending = _pending_or_404(request, pk)
    if not permissions.can_review_reply(request.user, pending):
        raise Http404
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _review_page(request, pending, return_form=form)
    try:
        services.reply_return(actor=request.user, pending=pending, note=form.cleaned_data["note"])
    except services.ReplyAlreadyDecided:
        messages.error(request, _("Somebody else approved or returned this answer just before you."))
    else:
        messages.success(request, _("The answer went back to the trainee with your note."))
    return redirect("tickets:detail", number=pending.ticket.number)


@login_required_here
@require_http_methods(["GET", "POST"])
def write_again(request: HttpRequest, pk: int) -> HttpResponse:
    """The trainee reads the note on a returned answer and writes it again."""
    pending = _pending_or_404(request, pk)
    if pending.author_id != request.user.pk or pending.status != PendingReply.Status.RETURNED:
        raise Http404
    if not tickets_permissions.can_work_ticket(request.user, pending.ticket) or pending.rewritten_at is not None:
        raise Http404
    form = AgainForm(request.POST or None, initial={"body": pending.body})
    if request.method == "POST" and form.is_valid():
        try:
            result = services.reply_write_again(actor=request.user, returned=pending, body=form.cleaned_data["body"])
        except TicketError:
            messages.error(request, _("This question is closed. Open it again first."))
        except services.SupportError:
            messages.error(request, _("You wrote this answer again already."))
        else:
            messages.success(request, _sent_or_held(result, pending.ticket))
        return redirect("tickets:detail", number=pending.ticket.number)
    return render(request, "support/again.html", {"pending": pending, "ticket": pending.ticket, "form": form})


def _sent_or_held(result: object, ticket: Ticket) -> str:
    if isinstance(result, PendingReply):
        return _("Your answer waits for approval by an experienced volunteer or a professional.")
    return answer_went(ticket)


# --- Ask a professional --------------------------------------------------------------------------------


def _may_use_advice(user: Any, ticket: Ticket) -> bool:
    return permissions.can_ask_advice(user, ticket) or core_permissions.is_professional_here(user)


def _advice_page(request: HttpRequest, ticket: Ticket, **forms: Any) -> HttpResponse:
    threads = list(selectors.advice_threads_on(ticket, request.user))
    ask_form = forms.get("ask_form") or AdviceAskForm()
    answer_forms = forms.get("answer_forms") or {}
    is_professional = core_permissions.is_professional_here(request.user)
    for thread in threads:
        thread.answer_form = answer_forms.get(thread.pk) or AdviceAnswerForm(prefix=f"answer-{thread.pk}")
        if not is_professional:
            # The volunteer who asked adds to their own request rather than giving advice.
            thread.answer_form.fields["body"].label = _("What do you want to add?")
    rejected = [f for f in (ask_form, *answer_forms.values()) if f.errors]
    context = {
        "ticket": ticket,
        "threads": threads,
        "ask_form": ask_form,
        "can_ask": permissions.can_ask_advice(request.user, ticket) and ticket.is_open,
        "is_professional": is_professional,
        "form": rejected[0] if rejected else None,
    }
    return render(request, "support/advice.html", context)


@login_required_here
@require_http_methods(["GET", "POST"])
def advice(request: HttpRequest, number: int) -> HttpResponse:
    """The volunteer's private exchange with the professionals about one question."""
    ticket = ticket_or_404(request, number, _may_use_advice)
    if request.method == "GET":
        return _advice_page(request, ticket)
    if not permissions.can_ask_advice(request.user, ticket):
        raise Http404
    form = AdviceAskForm(request.POST)
    if not form.is_valid():
        return _advice_page(request, ticket, ask_form=form)
    try:
        services.advice_ask(ticket=ticket, actor=request.user, body=form.cleaned_data["body"])
    except TicketError:
        messages.error(request, _("This question is closed. Open it again first."))
    else:
        messages.success(request, _("Your question went to the professionals. The question stays yours."))
    return redirect("support:advice", number=ticket.number)


def _thread_or_404(request: HttpRequest, number: int, thread_id: int) -> AdviceThread:
    thread = get_object_or_404(AdviceThread.objects.select_related("ticket"), pk=thread_id, ticket__number=number)
    if not permissions.can_see_advice(request.user, thread):
        raise Http404
    return thread


@require_POST
@login_required_here
def advice_answer(request: HttpRequest, number: int, thread_id: int) -> HttpResponse:
    """A professional answers; the volunteer who asked adds to their own request."""
    thread = _thread_or_404(request, number, thread_id)
    adding = permissions.can_add_to_advice(request.user, thread)
    if not adding and not permissions.can_answer_advice(request.user, thread):
        raise Http404
    form = AdviceAnswerForm(request.POST, prefix=f"answer-{thread.pk}")
    if not form.is_valid():
        return _advice_page(request, thread.ticket, answer_forms={thread.pk: form})
    try:
        if adding:
            if not thread.is_active:
                raise services.AdviceClosed("This exchange is closed.")
            services.advice_ask(ticket=thread.ticket, actor=request.user, body=form.cleaned_data["body"])
        else:
            services.advice_answer(thread=thread, actor=request.user, body=form.cleaned_data["body"])
    except services.AdviceClosed:
        if adding:
            messages.error(request, _("This exchange is closed. Ask the professionals again in a new one."))
        else:
            messages.error(request, _("The volunteer closed this exchange already."))
    except TicketError:
        messages.error(request, _("This question is closed. Open it again first."))
    else:
        if adding:
            messages.success(request, _("Your addition went to the professionals."))
        else:
            messages.success(request, _("Your advice is sent. The volunteer gets an e-mail."))
    return redirect("support:advice", number=number)


@require_POST
@login_required_here
def advice_close(request: HttpRequest, number: int, thread_id: int) -> HttpResponse:
    thread = _thread_or_404(request, number, thread_id)
    if not permissions.can_close_advice(request.user, thread):
        raise Http404
    with contextlib.suppress(services.AdviceClosed):
        services.advice_close(thread=thread, actor=request.user)
    messages.success(request, _("The exchange is closed."))
    return redirect("support:advice", number=number)


# --- Levels ----------------------------------------------------------------------------------------------


@allowed_if(core_permissions.can_manage_users)
@require_http_methods(["GET", "POST"])
def level_set(request: HttpRequest, user_id: int) -> HttpResponse:
    """A manager sets a volunteer's level for one product or for all products."""
    volunteer = get_object_or_404(User, pk=user_id)
    if not permissions.can_set_volunteer_level(request.user, volunteer):
        raise Http404
    products = current_organisation().active_products()
    form = LevelForm(request.POST or None, products=products)
    if request.method == "POST" and form.is_valid():
        services.volunteer_level_set(
            actor=request.user,
            volunteer=volunteer,
            product=form.cleaned_data["product"],
            level=form.cleaned_data["level"],
        )
        messages.success(request, _("The level of %(name)s is saved.") % {"name": volunteer.full_name})
        return redirect("accounts:user_detail", user_id=volunteer.pk)
    context = {"person": volunteer, "form": form, "rows": selectors.level_rows(volunteer, products)}
    return render(request, "support/level.html", context)
