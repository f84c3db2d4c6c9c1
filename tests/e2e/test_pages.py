"""Every page, at 1280 and 320 px (and 200% zoom): no axe violation, and the ui.md rules axe cannot check.

Each page is loaded once and checked at every width (the window is resized and CSS lays the page
out again), which keeps the run short. The questions, duty periods and index rows a page needs are
committed for the server and removed again after its check.
"""

from __future__ import annotations

import pytest

from tests.e2e import checks
from tests.e2e.pages import SCREENS
from tests.e2e.report_pages import REPORT_SCREENS, reports_removed
from tests.e2e.support import WIDTHS
from tests.e2e.ticket_pages import HELP_SCREENS

pytestmark = pytest.mark.browser

ZOOMED = {"width": 640, "height": 400}  # 1280 px at 200% zoom lays out like a 640 px window (ui.md 4)


EVERY_SCREEN = [*SCREENS, *HELP_SCREENS, *REPORT_SCREENS]


@pytest.fixture
def data_removed(people):
    with reports_removed():
        yield


@pytest.mark.parametrize("screen", EVERY_SCREEN, ids=[screen.name for screen in EVERY_SCREEN])
def test_page_meets_ui_rules(visitor, people, data_removed, screen):
    screen.open(visitor, people)
    page = visitor.page
    problems: list[str] = []
    if screen.shows and not page.locator(screen.shows).count():
        problems.append(f"not the intended page: nothing matches {screen.shows!r}")
    if screen.rejected:  # before anything can move the focus
        problems += checks.rejected_form(page)
    problems += checks.structure(page)
    for viewport_width, viewport_height in WIDTHS.values():
        page.set_viewport_size({"width": viewport_width, "height": viewport_height})
        # Nothing scrolls sideways at 320 px; at 1280 px neither, so no table hides a column (or its
        # buttons) behind a scroll bar.
        found = checks.axe_violations(page) + checks.small_targets(page) + checks.horizontal_scroll(page)
        if screen.end_user:
            found += checks.small_text(page)
        problems += [f"[{viewport_width} px] {problem}" for problem in found]
    page.set_viewport_size(ZOOMED)
    problems += [f"[200% zoom] {problem}" for problem in checks.horizontal_scroll(page)]
    if not screen.rejected:  # nothing has had focus yet, so the first Tab starts at the top
        page.set_viewport_size(dict(zip(("width", "height"), WIDTHS["narrow"], strict=True)))
        problems += [f"[keyboard] {problem}" for problem in checks.keyboard(page)]
    assert not problems, f"{screen.name} ({page.url}):\n" + "\n".join(problems)
