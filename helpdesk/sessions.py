"""Sessions kept in the organisation's schema and read through Redis.

Every save writes the session to the schema's own `django_session` table and to Redis (its key
carries the schema: `django_tenants.cache.make_key`), and a request reads Redis first, the table
only when Redis does not have it. So a signed-in page costs no query for its session.

The table stays the only copy that counts. A copy in Redis is kept for at most
`CACHE_SECONDS`, and every way a session ends (signing out, signing out everywhere, erasing a
person) deletes it through this store, from the table and from Redis. While Redis is unreachable
the pages read the table, and a copy that could not be deleted then is gone at most
`CACHE_SECONDS` after it was written (docs/decisions.md #23).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

CACHE_SECONDS = 5 * 60


def store_class() -> type[SessionBase]:
    """The configured session store (`SESSION_ENGINE`), for code that ends sessions."""
    return import_module(settings.SESSION_ENGINE).SessionStore


class SessionStore(cached_db.SessionStore):
    def _cache_seconds(self, expiry_age: int) -> int:
        return max(0, min(CACHE_SECONDS, expiry_age))

    def load(self) -> dict[str, Any]:
        data = self._cache.get(self.cache_key)
        if data is not None:
            return data
        row = self._get_session_from_db()
        if row is None:
            return {}
        data = self.decode(row.session_data)
        self._cache.set(self.cache_key, data, self._cache_seconds(self.get_expiry_age(expiry=row.expire_date)))
        return data

    def save(self, must_create: bool = False) -> None:
        DatabaseStore.save(self, must_create)
        self._cache.set(self.cache_key, self._session, self._cache_seconds(self.get_expiry_age()))
