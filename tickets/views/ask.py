"""Asking a question, for end users: one question per page, check your answers, confirmation.

No account is needed. What is typed lives in the session until the question is sent, so the back
links and "change" links keep every answer. Signed-in people are not asked what we know already.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from helpdesk import permissions, throttle
from tenants.models import Product
from tenants.selectors import current_organisation
from tickets import services
from tickets.forms import AskContactForm, AskForWhomForm, AskProductForm, AskQuestionForm
from tickets.models import Channel, ContactMethod, OnBehalfRelation, Ticket
from tickets.views.requester import OPENED_KEY

SESSION_KEY = "ask"
DONE_KEY = "ask_done"
STEPS = ("product", "question", "for_whom", "contact")
# Questions one address may send per throttle window (settings.LOGIN_FAILURE_WINDOW).
ASK_LIMIT = 10


def _state(request: HttpRequest) -> dict[str, Any]:
    return dict(request.session.get(SESSION_KEY, {}))


def _save(request: HttpRequest, **values: Any) -> None:
    request.session[SESSION_KEY] = {**_state(request), **values}


def _known(request: HttpRequest) -> Any:
    return request.user if permissions.is_tenant_member(request.user) else None


def _missing_before(state: dict[str, Any], step: str) -> str | None:
    """The first earlier step that has no answer yet, so nobody skips ahead by URL."""
    for earlier in STEPS[: STEPS.index(step)]:
        if earlier not in state.get("done", []):
            return earlier
    return None


def _after(request: HttpRequest, step: str) -> HttpResponse:
    state = _state(request)
    done = [*state.get("done", []), step]
    _save(request, done=sorted(set(done), key=STEPS.index))
    if state.get("checking") or step == STEPS[-1]:
        return redirect("tickets:ask_check")
    return redirect("tickets:ask_step", step=STEPS[STEPS.index(step) + 1])


def _back_url(step: str) -> str:
    index = STEPS.index(step)
    return reverse("home") if index == 0 else reverse("tickets:ask_step", kwargs={"step": STEPS[index - 1]})


def _form_for(request: HttpRequest, step: str, data: Any, state: dict[str, Any]) -> forms.Form:
    if step == "product":
        return AskProductForm(data, products=current_organisation().active_products(), initial=state)
    if step == "question":
        return AskQuestionForm(data, initial=state)
    if step == "for_whom":
        return AskForWhomForm(data, initial=state)
    return AskContactForm(data, known=_known(request), initial=state)


def ask_start(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("tickets:ask_step", step=STEPS[0])


def ask_step(request: HttpRequest, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    state = _state(request)
    missing = _missing_before(state, step)
    if missing:
        return redirect("tickets:ask_step", step=missing)
    form = _form_for(request, step, request.POST if request.method == "POST" else None, state)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        if step == "product":
            values["product"] = values["product"].pk
        if step == "question" and values.pop("website", ""):
            values["robot"] = True
        _save(request, **values)
        return _after(request, step)
    context = {"form": form, "step": step, "number": STEPS.index(step) + 1, "steps": len(STEPS)}
    context["back_url"] = _back_url(step)
    if step == "product":
        context["products"] = current_organisation().active_products()
    return render(request, f"tickets/ask/{step}.html", context)


def ask_check(request: HttpRequest) -> HttpResponse:
    state = _state(request)
    missing = _missing_before(state, "contact") or ("contact" if "contact" not in state.get("done", []) else None)
    if missing:
        return redirect("tickets:ask_step", step=missing)
    _save(request, checking=True)
    address = throttle.client_address(request)
    if request.method == "POST":
        if throttle.is_blocked("ask", address, ASK_LIMIT):
            return render(request, "tickets/ask/too_many.html", status=429)
        request.session.pop(SESSION_KEY, None)
        if state.get("robot"):
            return redirect("tickets:ask_start")
        throttle.record_failure("ask", address)
        ticket = _file(request, state)
        request.session[DONE_KEY] = ticket.number
        # This browser may follow the question it just asked, with or without an account.
        request.session[OPENED_KEY] = sorted({*request.session.get(OPENED_KEY, []), ticket.pk})
        return redirect("tickets:ask_done")
    product = Product.objects.filter(pk=state.get("product")).first()
    context = {
        "state": state,
        "product": product,
        "method_label": ContactMethod(state["contact_method"]).label,
        "relation_label": OnBehalfRelation(state.get("on_behalf_relation") or "").label,
    }
    return render(request, "tickets/ask/check.html", context)


def _file(request: HttpRequest, state: dict[str, Any]) -> Ticket:
    known = _known(request)
    return services.ticket_create(
        actor=known,
        requester=known,
        product=Product.objects.get(pk=state["product"]),
        subject=state["subject"],
        body=state["body"],
        contact_name=state.get("contact_name", ""),
        contact_email=state.get("contact_email", ""),
        contact_phone=state.get("contact_phone", ""),
        contact_method=state["contact_method"],
        on_behalf_of_name=state.get("on_behalf_of_name", ""),
        on_behalf_relation=state.get("on_behalf_relation", ""),
        channel=Channel.WEB,
    )


def ask_done(request: HttpRequest) -> HttpResponse:
    number = request.session.get(DONE_KEY)
    ticket = Ticket.objects.filter(number=number).first() if number else None
    if ticket is None:
        return redirect("tickets:ask_start")
    return render(request, "tickets/ask/done.html", {"ticket": ticket})
