"""The browser tests fail when a page has inline code the Content-Security-Policy does not allow.

A page served with the site's policy and an inline script without the nonce, a style attribute and
an htmx indicator style (htmx adds one unless told not to) is caught both ways: Chromium refuses
them, and the reading of the received HTML flags them. The same page with the nonce passes.
"""

from __future__ import annotations

import pytest

from tests.e2e.support import new_context, policy_problems

pytestmark = pytest.mark.browser

POLICY = "default-src 'self'; script-src 'self' 'nonce-r4nd0m'; style-src 'self' 'nonce-r4nd0m'"


def serve(context, body: str) -> None:
    context.route(
        "http://policy.test/**",
        lambda route: route.fulfill(
            status=200, body=body, headers={"Content-Type": "text/html", "Content-Security-Policy": POLICY}
        ),
    )


def test_an_inline_script_without_the_nonce_fails(browser):
    context = new_context(browser)
    try:
        serve(context, '<html><body><script>document.title = "ran";</script><p style="color: red">x</p></body></html>')
        page = context.new_page()
        page.goto("http://policy.test/")
        assert page.title() != "ran"
        problems = policy_problems(context)
        assert any("inline script violates" in problem for problem in problems), problems
        assert any("<script> without src" in problem for problem in problems), problems
        assert any("inline style" in problem for problem in problems), problems
    finally:
        context.close()


def test_the_same_script_with_the_nonce_passes(browser):
    context = new_context(browser)
    try:
        serve(context, '<html><body><script nonce="r4nd0m">document.title = "ran";</script></body></html>')
        page = context.new_page()
        page.goto("http://policy.test/")
        assert page.title() == "ran"
        assert policy_problems(context) == []
    finally:
        context.close()
