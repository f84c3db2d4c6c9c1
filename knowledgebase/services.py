"""Writing instructions: drafts, review, publishing, hiding and adapting shared ones.

Every change is a new revision (who, when, what changed). Readers only ever see the revision
that was published last; it stays until a newer one is approved.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from helpdesk.accounts.audit import audit
from helpdesk.accounts.models import User
from knowledgebase.content import RevisionStatus
from knowledgebase.models import HiddenShared, Instruction
from knowledgebase.search import index_instruction
from knowledgebase.shared.models import SharedInstruction
from knowledgebase.stores import OWN, SHARED, Store, store_of
from tickets.uploads import CleanPhoto


class InstructionError(Exception):
    """A change the rules of an instruction do not allow; the message is for the person."""


@dataclass(frozen=True)
class StepInput:
    text: str
    alt: str = ""
    picture_id: int | None = None  # a picture the step already had
    photo: CleanPhoto | None = None  # a new, checked picture


def picture_save(*, store: Store, photo: CleanPhoto) -> models.Model:
    with Image.open(io.BytesIO(photo.content)) as image:
        width, height = image.size
    picture = store.picture(
        content_type=photo.content_type, original_name=photo.original_name, width=width, height=height
    )
    picture.file.save(f"picture.{photo.extension}", ContentFile(photo.content), save=False)
    picture.save()
    return picture


def _latest(store: Store, instruction: models.Model) -> models.Model | None:
    return store.revision.objects.filter(instruction=instruction).order_by("-number").first()


def _steps_of(revision: models.Model | None) -> list[tuple[str, str, int | None]]:
    if revision is None:
        return []
    return [(step.text, step.alt, step.picture_id) for step in revision.steps.all()]


def _summary(before: models.Model | None, title: str, needs: str, steps: list[tuple[str, str, int | None]]) -> str:
    """What changed, in words, for the history."""
    if before is None:
        return _("First version")
    parts = []
    if before.title != title:
        parts.append(_("title"))
    if before.needs != needs:
        parts.append(_("what you need"))
    old = _steps_of(before)
    changed = [str(n) for n, (a, b) in enumerate(zip(old, steps, strict=False), start=1) if a != b]
    if changed:
        parts.append(_("step %(numbers)s") % {"numbers": ", ".join(changed)})
    if len(steps) > len(old):
        parts.append(_("%(count)s steps added") % {"count": len(steps) - len(old)})
    if len(steps) < len(old):
        parts.append(_("%(count)s steps removed") % {"count": len(old) - len(steps)})
    return _("Changed: %(parts)s") % {"parts": ", ".join(parts)} if parts else _("Nothing changed")


def _write_revision(
    *, store: Store, instruction: models.Model, actor: User | None, title: str, needs: str, steps: list[StepInput]
) -> models.Model:
    before = _latest(store, instruction)
    resolved = []
    for step in steps:
        picture_id = step.picture_id
        if step.photo is not None:
            picture_id = picture_save(store=store, photo=step.photo).pk
        resolved.append((step.text.strip(), step.alt.strip(), picture_id))
    store.revision.objects.filter(instruction=instruction, status=RevisionStatus.DRAFT).update(
        status=RevisionStatus.REPLACED
    )
    was_in_review = store.revision.objects.filter(instruction=instruction, status=RevisionStatus.REVIEW)
    in_review = was_in_review.exists()
    was_in_review.update(status=RevisionStatus.REPLACED)
    revision = store.revision.objects.create(
        instruction=instruction,
        number=(before.number + 1) if before else 1,
        status=RevisionStatus.REVIEW if in_review else RevisionStatus.DRAFT,
        title=title.strip(),
        needs=needs.strip(),
        change_summary=_summary(before, title.strip(), needs.strip(), resolved)[:300],
        author=actor,
        author_name=actor.full_name if actor else "",
    )
    store.step.objects.bulk_create(
        store.step(revision=revision, position=n, text=text, alt=alt, picture_id=picture_id)
        for n, (text, alt, picture_id) in enumerate(resolved, start=1)
    )
    return revision


@transaction.atomic
def instruction_create(
    *,
    store: Store,
    actor: User | None,
    product: Any,
    title: str,
    needs: str = "",
    steps: list[StepInput],
    **extra: Any,
) -> models.Model:
    """A new instruction with its first revision, a draft."""
    instruction = store.instruction.objects.create(product=product, title=title.strip(), **extra)
    _write_revision(store=store, instruction=instruction, actor=actor, title=title, needs=needs, steps=steps)
    audit(actor=actor, action="instruction_drafted", target=instruction)
    return instruction


@transaction.atomic
def instruction_edit(
    *,
    actor: User | None,
    instruction: models.Model,
    title: str,
    needs: str,
    steps: list[StepInput],
    product: Any = None,
) -> models.Model:
    """A new revision; the published one stays what readers see until this one is approved.

    The product can change only before the first publication: readers find it by product.
    """
    store = store_of(instruction)
    revision = _write_revision(store=store, instruction=instruction, actor=actor, title=title, needs=needs, steps=steps)
    if not instruction.is_published:
        instruction.title = revision.title
        instruction.product = product or instruction.product
        instruction.save(update_fields=["title", "product"])
    audit(actor=actor, action="instruction_edited", target=instruction, revision=revision.number)
    return revision


def open_revision(instruction: models.Model) -> models.Model | None:
    store = store_of(instruction)
    return store.revision.objects.filter(
        instruction=instruction, status__in=(RevisionStatus.DRAFT, RevisionStatus.REVIEW)
    ).first()


@transaction.atomic
def instruction_submit(*, actor: User | None, instruction: models.Model) -> models.Model:
    revision = open_revision(instruction)
    if revision is None or revision.status != RevisionStatus.DRAFT:
        raise InstructionError(_("There is no draft to send for review."))
    revision.status = RevisionStatus.REVIEW
    revision.save(update_fields=["status"])
    audit(actor=actor, action="instruction_submitted", target=instruction, revision=revision.number)
    return revision


@transaction.atomic
def instruction_publish(*, actor: User | None, instruction: models.Model, note: str = "") -> models.Model:
    """Approves the open revision: readers see it from now on; the one before is kept as history."""
    store = store_of(instruction)
    instruction = store.instruction.objects.select_for_update().get(pk=instruction.pk)
    revision = open_revision(instruction)
    if revision is None:
        raise InstructionError(_("There is no new version to publish."))
    steps = list(revision.steps.all())
    if not steps:
        raise InstructionError(_("An instruction needs at least one step before it is published."))
    now = timezone.now()
    store.revision.objects.filter(instruction=instruction, status=RevisionStatus.PUBLISHED).update(
        status=RevisionStatus.RETIRED
    )
    revision.status = RevisionStatus.PUBLISHED
    revision.reviewed_by = actor
    revision.reviewed_by_name = actor.full_name if actor else ""
    revision.reviewed_at = now
    revision.review_note = note[:500]
    revision.save(update_fields=["status", "reviewed_by", "reviewed_by_name", "reviewed_at", "review_note"])
    instruction.published_revision = revision
    instruction.title = revision.title
    instruction.published_at = instruction.published_at or now
    instruction.save(update_fields=["published_revision", "title", "published_at"])
    index_instruction(
        table=store.table, pk=instruction.pk, title=revision.title, needs=revision.needs, steps=[s.text for s in steps]
    )
    audit(actor=actor, action="instruction_published", target=instruction, revision=revision.number)
    return revision


@transaction.atomic
def instruction_return(*, actor: User | None, instruction: models.Model, note: str) -> models.Model:
    revision = open_revision(instruction)
    if revision is None or revision.status != RevisionStatus.REVIEW:
        raise InstructionError(_("There is nothing waiting for review."))
    revision.status = RevisionStatus.DRAFT
    revision.review_note = note[:500]
    revision.reviewed_by = actor
    revision.reviewed_by_name = actor.full_name if actor else ""
    revision.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_by_name"])
    audit(actor=actor, action="instruction_returned", target=instruction, revision=revision.number)
    return revision


# --- Shared instructions in an organisation --------------------------------------------------------


@transaction.atomic
def shared_hide(*, actor: User | None, shared: SharedInstruction) -> None:
    HiddenShared.objects.get_or_create(shared=shared, defaults={"hidden_by": actor})
    audit(actor=actor, action="shared_instruction_hidden", shared_id=shared.pk)


@transaction.atomic
def shared_show(*, actor: User | None, shared: SharedInstruction) -> None:
    HiddenShared.objects.filter(shared=shared).delete()
    audit(actor=actor, action="shared_instruction_shown", shared_id=shared.pk)


@transaction.atomic
def shared_adapt(*, actor: User | None, shared: SharedInstruction) -> Instruction:
    """A draft of this organisation's own version; once published it replaces the shared one here."""
    existing = Instruction.objects.filter(adapts=shared).first()
    if existing is not None:
        return existing
    revision = shared.published_revision
    if revision is None:
        raise InstructionError(_("This instruction is not published."))
    steps = []
    for step in revision.steps.select_related("picture"):
        photo = None
        if step.picture is not None:
            with step.picture.file.open("rb") as stored:
                photo = CleanPhoto(
                    content=stored.read(),
                    content_type=step.picture.content_type,
                    extension=step.picture.file.name.rsplit(".", 1)[-1],
                    original_name=step.picture.original_name,
                )
        steps.append(StepInput(text=step.text, alt=step.alt, photo=photo))
    return instruction_create(
        store=OWN,
        actor=actor,
        product=shared.product,
        title=revision.title,
        needs=revision.needs,
        steps=steps,
        adapts=shared,
    )


@transaction.atomic
def instruction_from_ticket(*, actor: User, ticket: Any, answer: str) -> Instruction:
    """ "Maak hier een uitleg van": a draft from a solved question, for review."""
    existing = Instruction.objects.filter(from_ticket_number=ticket.number).first()
    if existing is not None:
        return existing
    return instruction_create(
        store=OWN,
        actor=actor,
        product=ticket.product,
        title=ticket.subject,
        steps=[StepInput(text=answer[:400])] if answer.strip() else [],
        from_ticket_number=ticket.number,
    )


__all__ = ["OWN", "SHARED", "InstructionError", "StepInput"]
