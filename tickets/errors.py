"""What can go wrong with a change to a question. Every kind is a `TicketError`, so a view can
answer all of them with one message and single out the few it explains better."""

from __future__ import annotations

from typing import Any


class TicketError(Exception):
    """A change to a question that cannot be made."""


class InvalidTransition(TicketError):
    """A status change that the rules of a question do not allow."""


class TicketAlreadyClaimed(TicketError):
    """Somebody else took the question first."""

    def __init__(self, assignee: Any) -> None:
        self.assignee = assignee
        super().__init__(f"The question is already taken by {assignee}.")


class TicketClosed(TicketError):
    """The question is closed; it must be reopened before anyone writes in it."""


class TicketWithProfessionals(TicketError):
    """The professionals work this question now; volunteers follow it but do not take it."""


class DutyOverlap(TicketError):
    """A planned duty period overlaps one the volunteer has already."""


class TicketCapReached(TicketError):
    """The volunteer already holds as many open questions as the organisation allows."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"A volunteer may hold at most {limit} open questions.")


class ResolveRefused(TicketError):
    """The question cannot be solved yet: the requester has had no answer or call, or an answer
    still waits. `reason` says why in the reader's words."""

    def __init__(self, reason: Any) -> None:
        self.reason = reason
        super().__init__(str(reason))


class NotTheAsker(TicketError):
    """Only the person who asked (or a browser that opened the question as them) says it is solved
    or asks for more help; a helper uses the helpers' own actions for that."""
