"""Signed links that open one row of an organisation without an account: the question in a
confirmation e-mail, the satisfaction questions in the e-mail that asks how it went.

A link carries the row's id and the schema it was made in, signed with a salt of its own per
purpose; it opens only on that organisation's host, until `max_age` has passed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.db import connection


class SignedLinkError(Exception):
    """The link is forged, expired, or made for another organisation."""


@dataclass(frozen=True)
class SignedLink:
    salt: str
    max_age: int  # seconds

    def make(self, row_id: int) -> str:
        return signing.dumps({"t": row_id, "s": connection.schema_name}, salt=self.salt, compress=True)

    def read(self, token: str) -> int:
        """The row id in a valid link for the current schema; `SignedLinkError` for anything else."""
        try:
            data = signing.loads(token, salt=self.salt, max_age=self.max_age)
        except signing.BadSignature as error:
            raise SignedLinkError(str(error)) from error
        if not isinstance(data, dict) or data.get("s") != connection.schema_name or not isinstance(data.get("t"), int):
            raise SignedLinkError("This link belongs to another organisation.")
        return data["t"]
