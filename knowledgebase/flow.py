"""The ask flow this browser is in, as the knowledge base sees it: a token in the session.

The token ties suggestions shown, opened and the outcome together (knowledgebase.counts); it is
the only link and it is not a person.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from knowledgebase import counts
from knowledgebase.search import Match

FLOW_KEY = "kb_flow"


def current(request: HttpRequest) -> dict[str, Any] | None:
    return request.session.get(FLOW_KEY)


def shown(request: HttpRequest, *, product_id: int | None, matches: list[Match], live: bool, next_url: str) -> None:
    """Records matches shown while asking, starting the flow on first sight (or for another product)."""
    flow = current(request)
    if flow is None or flow.get("product_id") != product_id or "pk" not in flow:
        row = counts.flow_start(product_id=product_id)
        flow = {"pk": row.pk, "token": row.token, "product_id": product_id, "keys": [], "live": False}
    new = [match for match in matches if match.key not in flow["keys"]]
    if new:
        counts.flow_shown(flow_id=flow["pk"], matches=new)
    keys = sorted({*flow["keys"], *(match.key for match in matches)})
    request.session[FLOW_KEY] = {**flow, "keys": keys, "live": flow["live"] or live, "next": next_url}


def suggested(request: HttpRequest, key: str) -> bool:
    flow = current(request)
    return bool(flow and key in flow.get("keys", []))


def opened(request: HttpRequest, source: str, pk: int) -> None:
    flow = current(request)
    if flow and f"{source}:{pk}" in flow.get("keys", []):
        counts.flow_opened(token=flow["token"], source=source, pk=pk)


def solved(request: HttpRequest, source: str, pk: int) -> bool:
    flow = request.session.pop(FLOW_KEY, None)
    return bool(flow) and counts.flow_solved(token=flow["token"], source=source, pk=pk)


def asked(request: HttpRequest) -> None:
    flow = request.session.pop(FLOW_KEY, None)
    if flow:
        counts.flow_asked(token=flow["token"])


def continue_url(request: HttpRequest) -> str:
    """Where "Ik wil toch een vraag stellen" goes: back into the question, nothing typed lost."""
    flow = current(request) or {}
    return flow.get("next") or reverse("tickets:ask_step", kwargs={"step": "question"})
