"""Every page, at 1280 and 320 px (and 200% zoom): no axe violation, and the ui.md rules axe cannot check.

Each page is loaded once and checked at every width (the window is resized and CSS lays the page
out again), which keeps the run short.
"""

from __future__ import annotations

import pytest

from tests.e2e import checks
from tests.e2e.pages import SCREENS
from tests.e2e.support import WIDTHS

pytestmark = pytest.mark.browser

ZOOMED = {"width": 640, "height": 400}  # 1280 px at 200% zoom lays out like a 640 px window (ui.md 4)


@pytest.mark.parametrize("screen", SCREENS, ids=[screen.name for screen in SCREENS])
def test_page_meets_ui_rules(visitor, people, screen):
    screen.open(visitor, people)
    page = visitor.page
    problems: list[str] = []
    if screen.rejected:  # before anything can move the focus
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
    page.set_viewport_size(ZOOMED)
    problems += [f"[200% zoom] {problem}" for problem in checks.horizontal_scroll(page)]
    if not screen.rejected:  # nothing has had focus yet, so the first Tab starts at the top
        page.set_viewport_size(dict(zip(("width", "height"), WIDTHS["narrow"], strict=True)))
        problems += [f"[keyboard] {problem}" for problem in checks.keyboard(page)]
    assert not problems, f"{screen.name} ({page.url}):\n" + "\n".join(problems)
