"""The writing page, shared by an organisation's writers and the portal's professionals.

Both edit an instruction the same way: the form of title, product and "what you need", a list
of steps (each with an optional picture), and the easy-read notes of the version just saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from knowledgebase import text
from knowledgebase.forms import InstructionForm, StepFormSet
from knowledgebase.services import StepInput
from knowledgebase.stores import Store


def step_initial(revision: Any, picture_url: Callable[[str, int], str], store: Store) -> list[dict[str, Any]]:
    if revision is None:
        return []
    return [
        {
            "text": step.text,
            "alt": step.alt,
            "picture_id": step.picture_id,
            "picture_url": picture_url(store.source, step.picture_id) if step.picture_id else "",
        }
        for step in revision.steps.all()
    ]


def forms_for(
    request: HttpRequest, *, products: Any, revision: Any, instruction: Any, store: Store, picture_url: Callable
) -> tuple[InstructionForm, Any]:
    steps = step_initial(revision, picture_url, store)
    initial = {"title": "", "needs": "", "product": instruction.product_id if instruction else None}
    if revision is not None:
        initial.update(title=revision.title, needs=revision.needs)
    if request.method == "POST":
        form = InstructionForm(request.POST, products=products, initial=initial)
        formset = StepFormSet(request.POST, request.FILES, initial=steps, prefix="step")
    else:
        form = InstructionForm(products=products, initial=initial)
        formset = StepFormSet(initial=steps, prefix="step")
    for step_form, shown in zip(formset.forms, steps, strict=False):
        step_form.picture_url = shown["picture_url"]
    return form, formset


def step_inputs(formset: Any, store: Store) -> list[StepInput]:
    """The steps as written, blank ones left out; a picture id must be one of this store's."""
    wanted = [form.cleaned_data.get("picture_id") for form in formset.forms if form.cleaned_data]
    known = set(store.picture.objects.filter(pk__in=[pk for pk in wanted if pk]).values_list("pk", flat=True))
    steps = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or not (data.get("text", "").strip() or data.get("photo")):
            continue
        keep = data.get("picture_id") if data.get("picture_id") in known and not data.get("remove_picture") else None
        steps.append(StepInput(text=data["text"], alt=data.get("alt", ""), picture_id=keep, photo=data.get("photo")))
    return steps


def notes_of(revision: Any) -> list[text.Note]:
    if revision is None:
        return []
    steps = [(step.text, bool(step.picture_id), bool(step.alt.strip())) for step in revision.steps.all()]
    return text.easy_read_notes(steps)
