"""Counting failed attempts per key in the cache, to slow down guessing without a CAPTCHA."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def _key(scope: str, value: str) -> str:
    return f"throttle:{scope}:{value.lower()}"


def is_blocked(scope: str, value: str, limit: int | None = None) -> bool:
    return int(cache.get(_key(scope, value), 0)) >= (limit or settings.LOGIN_FAILURE_LIMIT)


def record_failure(scope: str, value: str) -> None:
    key = _key(scope, value)
    if cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW)


def clear(scope: str, value: str) -> None:
    cache.delete(_key(scope, value))
