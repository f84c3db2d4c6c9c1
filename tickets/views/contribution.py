"""A volunteer's own contribution: what they helped with and the time they gave. No ranking."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from helpdesk.decorators import allowed_if
from tickets import permissions
from tickets.selectors import contribution_of


def time_in_words(length: timedelta) -> str:
    """ "3 hours and 20 minutes", "1 hour", "45 minutes": whole minutes, in plain words."""
    minutes = int(length.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    hours_text = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes_text = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    if hours and minutes:
        return _("%(hours)s and %(minutes)s") % {"hours": hours_text, "minutes": minutes_text}
    return hours_text if hours else minutes_text


@allowed_if(permissions.can_see_own_contribution)
def contribution(request: HttpRequest) -> HttpResponse:
    mine = contribution_of(request.user)
    context = {
        "contribution": mine,
        "nothing_yet": not (mine.helped_total or mine.replies_total) and mine.time_total < timedelta(minutes=1),
        "time_this_month": time_in_words(mine.time_this_month),
        "time_total": time_in_words(mine.time_total),
    }
    return render(request, "tickets/contribution.html", context)
