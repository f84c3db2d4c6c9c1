"""Instructions while asking: live suggestions (htmx) and, without JavaScript, a page of matches."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from knowledgebase import flow, selectors
from knowledgebase.search import Match
from tickets.views.ask import ask_draft_keep, ask_state

MIN_CHARS = 3


def matches_for(state: dict) -> list[Match]:
    question = f"{state.get('subject', '')} {state.get('body', '')}".strip()
    if len(question) < MIN_CHARS or not state.get("product"):
        return []
    return selectors.search(question, product_id=state["product"])


def with_urls(matches: list[Match]) -> list[dict]:
    """Each match with its page and the address that says it helped ("Dit lost mijn vraag op")."""
    return [
        {
            "title": m.title,
            "url": selectors.instruction_url(m.source, m.pk),
            "helped_url": reverse("knowledgebase:helped", kwargs={"source": m.source, "pk": m.pk}),
        }
        for m in matches
    ]


@never_cache
def suggest(request: HttpRequest) -> HttpResponse:
    """The live list under the question, for htmx; it never takes focus (site.js announces it)."""
    state = ask_state(request)
    if not state.get("product"):
        return HttpResponse(status=204)
    subject = request.GET.get("subject", "")[:200]
    body = request.GET.get("body", "")[:5000]
    ask_draft_keep(request, subject=subject, body=body)
    matches = matches_for({**state, "subject": subject, "body": body})
    if matches:
        flow.shown(request, product_id=state["product"], matches=matches, live=True, next_url="")
    context = {"matches": with_urls(matches), "typed": len(f"{subject}{body}".strip()) >= MIN_CHARS}
    return render(request, "knowledgebase/_ask_panel.html#results", context)


@never_cache
def ask_matches(request: HttpRequest) -> HttpResponse:
    """Without JavaScript: the matches for the question just sent, before the next step."""
    current = flow.current(request)
    state = ask_state(request)
    matches = matches_for(state)
    if not current or not matches:
        return redirect(flow.continue_url(request) if current else reverse("tickets:ask_start"))
    context = {"matches": with_urls(matches), "continue_url": flow.continue_url(request)}
    return render(request, "knowledgebase/ask_matches.html", context)
