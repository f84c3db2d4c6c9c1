"""Writing courses: a draft of ordered lessons that each link one instruction, then published.

Shared courses are written and published by the operator's professionals in the portal; an
organisation's own courses are drafted by its writers and published by a reviewer
(knowledgebase.permissions). A lesson's steps are its instruction's published steps, so what a
course teaches has been reviewed as an instruction already.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from helpdesk.accounts.audit import audit
from helpdesk.accounts.models import User
from knowledgebase.stores import CourseStore, course_store_of


class CourseError(Exception):
    """A change the rules of a course do not allow; the message is for the person."""


def _name(actor: User | None) -> str:
    return actor.full_name if actor else ""


def _free_slug(store: CourseStore, title: str) -> str:
    base = slugify(title)[:70] or "cursus"
    slug, number = base, 2
    while store.course.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def course_create(
    *, store: CourseStore, actor: User | None, title: str, summary: str = "", product: Any = None
) -> models.Model:
    course = store.course.objects.create(
        slug=_free_slug(store, title),
        title=title.strip(),
        summary=summary.strip(),
        product=product,
        author=actor,
        author_name=_name(actor),
    )
    audit(actor=actor, action="course_drafted", target=course)
    return course


@transaction.atomic
def course_edit(*, actor: User | None, course: models.Model, title: str, summary: str, product: Any) -> None:
    course.title, course.summary, course.product = title.strip(), summary.strip(), product
    course.save(update_fields=["title", "summary", "product"])
    audit(actor=actor, action="course_edited", target=course)


@transaction.atomic
def lesson_add(
    *, actor: User | None, course: models.Model, title: str, source: str, instruction_id: int
) -> models.Model:
    store = course_store_of(course)
    last = store.lesson.objects.filter(course=course).aggregate(last=Max("position"))["last"] or 0
    lesson = store.lesson.objects.create(
        course=course, position=last + 1, title=title.strip(), source=source, instruction_id=instruction_id
    )
    audit(actor=actor, action="course_lesson_added", target=course, lesson=lesson.position)
    return lesson


def _lessons(course: models.Model) -> list[models.Model]:
    store = course_store_of(course)
    return list(store.lesson.objects.select_for_update().filter(course=course).order_by("position"))


@transaction.atomic
def lesson_move(*, actor: User | None, course: models.Model, position: int, up: bool) -> None:
    """Swaps a lesson with the one before (up) or after it; at either end nothing changes."""
    lessons = _lessons(course)
    index = next((n for n, lesson in enumerate(lessons) if lesson.position == position), None)
    other = None if index is None else index - 1 if up else index + 1
    if index is None or other is None or not 0 <= other < len(lessons):
        return
    moving, neighbour = lessons[index], lessons[other]
    wanted, freed = neighbour.position, moving.position
    for lesson, place in ((moving, 0), (neighbour, freed), (moving, wanted)):  # 0: the one free place
        lesson.position = place
        lesson.save(update_fields=["position"])
    audit(actor=actor, action="course_lesson_moved", target=course, lesson=wanted)


@transaction.atomic
def lesson_remove(*, actor: User | None, course: models.Model, position: int) -> None:
    lessons = _lessons(course)
    gone = next((lesson for lesson in lessons if lesson.position == position), None)
    if gone is None:
        return
    gone.delete()
    for lesson in lessons:
        if lesson.position > position:
            lesson.position -= 1
            lesson.save(update_fields=["position"])
    audit(actor=actor, action="course_lesson_removed", target=course, lesson=position)


@transaction.atomic
def course_submit(*, actor: User | None, course: models.Model) -> None:
    if course.is_published or course.in_review:
        raise CourseError(_("This course is not a draft."))
    course.in_review = True
    course.save(update_fields=["in_review"])
    audit(actor=actor, action="course_submitted", target=course)


@transaction.atomic
def course_publish(*, actor: User | None, course: models.Model) -> None:
    """Readers see the course from now on; the lessons it has then are what they follow."""
    if course.is_published:
        raise CourseError(_("This course is published already."))
    if not course_store_of(course).lesson.objects.filter(course=course).exists():
        raise CourseError(_("A course needs at least one lesson before it is published."))
    course.is_published, course.in_review = True, False
    course.reviewed_by_name = _name(actor)
    course.published_at = timezone.now()
    course.save(update_fields=["is_published", "in_review", "reviewed_by_name", "published_at"])
    audit(actor=actor, action="course_published", target=course)
