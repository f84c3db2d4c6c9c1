"""Courses: lessons for device skills, with progress for signed-in requesters."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from helpdesk.accounts.models import User
from helpdesk.decorators import allowed_if
from knowledgebase import courses, permissions, selectors
from knowledgebase.models import Source


def course_list(request: HttpRequest) -> HttpResponse:
    return render(request, "knowledgebase/courses.html", {"courses": courses.published_courses()})


def _user(request: HttpRequest) -> User | None:
    return request.user if permissions.can_follow_with_progress(request.user) else None


def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    course = courses.course_or_404(slug)
    lessons = list(course.lessons.all())
    user = _user(request)
    progress = courses.progress_of(user, lessons)
    context = {
        "course": course,
        "lessons": lessons,
        "progress": progress,
        "tracked": user is not None,
        "next_position": progress.next_position(lessons),
        "consent": courses.has_consent(user) if user else False,
    }
    return render(request, "knowledgebase/course.html", context)


def lesson(request: HttpRequest, slug: str, position: int) -> HttpResponse:
    course = courses.course_or_404(slug)
    item = courses.lesson_or_404(course, position)
    lessons = list(course.lessons.all())
    steps = [
        {
            "number": number,
            "text": step.shown_text,
            "alt": step.shown_alt,
            "picture_url": selectors.picture_url_here(Source.SHARED, step.shown_picture.pk)
            if step.shown_picture
            else None,
        }
        for number, step in enumerate(item.steps.all(), start=1)
    ]
    following = next((other for other in lessons if other.position > position), None)
    context = {
        "course": course,
        "lesson": item,
        "reading": {"steps": steps},
        "count": len(lessons),
        "following": following,
        "tracked": _user(request) is not None,
    }
    return render(request, "knowledgebase/lesson.html", context)


@require_POST
def lesson_done(request: HttpRequest, slug: str, position: int) -> HttpResponse:
    """Done: recorded for a signed-in requester; everyone goes on to the next lesson."""
    course = courses.course_or_404(slug)
    item = courses.lesson_or_404(course, position)
    user = _user(request)
    if user is not None:
        courses.lesson_mark_done(actor=user, lesson=item)
    following = course.lessons.filter(position__gt=position).order_by("position").first()
    if following is None:
        return redirect("knowledgebase:course", slug=slug)
    return redirect("knowledgebase:lesson", slug=slug, position=following.position)


@require_POST
@allowed_if(permissions.can_follow_with_progress)
def consent(request: HttpRequest, slug: str) -> HttpResponse:
    courses.progress_consent_set(actor=request.user, allowed=request.POST.get("allowed") == "yes")
    return redirect("knowledgebase:course", slug=slug)


@allowed_if(permissions.can_see_course_progress)
def progress(request: HttpRequest) -> HttpResponse:
    return render(request, "knowledgebase/progress.html", {"rows": courses.clients_with_consent()})
