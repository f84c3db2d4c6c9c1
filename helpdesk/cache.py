"""The Redis cache, forgiving when Redis is down: a read misses and a write is dropped.

Nothing the cache holds is the only copy of anything: a few cached lists, and the counters that
slow down guessing (helpdesk.throttle). While Redis is down those counters do not count, and
asking, answering and solving go on instead of failing (docs/decisions.md #16). Each failure is
logged as a warning.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What every process must see change at once (settings.CACHES): Redis, or Django's dummy cache
# without it. Its keys carry no schema; a caller that needs one writes it into the key.
SHARED = "shared"


def shared_cache() -> BaseCache:
    return caches[SHARED]


def shared_forget(keys: list[str]) -> None:
    """Drops `keys` from the shared cache now and again after the commit, so that a request that
    read the old rows in between does not keep them."""
    if not keys:
        return
    cache = shared_cache()
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _forgiving(method: Callable[..., Any], fallback: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except UNAVAILABLE as error:
            logger.warning("cache unavailable for %s: %s", method.__name__, error)
            return fallback(*args, **kwargs)

    return call


def _default(key: Any, default: Any = None, *_: Any, **__: Any) -> Any:
    return default


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client makes a new `redis.Redis` for every call (its reply table built anew:
    about 500 entries), three times on every page. This one keeps one per connection pool; a
    `redis.Redis` is safe to share between threads, and its pool reconnects after a fork."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class ForgivingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient

    get = _forgiving(RedisCache.get, _default)
    get_many = _forgiving(RedisCache.get_many, lambda *_, **__: {})
    has_key = _forgiving(RedisCache.has_key, lambda *_, **__: False)
    add = _forgiving(RedisCache.add, lambda *_, **__: False)
    set = _forgiving(RedisCache.set, lambda *_, **__: None)
    set_many = _forgiving(RedisCache.set_many, lambda *_, **__: [])
    touch = _forgiving(RedisCache.touch, lambda *_, **__: False)
    incr = _forgiving(RedisCache.incr, lambda *_, **__: 0)
    delete = _forgiving(RedisCache.delete, lambda *_, **__: False)
    delete_many = _forgiving(RedisCache.delete_many, lambda *_, **__: None)
    clear = _forgiving(RedisCache.clear, lambda *_, **__: False)
