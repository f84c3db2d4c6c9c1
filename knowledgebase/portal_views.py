"""The portal's pages for shared instructions: professionals write them once for every organisation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.decorators import portal_page
from knowledgebase import editing, permissions, selectors, services
from knowledgebase.forms import NoteForm
from knowledgebase.shared.models import SharedInstruction, SharedPicture
from knowledgebase.stores import SHARED, SHARED_COURSES
from knowledgebase.views.course_desk import Desk
from knowledgebase.views.reading import send_picture
from tenants.models import Product

staff_only = portal_page(permissions.can_write_shared)


def _picture_url(source: str, pk: int) -> str:
    return reverse("kb_portal:picture", kwargs={"pk": pk})


def _products() -> Any:
    return Product.objects.filter(retired_at__isnull=True)


@staff_only
def shared_list(request: HttpRequest) -> HttpResponse:
    items = SharedInstruction.objects.select_related("product").order_by("product__name", "title")
    return render(request, "knowledgebase/portal_list.html", {"items": items})


@staff_only
def shared_new(request: HttpRequest) -> HttpResponse:
    form, formset = editing.forms_for(
        request, products=_products(), revision=None, instruction=None, store=SHARED, picture_url=_picture_url
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        instruction = services.instruction_create(
            store=SHARED,
            actor=request.user,
            product=form.cleaned_data["product"],
            title=form.cleaned_data["title"],
            needs=form.cleaned_data["needs"],
            steps=editing.step_inputs(formset, SHARED),
        )
        messages.success(request, _("The draft is saved. Organisations see it once it is published."))
        return redirect("kb_portal:edit", pk=instruction.pk)
    context = {"form": form, "instruction_form": form, "formset": formset, "instruction": None}
    return render(request, "knowledgebase/portal_edit.html", context)


@staff_only
def shared_edit(request: HttpRequest, pk: int) -> HttpResponse:
    instruction = get_object_or_404(SharedInstruction.objects.select_related("product"), pk=pk)
    revision = selectors.open_revision_of(SHARED, instruction) or instruction.published_revision
    form, formset = editing.forms_for(
        request,
        products=_products(),
        revision=revision,
        instruction=instruction,
        store=SHARED,
        picture_url=_picture_url,
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        services.instruction_edit(
            actor=request.user,
            instruction=instruction,
            title=form.cleaned_data["title"],
            needs=form.cleaned_data["needs"],
            steps=editing.step_inputs(formset, SHARED),
            product=form.cleaned_data["product"],
        )
        messages.success(request, _("Saved as a new version."))
        return redirect("kb_portal:edit", pk=pk)
    context = {
        "form": form if form.errors else None,
        "instruction_form": form,
        "formset": formset,
        "instruction": instruction,
        "revision": revision,
        "notes": editing.notes_of(revision),
        "can_publish": revision is not None and revision.is_open,
        "note_form": NoteForm(),
        "preview": selectors.reading_draft(SHARED, instruction, revision, _picture_url) if revision else None,
    }
    return render(request, "knowledgebase/portal_edit.html", context)


@require_POST
@staff_only
def shared_publish(request: HttpRequest, pk: int) -> HttpResponse:
    instruction = get_object_or_404(SharedInstruction, pk=pk)
    form = NoteForm(request.POST)
    try:
        services.instruction_publish(
            actor=request.user, instruction=instruction, note=form.cleaned_data["note"] if form.is_valid() else ""
        )
        messages.success(request, _("Published. Every organisation with this product shows it now."))
    except services.InstructionError as error:
        messages.error(request, str(error))
    return redirect("kb_portal:edit", pk=pk)


@staff_only
def shared_history(request: HttpRequest, pk: int) -> HttpResponse:
    instruction = get_object_or_404(SharedInstruction, pk=pk)
    context = {
        "instruction": instruction,
        "revisions": selectors.history_of(SHARED, instruction),
        "back_url": reverse("kb_portal:edit", kwargs={"pk": pk}),
    }
    return render(request, "knowledgebase/history.html", context)


@staff_only
def shared_picture(request: HttpRequest, pk: int) -> HttpResponse:
    return send_picture(get_object_or_404(SharedPicture, pk=pk))


# --- Shared courses ---------------------------------------------------------------------------------


def _shared_choices() -> list[tuple[str, str]]:
    published = SharedInstruction.objects.filter(published_at__isnull=False).select_related("product")
    return [(f"shared:{item.pk}", f"{item.title} ({item.product.name})") for item in published.order_by("title")]


COURSES = Desk(
    store=SHARED_COURSES,
    namespace="kb_portal",
    guard=staff_only,
    products=_products,
    choices=_shared_choices,
    may_change=lambda user, course: permissions.can_write_shared(user),
    may_publish=lambda user, course: permissions.can_write_shared(user) and not course.is_published,
    reviewed=False,
)
