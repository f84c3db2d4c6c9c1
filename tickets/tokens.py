"""Signed links that open one question without an account (the confirmation e-mail's magic link)."""

from __future__ import annotations

from helpdesk.signed_links import SignedLink
from helpdesk.signed_links import SignedLinkError as FollowLinkError

__all__ = ["FOLLOW_MAX_AGE", "FollowLinkError", "follow_token_make", "follow_token_read"]

# A requester may come back to the e-mail much later; the question closes long before this.
FOLLOW_MAX_AGE = 60 * 60 * 24 * 180
FOLLOW_LINK = SignedLink(salt="tickets.follow", max_age=FOLLOW_MAX_AGE)


def follow_token_make(ticket_id: int) -> str:
    return FOLLOW_LINK.make(ticket_id)


def follow_token_read(token: str) -> int:
    return FOLLOW_LINK.read(token)
