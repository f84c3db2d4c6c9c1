"""The volunteers' queue and the question page, for helpers and (read-only) managers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk import permissions as core_permissions
from helpdesk.decorators import allowed_if, login_required_here
from helpdesk.tenancy import current_organisation
from tenants.product_choices import product_choices
from tickets import hooks, permissions, services
from tickets.forms import (
    CallForm,
    CloseForm,
    NoteForm,
    NotificationForm,
    ProductTopicForm,
    QueueFilterForm,
    ReplyForm,
    ResolveForm,
    SavedReplyForm,
    query_id,
)
from tickets.models import Message, NotificationPreference, SavedReply, Ticket
from tickets.selectors import QueueFilters, queue_for, queue_rows
from tickets.views.outcomes import answer_went
from tickets.views.paging import LimitedCountPaginator, queue_texts
from tickets.views.question_page import about_form, question_page
from tickets.views.refusals import WITH_PROFESSIONALS, explain

QUEUE_PAGE_SIZE = 50


def _with_what_pages_show() -> tuple[str, ...]:
    """The question's columns but its search vector (no page shows it, and it is the widest),
    all of its product's, and of the helper and of whoever passed it on only their names."""
    product = Ticket._meta.get_field("product").related_model
    return (
        *(f.name for f in Ticket._meta.concrete_fields if f.name != "search"),
        *(f"product__{f.name}" for f in product._meta.concrete_fields),
        "assignee__full_name",
        "escalated_by__full_name",
    )


PAGE_FIELDS = _with_what_pages_show()


def ticket_or_404(request: HttpRequest, number: int, check: Callable[[Any, Ticket], bool]) -> Ticket:
    """The question with this number, if `check` lets the signed-in person at it; else 404."""
    ticket = get_object_or_404(
        Ticket.objects.select_related("product", "assignee", "escalated_by").only(*PAGE_FIELDS), number=number
    )
    if not check(request.user, ticket):
        raise Http404
    return ticket


def helper_ticket_or_404(request: HttpRequest, number: int) -> Ticket:
    """The question, for a helper who works it or follows it; 404 for everybody else."""
    return ticket_or_404(request, number, permissions.is_helper_on)


@allowed_if(permissions.can_view_queue)
def queue(request: HttpRequest) -> HttpResponse:
    organisation = current_organisation()
    form = QueueFilterForm(
        request.GET or None, products=organisation.active_products(), choices=product_choices(organisation)
    )
    filters = form.filters() if form.is_bound and form.is_valid() else QueueFilters()
    matches = queue_for(request.user, filters)
    paginator = LimitedCountPaginator(queue_rows(matches), QUEUE_PAGE_SIZE, counted=matches)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter_form": form,
        "page": page,
        "query": query.urlencode(),
        "filters": filters,
        "can_take_intake": permissions.can_take_intake(request.user),
        "can_manage_saved_replies": permissions.can_manage_saved_replies(request.user),
        "can_keep_duty": permissions.can_keep_duty(request.user),
    }
    context |= {"texts": queue_texts(page), "refresh_url": _refresh_url(context["query"], page.number)}
    if request.htmx:
        return HttpResponse(render_to_string("tickets/queue_rows.html", context, request))
    body = mark_safe(render_to_string("tickets/queue_body.html", context, request))  # noqa: S308 - Jinja2 escaped it
    return render(request, "tickets/queue.html", context | {"body": body})


def _refresh_url(query: str, number: int) -> str:
    """Where the rows' timed refresh asks: the same filters and page."""
    parts = [part for part in (query, f"page={number}" if number > 1 else "") if part]
    return reverse("tickets:queue") + (f"?{'&'.join(parts)}" if parts else "")


@login_required_here
def detail(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_or_404(request, number, permissions.can_view_ticket)
    if not permissions.can_view_queue(request.user):
        return redirect("tickets:follow", number=number)
    services.ticket_record_view(ticket=ticket, actor=request.user)
    reply_form = None
    prefill = hooks.reply_prefill.first(request=request, ticket=ticket)
    if prefill and permissions.can_work_ticket(request.user, ticket):
        reply_form = ReplyForm(initial={"body": prefill})
    return question_page(request, ticket, reply_form=reply_form)


def _with_saved_reply(request: HttpRequest, number: int) -> HttpResponse:
    """Without JavaScript, "Put in the answer" sends the typed text along: the saved reply is added
    after it, and the page comes back with both in the answer field, nothing sent yet."""
    ticket = helper_ticket_or_404(request, number)
    if not permissions.can_work_ticket(request.user, ticket):
        messages.error(request, WITH_PROFESSIONALS)
        return back_to_ticket(ticket)
    typed = request.POST.get("body", "")
    saved = query_id(request.POST, "saved")
    chosen = SavedReply.objects.filter(pk=saved).first() if saved is not None else None
    if chosen is not None:
        typed = f"{typed.rstrip()}\n\n{chosen.body}" if typed.strip() else chosen.body
    reply_form = ReplyForm(initial={"body": typed})
    return question_page(request, ticket, reply_form=reply_form)


def back_to_ticket(ticket: Ticket) -> HttpResponse:
    return redirect("tickets:detail", number=ticket.number)


@require_POST
@login_required_here
def claim(request: HttpRequest, number: int) -> HttpResponse:
    ticket = helper_ticket_or_404(request, number)
    try:
        services.ticket_claim(ticket=ticket, actor=request.user)
    except services.TicketError as error:
        explain(request, error, closed=_("This question is closed. Nobody can take it."))
    else:
        messages.success(request, _("You took this question. It is yours now."))
    return back_to_ticket(ticket)


def _simple_change(request: HttpRequest, number: int, service: Callable[..., Ticket], done: Any) -> HttpResponse:
    """A status change without a form: the service, then what the page says after it."""
    ticket = helper_ticket_or_404(request, number)
    if not permissions.can_work_ticket(request.user, ticket):
        messages.error(request, WITH_PROFESSIONALS)
        return back_to_ticket(ticket)
    try:
        service(ticket=ticket, actor=request.user)
    except services.TicketError as error:
        explain(request, error)
    else:
        messages.success(request, done)
    return back_to_ticket(ticket)


@require_POST
@login_required_here
def release(request: HttpRequest, number: int) -> HttpResponse:
    return _simple_change(request, number, services.ticket_release, _("You gave the question back to the queue."))


@require_POST
@login_required_here
def set_waiting(request: HttpRequest, number: int) -> HttpResponse:
    done = _("The question now waits for an answer from the person who asked.")
    return _simple_change(request, number, services.ticket_set_waiting, done)


@login_required_here
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, number: int) -> HttpResponse:
    """Asks first: closing a question that is not solved needs a reason; a solved one just closes."""
    ticket = helper_ticket_or_404(request, number)
    if not permissions.can_work_ticket(request.user, ticket) or ticket.is_closed:
        return back_to_ticket(ticket)
    form = CloseForm(request.POST if request.method == "POST" else None) if ticket.is_open else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            services.ticket_close(
                ticket=ticket, actor=request.user, reason=form.cleaned_data["reason"] if form is not None else ""
            )
        except services.TicketError as error:
            explain(request, error)
        else:
            messages.success(request, _("The question is closed."))
        return back_to_ticket(ticket)
    return render(request, "tickets/close.html", {"ticket": ticket, "form": form})


@require_POST
@login_required_here
def reopen(request: HttpRequest, number: int) -> HttpResponse:
    return _simple_change(request, number, services.ticket_reopen, _("The question is open again."))


def _form_action(
    request: HttpRequest,
    number: int,
    form_class: type,
    name: str,
    act: Callable[[Ticket, dict[str, Any]], None],
    allowed: Callable[[Any, Ticket], bool] = permissions.can_work_ticket,
) -> HttpResponse:
    ticket = helper_ticket_or_404(request, number)
    form = about_form(ticket, request.POST) if form_class is ProductTopicForm else form_class(request.POST)
    if not allowed(request.user, ticket):
        # The question went to the professionals after this page was opened. What was typed is
        # kept, in the internal note, so it still reaches them.
        messages.error(request, WITH_PROFESSIONALS)
        typed = form.data.get(form.add_prefix("body"), "") if name == "reply_form" else ""
        if typed.strip() and permissions.can_add_note(request.user, ticket):
            messages.info(
                request, _("Your text is in the internal note below. Save it there, so the professional reads it.")
            )
            note_form = NoteForm(initial={"body": typed})
            return question_page(request, ticket, note_form=note_form)
        return back_to_ticket(ticket)
    if not form.is_valid():
        return question_page(request, ticket, **{name: form})
    try:
        act(ticket, form.cleaned_data)
    except services.TicketError as error:
        explain(request, error)
    return back_to_ticket(ticket)


@require_POST
@login_required_here
def reply(request: HttpRequest, number: int) -> HttpResponse:
    if "insert" in request.POST:
        return _with_saved_reply(request, number)

    def act(ticket: Ticket, data: dict[str, Any]) -> None:
        # An app above may hold the answer back: a trainee's answer waits for approval.
        sent = services.reply_send(ticket=ticket, actor=request.user, body=data["body"])
        if not isinstance(sent, Message):
            messages.success(
                request, _("Your answer waits for approval by an experienced volunteer or a professional.")
            )
        else:
            messages.success(request, answer_went(ticket))

    return _form_action(request, number, ReplyForm, "reply_form", act)


@require_POST
@login_required_here
def call(request: HttpRequest, number: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict[str, Any]) -> None:
        services.call_record(ticket=ticket, actor=request.user, reached=data["reached"], note=data["note"])
        if data["reached"]:
            messages.success(request, _("The call is recorded. The person who asked sees it on their page."))
        else:
            messages.success(request, _("The call is recorded as not reached. Try again later."))

    return _form_action(request, number, CallForm, "call_form", act)


@require_POST
@login_required_here
def note(request: HttpRequest, number: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict[str, Any]) -> None:
        services.note_add(ticket=ticket, actor=request.user, body=data["body"])
        messages.success(request, _("Your note was saved. Only helpers see it."))

    return _form_action(request, number, NoteForm, "note_form", act, allowed=permissions.can_add_note)


@require_POST
@login_required_here
def resolve(request: HttpRequest, number: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict[str, Any]) -> None:
        services.ticket_resolve(ticket=ticket, actor=request.user, cause=data["cause"])
        messages.success(request, _("The question is solved."))

    return _form_action(request, number, ResolveForm, "resolve_form", act)


@require_POST
@login_required_here
def about(request: HttpRequest, number: int) -> HttpResponse:
    def act(ticket: Ticket, data: dict[str, Any]) -> None:
        ticket = services.ticket_change_product(ticket=ticket, actor=request.user, product=data["product"])
        services.ticket_change_topic(ticket=ticket, actor=request.user, topic=data["topic"])
        messages.success(request, _("Product and topic are saved."))

    return _form_action(request, number, ProductTopicForm, "about_form", act)


@allowed_if(core_permissions.can_work_queue)
def notifications(request: HttpRequest) -> HttpResponse:
    current = NotificationPreference.objects.filter(user=request.user).first()
    initial = {"new_questions": current.new_questions if current else NotificationPreference.NewQuestions.IMMEDIATELY}
    form = NotificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.notification_preference_set(user=request.user, new_questions=form.cleaned_data["new_questions"])
        messages.success(request, _("Your choice is saved."))
        return redirect("tickets:queue")
    return render(request, "tickets/notifications.html", {"form": form})


@allowed_if(permissions.can_manage_saved_replies)
def saved_replies(request: HttpRequest) -> HttpResponse:
    form = SavedReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.saved_reply_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The saved reply is added."))
        return redirect("tickets:saved_replies")
    return render(request, "tickets/saved_replies.html", {"form": form, "replies": SavedReply.objects.all()})


@require_POST
@allowed_if(permissions.can_manage_saved_replies)
def saved_reply_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.saved_reply_delete(actor=request.user, saved=get_object_or_404(SavedReply, pk=pk))
    messages.success(request, _("The saved reply is removed."))
    return redirect("tickets:saved_replies")
