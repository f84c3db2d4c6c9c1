"""The organisation's saved replies, kept in the cache: every question page a helper may answer
on offers them, and they change only when a helper adds or removes one.

Like the product choices (tenants/product_choices.py): the cache keys carry the organisation's
schema, and a change forgets them at once and again after the commit, so a page that read the
old list in between does not keep it.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from tickets.models import SavedReply

KEY = "saved-replies"
# A change made outside the services (a data load) shows within this many seconds.
SECONDS = 15 * 60


def saved_replies() -> list[SavedReply]:
    """The saved replies, by title, with what a question page shows of them (id, title, text)."""
    replies = cache.get(KEY)
    if replies is None:
        replies = list(SavedReply.objects.only("pk", "title", "body"))
        cache.set(KEY, replies, SECONDS)
    return replies


def saved_replies_forget() -> None:
    cache.delete(KEY)
    transaction.on_commit(lambda: cache.delete(KEY))
