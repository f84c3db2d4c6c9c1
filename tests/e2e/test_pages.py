"""Every page, at 1280 and 320 px (and 200% zoom): no axe violation, and the ui.md rules axe cannot check.

Each page is loaded once and checked at both widths (the window is narrowed, CSS lays the page
out again), which halves the time of the run.
"""

from __future__ import annotations

import pytest

from tests.e2e import checks
from tests.e2e.conftest import WIDTHS, Visitor, new_context
from tests.e2e.pages import SCREENS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("screen", SCREENS, ids=[screen.name for screen in SCREENS])
def test_page_meets_ui_rules(browser, server, people, screen):
    context = new_context(browser, width="wide")
    problems: list[str] = []
    try:
        visitor = Visitor(server=server, context=context, page=context.new_page())
        screen.open(visitor, people)
        page = visitor.page
        url = page.url
        if screen.rejected:  # before anything moves the focus
            problems += checks.rejected_form(page)
        problems += checks.structure(page)
        for width, (viewport_width, viewport_height) in WIDTHS.items():
            page.set_viewport_size({"width": viewport_width, "height": viewport_height})
            found = checks.axe_violations(page) + checks.small_targets(page)
            if width == "narrow":
                found += checks.horizontal_scroll(page)
            if screen.end_user:
                found += checks.small_text(page)
            problems += [f"[{viewport_width} px] {problem}" for problem in found]
        # 1280 px at 200% zoom lays out like a 640 px window (ui.md 4).
        page.set_viewport_size({"width": 640, "height": 400})
        problems += [f"[200% zoom] {problem}" for problem in checks.horizontal_scroll(page)]
        if not screen.rejected:  # nothing has had focus yet: the first Tab starts at the top
            problems += [f"[{viewport_width} px] {problem}" for problem in checks.keyboard(page)]
    finally:
        context.close()
    assert not problems, f"{screen.name} ({url}):\n" + "\n".join(problems)
