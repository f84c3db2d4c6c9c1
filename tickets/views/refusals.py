"""What a helper is told when a change to a question does not happen: one place that turns each
kind of `TicketError` into plain words, so every page says the same for the same reason."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tickets.errors import (
    ResolveRefused,
    TicketAlreadyClaimed,
    TicketCapReached,
    TicketClosed,
    TicketError,
    TicketWithProfessionals,
)

# What the page says when a volunteer tries something the professionals now do.
WITH_PROFESSIONALS = gettext_lazy(
    "The professionals have this question now. You can still follow it and add internal notes."
)
CLOSED = gettext_lazy("This question is closed. Open it again first.")
NOT_NOW = gettext_lazy("This change is not possible now. Somebody may have changed the question.")


def cap_reached_message(limit: int) -> str:
    return ngettext(
        "You already hold %(count)d question. Finish it or give it back to the queue first.",
        "You already hold %(count)d questions. Finish one or give one back to the queue first.",
        limit,
    ) % {"count": limit}


def refusal_text(error: TicketError, *, closed: str | Promise = CLOSED, other: str | Promise = NOT_NOW) -> str:
    """Why the change did not happen, in the reader's language. `closed` and `other` let a page
    say more precisely what a closed question or any other refusal means there."""
    if isinstance(error, TicketAlreadyClaimed):
        return _("%(name)s took this question just before you.") % {"name": error.assignee}
    if isinstance(error, TicketCapReached):
        return cap_reached_message(error.limit)
    if isinstance(error, TicketWithProfessionals):
        return str(WITH_PROFESSIONALS)
    if isinstance(error, TicketClosed):
        return str(closed)
    if isinstance(error, ResolveRefused):
        return str(error.reason)
    return str(other)


def explain(request: HttpRequest, error: TicketError, **wording: str | Promise) -> None:
    """Tells the helper on the next page why the change did not happen (see `refusal_text`)."""
    messages.error(request, refusal_text(error, **wording))
