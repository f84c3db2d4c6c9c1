"""Counting failed attempts per key in the cache, to slow down guessing without a CAPTCHA."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The visitor's address. Behind a proxy REMOTE_ADDR is the proxy, shared by everyone.

    Only the last X-Forwarded-For entry is trusted: our proxy appends it; anything before it is
    whatever the visitor chose to send.
    """
    if settings.BEHIND_PROXY:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "unknown")


def _key(scope: str, value: str) -> str:
    return f"throttle:{scope}:{value.lower()}"


def is_blocked(scope: str, value: str, limit: int | None = None) -> bool:
    return int(cache.get(_key(scope, value), 0)) >= (limit or settings.LOGIN_FAILURE_LIMIT)


def record_failure(scope: str, value: str, window: int | None = None) -> None:
    """Counts one attempt; the count starts over `window` seconds after the first one."""
    key = _key(scope, value)
    timeout = window or settings.LOGIN_FAILURE_WINDOW
    if cache.add(key, 1, timeout=timeout):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=timeout)


def clear(scope: str, value: str) -> None:
    cache.delete(_key(scope, value))
