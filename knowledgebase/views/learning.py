"""Courses: lessons for device skills, shared or this organisation's own.

Progress is kept for everyone: on the server for a signed-in requester, in a cookie of this
browser for anyone else. The `source` of each address says which kind of course it is.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from helpdesk.accounts.models import User
from helpdesk.decorators import allowed_if
from knowledgebase import courses, permissions
from knowledgebase.stores import COURSE_STORES


def course_list(request: HttpRequest) -> HttpResponse:
    items = [(course, courses.course_url(course)) for course in courses.published_courses()]
    return render(request, "knowledgebase/courses.html", {"courses": items})


def _user(request: HttpRequest) -> User | None:
    return request.user if permissions.can_follow_with_progress(request.user) else None


def _names(source: str) -> dict[str, str]:
    prefix = "knowledgebase:own_" if source == "own" else "knowledgebase:"
    return {"lesson_name": f"{prefix}lesson", "done_name": f"{prefix}lesson_done", "consent_name": f"{prefix}consent"}


def course_detail(request: HttpRequest, slug: str, source: str = "shared") -> HttpResponse:
    store = COURSE_STORES[source]
    course = courses.course_or_404(store, slug)
    lessons = list(course.lessons.all())
    user = _user(request)
    progress = courses.progress_of(store, user, lessons, courses.browser_lessons(request))
    context = {
        "course": course,
        "lessons": lessons,
        "progress": progress,
        "signed_in": user is not None,
        "next_position": progress.next_position(lessons),
        "consent": courses.has_consent(user) if user else False,
        **_names(source),
    }
    return render(request, "knowledgebase/course.html", context)


def lesson(request: HttpRequest, slug: str, position: int, source: str = "shared") -> HttpResponse:
    store = COURSE_STORES[source]
    course = courses.course_or_404(store, slug)
    item = courses.lesson_or_404(store, course, position)
    lessons = list(course.lessons.all())
    context = {
        "course": course,
        "course_url": courses.course_url(course),
        "lesson": item,
        "reading": {"steps": courses.lesson_steps(store, item)},
        "count": len(lessons),
        "following": next((other for other in lessons if other.position > position), None),
        **_names(source),
    }
    return render(request, "knowledgebase/lesson.html", context)


@require_POST
def lesson_done(request: HttpRequest, slug: str, position: int, source: str = "shared") -> HttpResponse:
    """Done: recorded for a signed-in requester, else in this browser; everyone goes on to the next lesson."""
    store = COURSE_STORES[source]
    course = courses.course_or_404(store, slug)
    item = courses.lesson_or_404(store, course, position)
    user = _user(request)
    if user is not None:
        courses.lesson_mark_done(actor=user, store=store, lesson=item)
    following = course.lessons.filter(position__gt=position).order_by("position").first()
    if following is None:
        response = redirect(courses.course_url(course))
    else:
        response = redirect(_names(source)["lesson_name"], slug=slug, position=following.position)
    if user is None:
        courses.browser_lesson_done(request, response, courses.lesson_key(store, item))
    return response


@require_POST
@allowed_if(permissions.can_follow_with_progress)
def consent(request: HttpRequest, slug: str, source: str = "shared") -> HttpResponse:
    courses.progress_consent_set(actor=request.user, allowed=request.POST.get("allowed") == "yes")
    return redirect(courses.course_url(courses.course_or_404(COURSE_STORES[source], slug)))


@allowed_if(permissions.can_see_course_progress)
def progress(request: HttpRequest) -> HttpResponse:
    return render(request, "knowledgebase/progress.html", {"rows": courses.clients_with_consent()})
