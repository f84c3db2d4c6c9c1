"""Courses: reading lessons, a signed-in requester's progress, and who may see it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from helpdesk.accounts.audit import audit
from helpdesk.accounts.models import Role, User
from knowledgebase.models import LessonDone, ProgressConsent
from knowledgebase.shared.models import Course, Lesson


def published_courses() -> QuerySet[Course]:
    return Course.objects.filter(is_published=True).prefetch_related("lessons")


def course_or_404(slug: str) -> Course:
    course = Course.objects.filter(slug=slug, is_published=True).first()
    if course is None:
        raise Http404
    return course


def lesson_or_404(course: Course, position: int) -> Lesson:
    lesson = (
        Lesson.objects.filter(course=course, position=position)
        .prefetch_related("steps__picture", "steps__reuses__picture")
        .first()
    )
    if lesson is None:
        raise Http404
    return lesson


@dataclass(frozen=True)
class Progress:
    total: int
    done: frozenset[int]  # lesson ids

    @property
    def count(self) -> int:
        return len(self.done)

    def next_position(self, lessons: list[Lesson]) -> int | None:
        """Where to continue: the first lesson not done yet."""
        return next((lesson.position for lesson in lessons if lesson.pk not in self.done), None)


def progress_of(user: User | None, lessons: list[Lesson]) -> Progress:
    done: frozenset[int] = frozenset()
    if user is not None and user.is_authenticated:
        done = frozenset(
            LessonDone.objects.filter(user=user, lesson_id__in=[lesson.pk for lesson in lessons]).values_list(
                "lesson_id", flat=True
            )
        )
    return Progress(total=len(lessons), done=done)


def has_consent(user: User) -> bool:
    return ProgressConsent.objects.filter(user=user).exists()


def clients_with_consent() -> list[tuple[User, list[tuple[Course, int, int]]]]:
    """For volunteers: requesters who allowed it, with lessons done per course."""
    people = list(
        User.objects.filter(role=Role.REQUESTER, pk__in=ProgressConsent.objects.values("user_id")).order_by("full_name")
    )
    courses = list(published_courses())
    done = {}
    for user_id, lesson_id in LessonDone.objects.filter(user__in=people).values_list("user_id", "lesson_id"):
        done.setdefault(user_id, set()).add(lesson_id)
    rows = []
    for person in people:
        mine = done.get(person.pk, set())
        per_course = [
            (course, len([lesson for lesson in course.lessons.all() if lesson.pk in mine]), len(course.lessons.all()))
            for course in courses
        ]
        rows.append((person, per_course))
    return rows


# --- Writes -----------------------------------------------------------------------------------------


def lesson_mark_done(*, actor: User, lesson: Lesson) -> None:
    LessonDone.objects.get_or_create(user=actor, lesson=lesson)


@transaction.atomic
def progress_consent_set(*, actor: User, allowed: bool) -> None:
    """The requester's own choice, recorded with the moment and in the audit log."""
    if allowed:
        ProgressConsent.objects.get_or_create(user=actor)
    else:
        ProgressConsent.objects.filter(user=actor).delete()
    audit(actor=actor, action="course_consent_given" if allowed else "course_consent_withdrawn", target=actor)
