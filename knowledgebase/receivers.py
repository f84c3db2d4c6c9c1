"""The knowledge base's part in pages of lower apps, registered through their hooks (apps.ready)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from helpdesk.hooks import Panel
from knowledgebase import flow, permissions, selectors
from knowledgebase.views.asking import matches_for, with_urls
from tickets import hooks


def ask_panel(request: HttpRequest, state: dict[str, Any]) -> dict[str, Any] | None:
    """Suggestions under the question: the list starts with what was typed before, if anything."""
    if not state.get("product"):
        return None
    matches = matches_for(state)
    return {"panel": {"url": reverse("knowledgebase:suggest"), "matches": with_urls(matches), "typed": bool(matches)}}


@hooks.ask_after_question.connect
def matches_first(*, request: HttpRequest, state: dict[str, Any], next_url: str) -> str | None:
    """Without JavaScript (no live list was shown), matching instructions come before the next step."""
    current = flow.current(request)
    if current and current.get("live") and current.get("product_id") == state.get("product"):
        return None
    matches = matches_for(state)
    if not matches:
        return None
    flow.shown(request, product_id=state["product"], matches=matches, live=False, next_url=next_url)
    return reverse("knowledgebase:ask_matches")


@hooks.ask_filed.connect
def asked_anyway(*, request: HttpRequest, ticket: Any) -> None:
    flow.asked(request)


def question_panel(request: HttpRequest, ticket: Any) -> dict[str, Any] | None:
    """On a question, for its helpers: find an instruction to link in the answer; make one of it."""
    if not permissions.can_use_instructions_on(request.user, ticket):
        return None
    query = request.GET.get("instructions", "").strip()[:200]
    results = with_urls(selectors.search(query, limit=5)) if query else []
    for result in results:
        result["insert"] = f"?insert={result['url']}#reply-heading"
    panel = {
        "ticket": ticket,
        "query": query,
        "results": results,
        "searched": bool(query),
        "can_draft": permissions.can_draft_from(request.user, ticket),
    }
    return {"panel": panel}


@hooks.reply_prefill.connect
def insert_link(*, request: HttpRequest, ticket: Any) -> str | None:
    """ "Zet in antwoord": the chosen instruction's title and full address start the answer."""
    path = request.GET.get("insert", "")
    found = selectors.reading_by_path(path)
    if found is None:
        return None
    return f"{found.title}\n{request.build_absolute_uri(found.url)}"


hooks.ask_question_panels.add(Panel("instructions", "knowledgebase/_ask_panel.html", ask_panel))
hooks.question_panels.add(Panel("instructions", "knowledgebase/_question_panel.html", question_panel))
