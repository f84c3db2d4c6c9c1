"""What a helper's question page shows: the reads, what the viewer may do, the forms they may use.

Every read is evaluated here, before the template renders, so the page costs the same number
of queries whatever the size of the conversation or of the organisation
(tests/tickets/test_question_page_queries.py): one query each for the conversation, the
history, the photos and the calls; the panels of the apps above (`hooks.question_facts`,
`hooks.question_panels`) are read here too, once. A form is made only when the viewer may use
it; the product menu and the saved replies come from the cache (`tenants.product_choices`,
`tickets.saved_replies`). The page below the site's
frame is Jinja2 (`jinja2_templates/tickets/detail_body.html`, docs/decisions.md #22).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from helpdesk import permissions as core_permissions
from helpdesk.tenancy import current_organisation
from tenants.product_choices import product_choices
from tickets import hooks, permissions
from tickets.forms import (
    CallForm,
    EscalateForm,
    HandBackForm,
    NoteForm,
    PhotoForm,
    ProductTopicForm,
    ReplyForm,
    ResolveForm,
)
from tickets.models import Status, Ticket
from tickets.saved_replies import saved_replies
from tickets.selectors import calls_for, events_for, messages_for, resolve_refusal


def about_form(ticket: Ticket, data: Any = None) -> ProductTopicForm:
    """Product and topic of the question: the organisation's products, checked against the
    database when sent, shown from the cache."""
    organisation = current_organisation()
    return ProductTopicForm(
        data,
        initial={"product": ticket.product_id, "topic": ticket.topic},
        products=organisation.active_products(),
        choices=product_choices(organisation),
    )


def _may(forms: dict[str, Any], name: str, allowed: bool, make: Any) -> Any:
    """The form the request brought back (with its errors), or a new one, if the viewer may use it."""
    if not allowed:
        return None
    return forms.get(name) or make()


def detail_context(request: HttpRequest, ticket: Ticket, **forms: Any) -> dict[str, Any]:
    user = request.user
    can_work = permissions.can_work_ticket(user, ticket)
    can_take_over = permissions.can_take_over_ticket(user, ticket)
    can_escalate = permissions.can_escalate_ticket(user, ticket)
    can_hand_back = permissions.can_hand_back_ticket(user, ticket)
    can_note = permissions.can_add_note(user, ticket)
    can_call = can_work and not ticket.is_closed and (ticket.asked_for_call or bool(ticket.contact_phone))
    conversation = list(messages_for(ticket, include_internal=permissions.can_see_internal_notes(user, ticket)))
    calls = list(calls_for(ticket))
    # The panels first: an app above may read what the "not solved yet" reason needs as well.
    facts = hooks.question_facts.contexts(request, ticket)
    panels = hooks.question_panels.contexts(request, ticket)
    refusal = resolve_refusal(ticket, calls=calls, conversation=conversation) if can_work and ticket.is_open else None
    return {
        "ticket": ticket,
        "with_professionals": ticket.is_with_professionals,
        "is_professional": core_permissions.is_professional_here(user),
        "can_claim": permissions.can_claim_ticket(user, ticket),
        "can_release": permissions.can_release_ticket(user, ticket),
        "can_set_waiting": can_work and ticket.can_change_to(Status.WAITING),
        "can_close": can_work and ticket.can_change_to(Status.CLOSED),
        "can_note": can_note,
        "can_escalate": can_escalate,
        "can_mark_worry": permissions.can_mark_worry(user, ticket),
        "can_take_over": can_take_over,
        # The professionals' queue hands over to ?take=1: the take-over button comes first then.
        "take_first": can_take_over and request.GET.get("take") == "1",
        "can_hand_back": can_hand_back,
        "escalate_form": _may(forms, "escalate_form", can_escalate, EscalateForm),
        "hand_back_form": _may(forms, "hand_back_form", can_hand_back, HandBackForm),
        "contact_person": bool(current_organisation().contact_person_email),
        "question_facts": facts,
        "question_panels": panels,
        "conversation": conversation,
        "events": list(events_for(ticket)),
        "photos": list(ticket.attachments.all()),
        "photo_form": _may(forms, "photo_form", can_work, PhotoForm),
        "saved_replies": saved_replies() if can_work and not ticket.is_closed else [],
        "can_work": can_work,
        "reply_form": _may(forms, "reply_form", can_work and not ticket.is_closed, ReplyForm),
        "note_form": _may(forms, "note_form", can_note and not ticket.is_closed, NoteForm),
        "resolve_form": _may(forms, "resolve_form", can_work and ticket.is_open and refusal is None, ResolveForm),
        "resolve_refusal": refusal,
        "calls": calls,
        "can_call": can_call,
        "call_form": _may(forms, "call_form", can_call, CallForm),
        "about_form": _may(forms, "about_form", can_work, lambda: about_form(ticket)),
        # The first rejected form, so the page title says "Error: ".
        "form": next((f for f in forms.values() if f is not None and f.errors), None),
    }


def question_page(request: HttpRequest, ticket: Ticket, **forms: Any) -> HttpResponse:
    """The question page, with any form the request brought back (and its errors)."""
    context = detail_context(request, ticket, **forms)
    body = render_to_string("tickets/detail_body.html", context, request)
    return render(request, "tickets/detail.html", context | {"body": mark_safe(body)})  # noqa: S308 - Jinja2 escaped it
