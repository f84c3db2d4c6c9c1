"""A volunteer says when they are on duty: now, until a moment, or planned for later."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.decorators import allowed_if
from tickets import permissions, services
from tickets.forms import DutyPlanForm, DutyStartForm
from tickets.models import DutyPeriod
from tickets.selectors import duty_periods_of, volunteers_on_duty


def _page(request: HttpRequest, *, start_form: Form | None = None, plan_form: Form | None = None) -> HttpResponse:
    now = timezone.now()
    periods = list(duty_periods_of(request.user, since=now))
    current = [period for period in periods if period.starts_at <= now]
    others = volunteers_on_duty(now).exclude(pk=request.user.pk)
    context: dict[str, Any] = {
        "on_duty_until": max((period.ends_at for period in current), default=None),
        "planned": [period for period in periods if period.starts_at > now],
        # First names only: volunteers see who else helps, not more.
        "others": [person.get_short_name() for person in others],
        "start_form": start_form or DutyStartForm(),
        "plan_form": plan_form or DutyPlanForm(),
        "form": next((f for f in (start_form, plan_form) if f is not None and f.errors), None),
    }
    return render(request, "tickets/duty.html", context)


def _moment(value: Any) -> str:
    return formats.date_format(timezone.localtime(value), "H:i")


@allowed_if(permissions.can_keep_duty)
def duty(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@allowed_if(permissions.can_keep_duty)
def duty_start(request: HttpRequest) -> HttpResponse:
    form = DutyStartForm(request.POST)
    if not form.is_valid():
        return _page(request, start_form=form)
    until = form.cleaned_data["until_at"]
    try:
        # A new end replaces the one of a duty already running, instead of overlapping it.
        services.duty_start(actor=request.user, until=until)
    except services.TicketError:
        form.add_error("until", _("Choose a time later than now."))
        return _page(request, start_form=form)
    messages.success(request, _("You are on duty until %(time)s. Thank you!") % {"time": _moment(until)})
    return redirect("tickets:duty")


@require_POST
@allowed_if(permissions.can_keep_duty)
def duty_stop(request: HttpRequest) -> HttpResponse:
    if services.duty_stop(actor=request.user):
        messages.success(request, _("You are no longer on duty. Thank you for your time!"))
    else:
        messages.info(request, _("You were not on duty."))
    return redirect("tickets:duty")


@require_POST
@allowed_if(permissions.can_keep_duty)
def duty_plan(request: HttpRequest) -> HttpResponse:
    form = DutyPlanForm(request.POST)
    if not form.is_valid():
        return _page(request, plan_form=form)
    try:
        period = services.duty_plan(
            actor=request.user, starts_at=form.cleaned_data["starts_at"], ends_at=form.cleaned_data["ends_at"]
        )
    except services.DutyOverlap:
        form.add_error("starts", _("You are already on duty at part of that time. Choose another time."))
        return _page(request, plan_form=form)
    except services.TicketError:
        form.add_error("starts", _("Choose a moment in the future."))
        return _page(request, plan_form=form)
    messages.success(
        request,
        _("Planned: %(day)s from %(starts)s until %(ends)s.")
        % {
            "day": formats.date_format(timezone.localtime(period.starts_at), "l j F"),
            "starts": _moment(period.starts_at),
            "ends": _moment(period.ends_at),
        },
    )
    return redirect("tickets:duty")


@require_POST
@allowed_if(permissions.can_keep_duty)
def duty_remove(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(DutyPeriod, pk=pk, volunteer_id=request.user.pk)
    try:
        services.duty_remove(actor=request.user, period=period)
    except services.TicketError:
        messages.error(request, _("This period has started already. Use “Stop my duty now” instead."))
    else:
        messages.success(request, _("The planned period is removed."))
    return redirect("tickets:duty")
