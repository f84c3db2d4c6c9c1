"""Asking a question, for end users: one question per page, check your answers, confirmation.

No account is needed. What is typed lives in the session until the question is sent, so the back
links and "change" links keep every answer. Signed-in people are not asked what we know already.

A photo chosen on the question page is checked at once (tickets.uploads) and kept, cleaned, in
the organisation's own media folder under a random name that only this session knows. It joins
the question when it is sent, and is removed when it is sent, removed, replaced or abandoned.
"""

from __future__ import annotations

import re
import secrets
from contextlib import suppress
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from helpdesk import permissions as core_permissions
from helpdesk import throttle
from helpdesk.tenancy import current_organisation
from tenants.models import Product
from tickets import hooks, services
from tickets.forms import AskContactForm, AskForWhomForm, AskProductForm, AskQuestionForm, query_id
from tickets.models import Channel, ContactMethod, OnBehalfRelation, Ticket
from tickets.uploads import CleanPhoto
from tickets.views.requester import OPENED_KEY

SESSION_KEY = "ask"
DONE_KEY = "ask_done"
STEPS = ("product", "question", "for_whom", "contact")
# Questions one address may send per throttle window (settings.LOGIN_FAILURE_WINDOW).
ASK_LIMIT = 10
# Photos one address may choose per throttle window: each is kept on disk until it is sent or swept.
PHOTO_LIMIT = 30
# Photos of questions that are still being asked; per organisation through the tenant file storage.
PHOTO_FOLDER = "ask-photos"
# A kept photo of a question nobody sent is removed after this long (longer than a session lives).
PHOTO_MAX_AGE = timedelta(days=2)
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")


def _state(request: HttpRequest) -> dict[str, Any]:
    return dict(request.session.get(SESSION_KEY, {}))


def _save(request: HttpRequest, **values: Any) -> None:
    request.session[SESSION_KEY] = {**_state(request), **values}


def ask_state(request: HttpRequest) -> dict[str, Any]:
    """What this browser typed so far while asking (for apps that help while asking)."""
    return _state(request)


def ask_draft_keep(request: HttpRequest, *, subject: str, body: str) -> None:
    """Keeps typed text of the question step before it is sent, so leaving the page loses nothing."""
    if SESSION_KEY in request.session:
        _save(request, subject=subject[:200], body=body[:5000])


def ask_forget(request: HttpRequest) -> None:
    """Ends this browser's question without sending it (an instruction solved it)."""
    _photo_drop(request)
    request.session.pop(SESSION_KEY, None)


# --- The photo kept between the steps --------------------------------------------------------------


def _photo_path(kept: dict[str, str] | None) -> str | None:
    token = (kept or {}).get("token", "")
    return f"{PHOTO_FOLDER}/{token}" if _TOKEN.match(token) else None


def _photo_drop(request: HttpRequest) -> None:
    """Forgets the photo of this question and removes its file."""
    path = _photo_path(_state(request).get("photo"))
    if path:
        with suppress(FileNotFoundError):
            default_storage.delete(path)
    if SESSION_KEY in request.session:
        _save(request, photo=None)


def _photo_keep(request: HttpRequest, photo: CleanPhoto) -> None:
    """Keeps a checked photo until the question is sent; a new one replaces the one before."""
    _photo_drop(request)
    _photo_sweep()
    token = secrets.token_hex(16)
    default_storage.save(f"{PHOTO_FOLDER}/{token}", ContentFile(photo.content))
    kept = {"token": token, "name": photo.original_name, "content_type": photo.content_type}
    _save(request, photo={**kept, "extension": photo.extension})


def _photo_read(state: dict[str, Any]) -> CleanPhoto | None:
    kept = state.get("photo")
    path = _photo_path(kept)
    if not path:
        return None
    try:
        with default_storage.open(path, "rb") as stored:
            content = stored.read()
    except FileNotFoundError:
        return None
    return CleanPhoto(
        content=content, content_type=kept["content_type"], extension=kept["extension"], original_name=kept["name"]
    )


def _photo_sweep() -> None:
    """Removes photos of questions that were started and never sent."""
    try:
        _folders, names = default_storage.listdir(PHOTO_FOLDER)
    except FileNotFoundError:
        return
    before = timezone.now() - PHOTO_MAX_AGE
    for name in names:
        path = f"{PHOTO_FOLDER}/{name}"
        with suppress(FileNotFoundError):
            if default_storage.get_modified_time(path) < before:
                default_storage.delete(path)


def _photo_update(request: HttpRequest, form: forms.Form) -> bool:
    """After the question page is sent: a good new photo is kept even when another answer is
    missing, so nobody has to choose it twice; "remove this photo" removes the one before.

    False when the photo was refused because this address sent too many just now.
    """
    cleaned = getattr(form, "cleaned_data", {})
    if cleaned.get("remove_photo"):
        _photo_drop(request)
    if cleaned.get("photo"):
        address = throttle.client_address(request)
        if throttle.is_blocked("ask-photo", address, PHOTO_LIMIT):
            form.add_error("photo", _("Many photos came from this place just now. Try again in 15 minutes."))
            return False
        throttle.record_failure("ask-photo", address)
        _photo_keep(request, cleaned["photo"])
    return True


# --- The steps --------------------------------------------------------------------------------------


def _known(request: HttpRequest) -> Any:
    return request.user if core_permissions.is_tenant_member(request.user) else None


def _missing_before(state: dict[str, Any], step: str) -> str | None:
    """The first earlier step that has no answer yet, so nobody skips ahead by URL."""
    for earlier in STEPS[: STEPS.index(step)]:
        if earlier not in state.get("done", []):
            return earlier
    return None


def _next_url(state: dict[str, Any], step: str) -> str:
    if state.get("checking") or step == STEPS[-1]:
        return reverse("tickets:ask_check")
    return reverse("tickets:ask_step", kwargs={"step": STEPS[STEPS.index(step) + 1]})


def _after(request: HttpRequest, step: str) -> HttpResponse:
    state = _state(request)
    done = [*state.get("done", []), step]
    _save(request, done=sorted(set(done), key=STEPS.index))
    next_url = _next_url(state, step)
    if step == "question":
        next_url = hooks.ask_after_question.first(request=request, state=_state(request), next_url=next_url) or next_url
    return redirect(next_url)


def _back_url(step: str) -> str:
    index = STEPS.index(step)
    return reverse("home") if index == 0 else reverse("tickets:ask_step", kwargs={"step": STEPS[index - 1]})


def _form_for(request: HttpRequest, step: str, data: Any, state: dict[str, Any]) -> forms.Form:
    if step == "product":
        return AskProductForm(data, products=current_organisation().active_products(), initial=state)
    if step == "question":
        # The kept photo is not the file field's starting value: a file input never has one.
        initial = {key: value for key, value in state.items() if key != "photo"}
        return AskQuestionForm(data, request.FILES if data is not None else None, initial=initial)
    if step == "for_whom":
        return AskForWhomForm(data, initial=state)
    return AskContactForm(data, known=_known(request), initial=state)


def ask_start(request: HttpRequest) -> HttpResponse:
    """A new question. `?product=` chooses the product, so the first page asked is the question
    itself: an id (from an instruction's "ask anyway") or a slug (from a tile on the start page)."""
    _photo_drop(request)
    request.session.pop(SESSION_KEY, None)
    chosen = request.GET.get("product", "")
    products = current_organisation().active_products()
    # An instruction's "Ask a person after all" names the product by its slug; older links by id.
    chosen_id = query_id(request.GET, "product")
    product = None
    if chosen_id is not None:
        product = products.filter(pk=chosen_id).first()
    elif chosen and _SLUG.match(chosen):
        product = products.filter(slug=chosen).first()
    if product is not None:
        _save(request, product=product.pk, done=[STEPS[0]])
        return redirect("tickets:ask_step", step=STEPS[1])
    return redirect("tickets:ask_step", step=STEPS[0])


def ask_step(request: HttpRequest, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    state = _state(request)
    missing = _missing_before(state, step)
    if missing:
        return redirect("tickets:ask_step", step=missing)
    form = _form_for(request, step, request.POST if request.method == "POST" else None, state)
    valid = request.method == "POST" and form.is_valid()
    if request.method == "POST" and step == "question":
        valid = _photo_update(request, form) and valid
    if valid:
        values = dict(form.cleaned_data)
        if step == "product":
            values["product"] = values["product"].pk
        if step == "question":
            values.pop("photo", None)
            values.pop("remove_photo", None)
            if values.pop("website", ""):
                values["robot"] = True
        _save(request, **values)
        return _after(request, step)
    context = {"form": form, "step": step, "number": STEPS.index(step) + 1, "steps": len(STEPS)}
    context["back_url"] = _back_url(step)
    if step == "product":
        context["products"] = current_organisation().active_products()
    if step == "question":
        context["kept_photo"] = _state(request).get("photo")
        if context["kept_photo"]:
            form["photo"].label = _("Choose another photo")
        context["ask_panels"] = hooks.ask_question_panels
        context["ask_state"] = state
    return render(request, f"tickets/ask/{step}.html", context)


def ask_check(request: HttpRequest) -> HttpResponse:
    state = _state(request)
    missing = _missing_before(state, "contact") or ("contact" if "contact" not in state.get("done", []) else None)
    if missing:
        return redirect("tickets:ask_step", step=missing)
    _save(request, checking=True)
    address = throttle.client_address(request)
    if request.method == "POST" and request.POST.get("remove_photo"):
        _photo_drop(request)
        messages.success(request, _("The photo is removed."))
        return redirect("tickets:ask_check")
    if request.method == "POST":
        if throttle.is_blocked("ask", address, ASK_LIMIT):
            return render(request, "tickets/ask/too_many.html", status=429)
        if state.get("robot"):
            _photo_drop(request)
            request.session.pop(SESSION_KEY, None)
            return redirect("tickets:ask_start")
        throttle.record_failure("ask", address)
        ticket = _file(request, state)
        hooks.ask_filed.send(request=request, ticket=ticket)
        _photo_drop(request)
        request.session.pop(SESSION_KEY, None)
        request.session[DONE_KEY] = ticket.number
        # This browser may follow the question it just asked, with or without an account.
        request.session[OPENED_KEY] = sorted({*request.session.get(OPENED_KEY, []), ticket.pk})
        return redirect("tickets:ask_done")
    product = Product.objects.filter(pk=state.get("product")).first()
    context = {
        "state": state,
        "kept_photo": state.get("photo"),
        "product": product,
        "method_label": ContactMethod(state["contact_method"]).label,
        "relation_label": OnBehalfRelation(state.get("on_behalf_relation") or "").label,
    }
    return render(request, "tickets/ask/check.html", context)


@transaction.atomic
def _file(request: HttpRequest, state: dict[str, Any]) -> Ticket:
    """Files the question and its photo together: both or neither."""
    known = _known(request)
    ticket = services.ticket_create(
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
        is_worry=bool(state.get("is_worry")),
    )
    photo = _photo_read(state)
    if photo is not None:
        services.attachment_add(ticket=ticket, actor=known, photo=photo)
    return ticket


@never_cache
def ask_photo(request: HttpRequest) -> HttpResponse:
    """The photo this browser chose for the question it is asking, to show it back small."""
    kept = _state(request).get("photo")
    path = _photo_path(kept)
    if not path:
        raise Http404
    try:
        stored = default_storage.open(path, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(stored, content_type=kept["content_type"])
    response["Content-Disposition"] = f'inline; filename="photo.{kept["extension"]}"'
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


def ask_done(request: HttpRequest) -> HttpResponse:
    number = request.session.get(DONE_KEY)
    ticket = Ticket.objects.filter(number=number).first() if number else None
    if ticket is None:
        return redirect("tickets:ask_start")
    return render(request, "tickets/ask/done.html", {"ticket": ticket})
