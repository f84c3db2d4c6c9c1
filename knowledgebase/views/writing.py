"""Writing an organisation's own instructions: drafts, review and publishing, shared ones hidden or adapted."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.decorators import allowed_if, login_required_here
from helpdesk.tenancy import current_organisation
from knowledgebase import editing, permissions, selectors, services
from knowledgebase.courses import course_url
from knowledgebase.forms import NoteForm, ReturnForm
from knowledgebase.models import Instruction
from knowledgebase.shared.models import SharedInstruction
from knowledgebase.stores import OWN, OWN_COURSES
from knowledgebase.views.course_desk import Desk
from tenants.models import Product
from tickets.models import Ticket

writers_only = allowed_if(permissions.can_write_instructions)


def _instruction(pk: int) -> Instruction:
    return get_object_or_404(Instruction.objects.select_related("product"), pk=pk)


@writers_only
def overview(request: HttpRequest) -> HttpResponse:
    manages_shared = permissions.can_manage_shared_here(request.user)
    context = {
        "instructions": selectors.own_instructions_for_writers(),
        "waiting": selectors.own_waiting_for_review(),
        "shared": selectors.shared_for_organisation() if manages_shared else [],
        "manages_shared": manages_shared,
    }
    return render(request, "knowledgebase/write.html", context)


def _products() -> QuerySet[Product]:
    return current_organisation().active_products()


@writers_only
def new(request: HttpRequest) -> HttpResponse:
    form, formset = editing.forms_for(
        request,
        products=_products(),
        revision=None,
        instruction=None,
        store=OWN,
        picture_url=selectors.picture_url_here,
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        instruction = services.instruction_create(
            store=OWN,
            actor=request.user,
            product=form.cleaned_data["product"],
            title=form.cleaned_data["title"],
            needs=form.cleaned_data["needs"],
            steps=editing.step_inputs(formset, OWN),
        )
        messages.success(request, _("The draft is saved. Readers do not see it until it is published."))
        return redirect("knowledgebase:edit", pk=instruction.pk)
    context = {"form": form, "instruction_form": form, "formset": formset, "instruction": None}
    return render(request, "knowledgebase/edit.html", context)


def _edit_context(request: HttpRequest, instruction: Instruction, form: Any, formset: Any) -> dict[str, Any]:
    revision = selectors.open_revision_of(OWN, instruction) or instruction.published_revision
    user = request.user
    return {
        "form": form if form.errors else None,
        "instruction_form": form,
        "formset": formset,
        "instruction": instruction,
        "revision": revision,
        "notes": editing.notes_of(revision),
        "can_publish": revision is not None
        and revision.is_open
        and permissions.can_publish_instruction(user, instruction, revision.author_id),
        "return_form": ReturnForm(),
        "note_form": NoteForm(),
        "preview": selectors.reading_draft(OWN, instruction, revision, selectors.picture_url_here)
        if revision
        else None,
    }


@writers_only
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    instruction = _instruction(pk)
    revision = selectors.open_revision_of(OWN, instruction) or instruction.published_revision
    form, formset = editing.forms_for(
        request,
        products=_products(),
        revision=revision,
        instruction=instruction,
        store=OWN,
        picture_url=selectors.picture_url_here,
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        services.instruction_edit(
            actor=request.user,
            instruction=instruction,
            title=form.cleaned_data["title"],
            needs=form.cleaned_data["needs"],
            steps=editing.step_inputs(formset, OWN),
            product=form.cleaned_data["product"],
        )
        messages.success(request, _("Saved as a new version."))
        return redirect("knowledgebase:edit", pk=instruction.pk)
    return render(request, "knowledgebase/edit.html", _edit_context(request, instruction, form, formset))


@require_POST
@writers_only
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    instruction = _instruction(pk)
    try:
        services.instruction_submit(actor=request.user, instruction=instruction)
        messages.success(
            request, _("Sent for review. An experienced volunteer, a professional or a manager checks it.")
        )
    except services.InstructionError as error:
        messages.error(request, str(error))
    return redirect("knowledgebase:edit", pk=pk)


@require_POST
@writers_only
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    instruction = _instruction(pk)
    revision = selectors.open_revision_of(OWN, instruction)
    if revision is None or not permissions.can_publish_instruction(request.user, instruction, revision.author_id):
        raise Http404
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.instruction_publish(actor=request.user, instruction=instruction, note=note)
        messages.success(request, _("Published. Readers see this version from now on."))
    except services.InstructionError as error:
        messages.error(request, str(error))
    return redirect("knowledgebase:edit", pk=pk)


@require_POST
@writers_only
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    instruction = _instruction(pk)
    revision = selectors.open_revision_of(OWN, instruction)
    if revision is None or not permissions.can_publish_instruction(request.user, instruction, revision.author_id):
        raise Http404
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write what should change."))
        return redirect("knowledgebase:edit", pk=pk)
    try:
        services.instruction_return(actor=request.user, instruction=instruction, note=form.cleaned_data["note"])
        messages.success(request, _("Returned to the writer with your note."))
    except services.InstructionError as error:
        messages.error(request, str(error))
    return redirect("knowledgebase:edit", pk=pk)


@writers_only
def history(request: HttpRequest, pk: int) -> HttpResponse:
    instruction = _instruction(pk)
    return render(
        request,
        "knowledgebase/history.html",
        {"instruction": instruction, "revisions": selectors.history_of(OWN, instruction)},
    )


def _shared(pk: int) -> SharedInstruction:
    shared = SharedInstruction.objects.filter(
        pk=pk, published_at__isnull=False, product_id__in=selectors.product_ids()
    ).first()
    if shared is None:
        raise Http404
    return shared


shared_managers_only = allowed_if(permissions.can_manage_shared_here)


@require_POST
@shared_managers_only
def hide_shared(request: HttpRequest, pk: int) -> HttpResponse:
    services.shared_hide(actor=request.user, shared=_shared(pk))
    messages.success(request, _("Readers here no longer see this instruction."))
    return redirect("knowledgebase:write")


@require_POST
@shared_managers_only
def show_shared(request: HttpRequest, pk: int) -> HttpResponse:
    services.shared_show(actor=request.user, shared=_shared(pk))
    messages.success(request, _("Readers here see this instruction again."))
    return redirect("knowledgebase:write")


@require_POST
@shared_managers_only
def adapt_shared(request: HttpRequest, pk: int) -> HttpResponse:
    instruction = services.shared_adapt(actor=request.user, shared=_shared(pk))
    messages.success(request, _("Your own version is a draft. Once published, readers here see it instead."))
    return redirect("knowledgebase:edit", pk=instruction.pk)


@require_POST
@login_required_here
def from_question(request: HttpRequest, number: int) -> HttpResponse:
    """ "Maak hier een uitleg van": the question's subject, product and last answer as a draft."""
    ticket = get_object_or_404(Ticket, number=number)
    if not permissions.can_draft_from(request.user, ticket):
        raise Http404
    answer = selectors.last_public_answer(ticket)
    instruction = services.instruction_from_ticket(actor=request.user, ticket=ticket, answer=answer)
    messages.success(request, _("A draft from this question. Make the steps short, then send it for review."))
    return redirect("knowledgebase:edit", pk=instruction.pk)


# --- Own courses ------------------------------------------------------------------------------------


def _own_choices() -> list[tuple[str, str]]:
    return [(f"{item.source}:{item.pk}", item.title) for item in selectors.readable_choices()]


COURSES = Desk(
    store=OWN_COURSES,
    namespace="knowledgebase",
    guard=writers_only,
    products=_products,
    choices=_own_choices,
    may_change=permissions.can_change_course,
    may_publish=permissions.can_publish_course,
    reviewed=True,
    reader_url=course_url,
)
