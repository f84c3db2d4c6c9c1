"""Writing courses, the same pages in two places: the operator portal (shared courses, written and
published by professionals) and an organisation's site (its own courses, drafted by writers and
published by a reviewer). A `Desk` says where, who may do what, and which instructions a lesson
may link; `desk_views` makes the guarded views for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from knowledgebase import course_writing
from knowledgebase.forms import CourseForm, LessonForm
from knowledgebase.stores import CourseStore

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Desk:
    store: CourseStore
    namespace: str
    guard: Callable[[View], View]
    products: Callable[[], QuerySet]
    choices: Callable[[], list[tuple[str, str]]]  # ("shared:12", title) for the lesson form
    may_change: Callable[[Any, Model], bool]
    may_publish: Callable[[Any, Model], bool]
    reviewed: bool  # drafts are sent for review before someone else publishes them
    reader_url: Callable[[Model], str] | None = None

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"{self.namespace}:{name}", kwargs=kwargs or None)


def _status(course: Model) -> str:
    if course.is_published:
        return _("Published: readers follow it.")
    if course.in_review:
        return _("Waiting for review. Readers do not see it yet.")
    return _("Draft. Readers do not see it yet.")


def _edit_page(request: HttpRequest, desk: Desk, course: Model, *, form: Any = None, lesson_form: Any = None) -> Any:
    choices = desk.choices()
    titles = dict(choices)
    lessons = [
        (lesson, titles.get(f"{lesson.source}:{lesson.instruction_id}", "") if lesson.instruction_id else "")
        for lesson in course.lessons.all()
    ]
    course_form = form or CourseForm(
        products=desk.products(),
        initial={"title": course.title, "summary": course.summary, "product": course.product_id},
    )
    context = {
        "course": course,
        "status": _status(course),
        "course_form": course_form,
        "lesson_form": lesson_form or LessonForm(choices=choices, prefix="lesson"),
        "form": form if form is not None and form.errors else lesson_form,
        "lessons": lessons,
        "may_change": desk.may_change(request.user, course),
        "may_publish": desk.may_publish(request.user, course),
        "may_submit": desk.reviewed and not course.is_published and not course.in_review,
        "reader_url": desk.reader_url(course) if desk.reader_url and course.is_published else "",
        "urls": {
            name: desk.url(name, pk=course.pk)
            for name in ("course_edit", "lesson_add", "lesson_change", "course_submit", "course_publish")
        }
        | {"course_list": desk.url("course_list")},
    }
    return render(request, "knowledgebase/course_edit.html", context)


def desk_views(desk: Desk) -> dict[str, View]:
    """The pages of one desk, each behind its guard; a course the person may not change answers 404."""

    def course_of(request: HttpRequest, pk: int, *, change: bool = False) -> Model:
        course = get_object_or_404(desk.store.course.objects.select_related("product"), pk=pk)
        if change and not desk.may_change(request.user, course):
            raise Http404
        return course

    @desk.guard
    def course_list(request: HttpRequest) -> HttpResponse:
        items = [(course, desk.url("course_edit", pk=course.pk)) for course in desk.store.course.objects.all()]
        context = {"items": items, "new_url": desk.url("course_new")}
        return render(request, "knowledgebase/course_list.html", context)

    @desk.guard
    def course_new(request: HttpRequest) -> HttpResponse:
        form = CourseForm(request.POST or None, products=desk.products())
        if request.method == "POST" and form.is_valid():
            course = course_writing.course_create(store=desk.store, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The course is a draft. Now add its lessons."))
            return redirect(desk.url("course_edit", pk=course.pk))
        context = {"form": form, "list_url": desk.url("course_list")}
        return render(request, "knowledgebase/course_new.html", context)

    @desk.guard
    def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
        course = course_of(request, pk, change=request.method == "POST")
        if request.method != "POST":
            return _edit_page(request, desk, course)
        form = CourseForm(request.POST, products=desk.products())
        if not form.is_valid():
            return _edit_page(request, desk, course, form=form)
        course_writing.course_edit(actor=request.user, course=course, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect(desk.url("course_edit", pk=pk))

    @require_POST
    @desk.guard
    def lesson_add(request: HttpRequest, pk: int) -> HttpResponse:
        course = course_of(request, pk, change=True)
        form = LessonForm(request.POST, choices=desk.choices(), prefix="lesson")
        if not form.is_valid():
            return _edit_page(request, desk, course, lesson_form=form)
        source, instruction_id = form.linked()
        course_writing.lesson_add(
            actor=request.user,
            course=course,
            title=form.cleaned_data["title"],
            source=source,
            instruction_id=instruction_id,
        )
        messages.success(request, _("The lesson is added at the end."))
        return redirect(desk.url("course_edit", pk=pk))

    @require_POST
    @desk.guard
    def lesson_change(request: HttpRequest, pk: int) -> HttpResponse:
        """Moves a lesson up or down, or removes it; an unknown lesson or action changes nothing."""
        course = course_of(request, pk, change=True)
        action, _sep, position = request.POST.get("lesson", "").partition(":")
        if position.isascii() and position.isdigit() and len(position) < 6:
            if action in ("up", "down"):
                course_writing.lesson_move(actor=request.user, course=course, position=int(position), up=action == "up")
            elif action == "remove":
                course_writing.lesson_remove(actor=request.user, course=course, position=int(position))
        return redirect(desk.url("course_edit", pk=pk) + "#lessons-heading")

    @require_POST
    @desk.guard
    def course_submit(request: HttpRequest, pk: int) -> HttpResponse:
        course = course_of(request, pk, change=True)
        try:
            course_writing.course_submit(actor=request.user, course=course)
            messages.success(
                request, _("Sent for review. An experienced volunteer, a professional or a manager checks it.")
            )
        except course_writing.CourseError as error:
            messages.error(request, str(error))
        return redirect(desk.url("course_edit", pk=pk))

    @require_POST
    @desk.guard
    def course_publish(request: HttpRequest, pk: int) -> HttpResponse:
        course = course_of(request, pk)
        if not desk.may_publish(request.user, course):
            raise Http404
        try:
            course_writing.course_publish(actor=request.user, course=course)
            messages.success(request, _("Published. Readers can follow this course now."))
        except course_writing.CourseError as error:
            messages.error(request, str(error))
        return redirect(desk.url("course_edit", pk=pk))

    return {
        "course_list": course_list,
        "course_new": course_new,
        "course_edit": course_edit,
        "lesson_add": lesson_add,
        "lesson_change": lesson_change,
        "course_submit": course_submit,
        "course_publish": course_publish,
    }


def desk_urls(desk: Desk, prefix: str) -> list[URLPattern]:
    """The addresses of a desk's pages, under `prefix` ("courses/")."""
    views = desk_views(desk)
    return [
        path(prefix, views["course_list"], name="course_list"),
        path(f"{prefix}new/", views["course_new"], name="course_new"),
        path(f"{prefix}<int:pk>/", views["course_edit"], name="course_edit"),
        path(f"{prefix}<int:pk>/lessons/", views["lesson_add"], name="lesson_add"),
        path(f"{prefix}<int:pk>/lesson/", views["lesson_change"], name="lesson_change"),
        path(f"{prefix}<int:pk>/submit/", views["course_submit"], name="course_submit"),
        path(f"{prefix}<int:pk>/publish/", views["course_publish"], name="course_publish"),
    ]
