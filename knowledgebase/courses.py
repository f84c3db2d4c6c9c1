"""Courses: reading lessons, progress (a signed-in requester's, or kept in the browser), and who may see it.

A course is shared (knowledgebase.shared, by the operator) or this organisation's own; both are
read the same way, through a `CourseStore`. Readers see published courses only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from helpdesk.accounts.audit import audit
from helpdesk.accounts.models import Role, User
from knowledgebase import selectors
from knowledgebase.models import LessonDone, OwnCourse, ProgressConsent
from knowledgebase.selectors import StepView
from knowledgebase.shared.models import Course
from knowledgebase.stores import OWN_COURSES, SHARED_COURSES, CourseStore, course_store_of

# Lessons done without an account: a signed cookie of this browser, kept for a year.
BROWSER_COOKIE = "kb_lessons"
BROWSER_COOKIE_AGE = 365 * 24 * 60 * 60
BROWSER_MAX_LESSONS = 200
_LESSON_KEY = re.compile(r"^(own|shared):\d{1,18}$")


def _readable(store: CourseStore) -> QuerySet:
    products = selectors.product_ids()
    return store.course.objects.filter(Q(product__isnull=True) | Q(product_id__in=products), is_published=True)


def published_courses() -> list[Course | OwnCourse]:
    """The courses readers here see: shared ones for this organisation's products, and its own."""
    found = [
        *_readable(SHARED_COURSES).prefetch_related("lessons"),
        *_readable(OWN_COURSES).prefetch_related("lessons"),
    ]
    return sorted(found, key=lambda course: course.title.lower())


def course_or_404(store: CourseStore, slug: str) -> Course | OwnCourse:
    course = _readable(store).filter(slug=slug).first()
    if course is None:
        raise Http404
    return course


def lesson_or_404(store: CourseStore, course: Course | OwnCourse, position: int) -> Any:
    lessons = store.lesson.objects.filter(course=course, position=position)
    if store is SHARED_COURSES:
        lessons = lessons.prefetch_related("steps__picture", "steps__reuses__picture")
    lesson = lessons.first()
    if lesson is None:
        raise Http404
    return lesson


def course_url(course: Course | OwnCourse) -> str:
    name = "knowledgebase:course" if course_store_of(course) is SHARED_COURSES else "knowledgebase:own_course"
    return reverse(name, kwargs={"slug": course.slug})


def lesson_steps(store: CourseStore, lesson: Any) -> list[StepView]:
    """A lesson's steps: those of the instruction it links (as readers here see it), or its own."""
    if lesson.instruction_id:
        reading = selectors.readable(lesson.source, lesson.instruction_id)
        return reading.steps if reading else []
    if store is not SHARED_COURSES:
        return []
    return [
        StepView(
            number=number,
            text=step.shown_text,
            alt=step.shown_alt,
            picture_url=selectors.picture_url_here(SHARED_COURSES.source, step.shown_picture.pk)
            if step.shown_picture
            else None,
        )
        for number, step in enumerate(lesson.steps.all(), start=1)
    ]


@dataclass(frozen=True)
class Progress:
    total: int
    done: frozenset[int]  # lesson ids

    @property
    def count(self) -> int:
        return len(self.done)

    def next_position(self, lessons: list) -> int | None:
        """Where to continue: the first lesson not done yet."""
        return next((lesson.position for lesson in lessons if lesson.pk not in self.done), None)


def _done_field(store: CourseStore) -> str:
    return "lesson_id" if store is SHARED_COURSES else "own_lesson_id"


def lesson_key(store: CourseStore, lesson: Any) -> str:
    return f"{store.source}:{lesson.pk}"


def browser_lessons(request: HttpRequest) -> frozenset[str]:
    """The lessons this browser did without an account; a cookie that does not verify counts as none."""
    try:
        value = request.get_signed_cookie(BROWSER_COOKIE, default="", salt=BROWSER_COOKIE)
    except (signing.BadSignature, ValueError):
        value = ""
    return frozenset(key for key in value.split(",") if _LESSON_KEY.match(key))


def browser_lesson_done(request: HttpRequest, response: HttpResponse, key: str) -> None:
    kept = sorted(browser_lessons(request) | {key})[-BROWSER_MAX_LESSONS:]
    response.set_signed_cookie(
        BROWSER_COOKIE,
        ",".join(kept),
        salt=BROWSER_COOKIE,
        max_age=BROWSER_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def progress_of(store: CourseStore, user: User | None, lessons: list, browser: frozenset[str]) -> Progress:
    if user is not None:
        field = _done_field(store)
        done = LessonDone.objects.filter(user=user, **{f"{field}__in": [lesson.pk for lesson in lessons]})
        return Progress(total=len(lessons), done=frozenset(done.values_list(field, flat=True)))
    return Progress(
        total=len(lessons), done=frozenset(lesson.pk for lesson in lessons if lesson_key(store, lesson) in browser)
    )


def has_consent(user: User) -> bool:
    return ProgressConsent.objects.filter(user=user).exists()


def clients_with_consent() -> list[tuple[User, list[tuple[Course | OwnCourse, int, int]]]]:
    """For volunteers: requesters who allowed it, with lessons done per course."""
    people = list(
        User.objects.filter(role=Role.REQUESTER, pk__in=ProgressConsent.objects.values("user_id")).order_by("full_name")
    )
    courses = published_courses()
    done: dict[int, set[str]] = {}
    for user_id, lesson_id, own_lesson_id in LessonDone.objects.filter(user__in=people).values_list(
        "user_id", "lesson_id", "own_lesson_id"
    ):
        key = f"shared:{lesson_id}" if lesson_id else f"own:{own_lesson_id}"
        done.setdefault(user_id, set()).add(key)
    rows = []
    for person in people:
        mine = done.get(person.pk, set())
        per_course = []
        for course in courses:
            store = course_store_of(course)
            lessons = course.lessons.all()
            count = len([lesson for lesson in lessons if lesson_key(store, lesson) in mine])
            per_course.append((course, count, len(lessons)))
        rows.append((person, per_course))
    return rows


# --- Writes -----------------------------------------------------------------------------------------


def lesson_mark_done(*, actor: User, store: CourseStore, lesson: Any) -> None:
    LessonDone.objects.get_or_create(user=actor, **{_done_field(store): lesson.pk})


@transaction.atomic
def progress_consent_set(*, actor: User, allowed: bool) -> None:
    """The requester's own choice, recorded with the moment and in the audit log."""
    if allowed:
        ProgressConsent.objects.get_or_create(user=actor)
    else:
        ProgressConsent.objects.filter(user=actor).delete()
    audit(actor=actor, action="course_consent_given" if allowed else "course_consent_withdrawn", target=actor)
