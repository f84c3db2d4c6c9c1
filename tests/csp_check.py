"""What the Content-Security-Policy would block on a page: inline code without the nonce.

Used by the page tests (Django's test client) and the browser tests (every page and every htmx
answer Chromium receives), so an inline script or style that slips into a template fails a test
instead of silently not running for people.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

NONCE_RE = re.compile(r"'nonce-([^']+)'")


def nonce_of(policy: str) -> str | None:
    found = NONCE_RE.search(policy or "")
    return found.group(1) if found else None


class _InlineFinder(HTMLParser):
    def __init__(self, nonce: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        has_nonce = self.nonce is not None and values.get("nonce") == self.nonce
        if tag == "script" and not values.get("src") and not has_nonce:
            self.problems.append(f"<script> without src and without this page's nonce (line {self.getpos()[0]})")
        if tag == "style" and not has_nonce:
            self.problems.append(f"<style> without this page's nonce (line {self.getpos()[0]})")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>: an inline event handler (line {self.getpos()[0]})")
            elif name == "style":
                self.problems.append(f'<{tag} style="{value}">: an inline style (line {self.getpos()[0]})')
            elif name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...> (line {self.getpos()[0]})")


def inline_problems(html: str, policy: str) -> list[str]:
    """Everything inline in `html` that `policy` (the page's CSP header) does not let run."""
    if not policy:
        return ["no Content-Security-Policy header"]
    if "'unsafe-inline'" in policy:
        return ["the policy allows 'unsafe-inline'"]
    finder = _InlineFinder(nonce_of(policy))
    finder.feed(html)
    return finder.problems
