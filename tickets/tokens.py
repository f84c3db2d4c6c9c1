"""Signed links that open one question without an account (the confirmation e-mail's magic link)."""

from __future__ import annotations

from django.core import signing
from django.db import connection

FOLLOW_SALT = "tickets.follow"
# A requester may come back to the e-mail much later; the question closes long before this.
FOLLOW_MAX_AGE = 60 * 60 * 24 * 180


class FollowLinkError(Exception):
    """The link is forged, expired, or made for another organisation."""


def follow_token_make(ticket_id: int) -> str:
    return signing.dumps({"t": ticket_id, "s": connection.schema_name}, salt=FOLLOW_SALT, compress=True)


def follow_token_read(token: str) -> int:
    try:
        data = signing.loads(token, salt=FOLLOW_SALT, max_age=FOLLOW_MAX_AGE)
    except signing.BadSignature as error:
        raise FollowLinkError(str(error)) from error
    if not isinstance(data, dict) or data.get("s") != connection.schema_name or not isinstance(data.get("t"), int):
        raise FollowLinkError("This link belongs to another organisation.")
    return data["t"]
