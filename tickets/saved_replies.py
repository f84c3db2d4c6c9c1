"""The organisation's saved replies, kept in the cache: every question page a helper may answer
on offers them, and they change only when a helper adds or removes one.

Kept in the `shared` cache, under a key with the organisation's schema: Redis, which every
process sees change, or nothing without Redis (a copy per process could not be told to forget).
A change forgets the list at once and again after the commit, so a page that read the old list in
between does not keep it.
"""

from __future__ import annotations

from django.db import connection

from helpdesk.cache import shared_cache, shared_forget
from tickets.models import SavedReply

# A change made outside the services (a data load) shows within this many seconds.
SECONDS = 15 * 60


def saved_replies() -> list[SavedReply]:
    """The saved replies, by title, with what a question page shows of them (id, title, text)."""
    cache, key = shared_cache(), _key()
    replies = cache.get(key)
    if replies is None:
        replies = list(SavedReply.objects.only("pk", "title", "body"))
        cache.set(key, replies, SECONDS)
    return replies


def saved_replies_forget() -> None:
    shared_forget([_key()])


def _key() -> str:
    return f"saved-replies:{connection.schema_name}"
