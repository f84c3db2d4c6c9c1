"""Answers to "Heeft dit geholpen?": one per browser per instruction per day, a limit per address.

The browser's session remembers which row its answer is (and nothing about the person), so
answering again the same day changes that answer instead of adding one. An address that sends
more new answers about one instruction in a day than the residents of a care home would (they
often share one internet connection) is refused. Only POSTs reach this: a link checker or a
prefetch that GETs the address records nothing.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from helpdesk import throttle
from knowledgebase import counts
from knowledgebase.selectors import Reading

SESSION_KEY = "kb_feedback"
SCOPE = "kb-feedback"
# New answers about one instruction from one address, per day.
ADDRESS_LIMIT = 20
DAY = 24 * 60 * 60


def _today() -> str:
    return timezone.localdate().isoformat()


def _kept(request: HttpRequest) -> dict[str, dict]:
    """This browser's answers of today, by instruction key; older days are forgotten."""
    today = _today()
    return {key: kept for key, kept in request.session.get(SESSION_KEY, {}).items() if kept.get("day") == today}


def answer(request: HttpRequest, reading: Reading, *, helped: bool) -> bool:
    """Records or changes this browser's answer. False when its address sent too many today."""
    kept = _kept(request)
    mine = kept.get(reading.key)
    if mine and counts.feedback_change(row_id=mine["pk"], source=reading.source, pk=reading.pk, helped=helped):
        return True
    address = f"{throttle.client_address(request)}:{reading.key}"
    if throttle.is_blocked(SCOPE, address, ADDRESS_LIMIT):
        return False
    throttle.record_failure(SCOPE, address, window=DAY)
    row = counts.feedback_record(source=reading.source, pk=reading.pk, product_id=reading.product.pk, helped=helped)
    request.session[SESSION_KEY] = {**kept, reading.key: {"pk": row.pk, "day": _today()}}
    return True


def reason_set(request: HttpRequest, reading: Reading, reason: str) -> None:
    """Why it did not help, on this browser's own "no" of today; anything else changes nothing."""
    mine = _kept(request).get(reading.key)
    if mine:
        counts.feedback_reason_set(row_id=mine["pk"], source=reading.source, pk=reading.pk, reason=reason)
