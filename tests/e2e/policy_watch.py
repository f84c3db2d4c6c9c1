"""Watches every page of a browser context for what the Content-Security-Policy blocks.

Two views of the same rule: Chromium's own reports (a console error for each script, style or
load the policy refused, also what htmx or site.js would add at run time), and our reading of
each HTML document and htmx answer the browser received (an inline script without the page's
nonce fails even where the browser never got to run it).
"""

from __future__ import annotations

from tests.csp_check import inline_problems


class PolicyWatch:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def attach(self, context) -> PolicyWatch:
        context.on("page", self._watch_page)
        return self

    def _watch_page(self, page) -> None:
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.problems.append(f"{message.location.get('url', '')}: {message.text}")

    def _response(self, response) -> None:
        # A file opened from disk (a person's export, read offline) has no headers to check.
        if not response.url.startswith(("http://", "https://")):
            return
        if not response.headers.get("content-type", "").startswith("text/html") or response.status >= 300:
            return
        try:
            html = response.text()
        except Exception:  # a page that went away before its body was read
            return
        policy = response.headers.get("content-security-policy", "")
        self.problems.extend(f"{response.url}: {problem}" for problem in inline_problems(html, policy))
