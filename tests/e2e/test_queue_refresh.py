"""The volunteers' queue refreshes its rows every 30 seconds (htmx). Whoever is working in it keeps
their place: the control that had focus has it again, and the page does not jump.

The browser's clock is Playwright's, so the test moves it on instead of waiting half a minute.
The old rows are marked first, so the test knows the refresh really replaced them.
"""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from helpdesk.accounts.models import Role
from tests.e2e.support import schema_for
from tests.e2e.ticket_pages import questions_removed
from tests.factories import ticket_make

pytestmark = pytest.mark.browser

NARROW = [{"width": "narrow"}]  # 320 px: the rows stack, so the page is long enough to scroll


def refreshed(page) -> None:
    """Moves the browser's clock past the refresh and waits until new rows replaced the old ones."""
    page.evaluate("() => { document.getElementById('queue-rows').dataset.old = 'yes'; }")
    page.clock.run_for(31_000)
    page.wait_for_function("() => !document.getElementById('queue-rows').dataset.old")
    page.clock.run_for(1_000)  # htmx settles the swap on a timer too


def place(page) -> dict:
    return page.evaluate(
        """() => ({
            scrollY: window.scrollY,
            top: document.activeElement.getBoundingClientRect().top,
            tag: document.activeElement.tagName,
            id: document.activeElement.id,
            href: document.activeElement.getAttribute('href'),
            inRows: document.getElementById('queue-rows').contains(document.activeElement),
        })"""
    )


@pytest.fixture
def queue(visitor, people, committed):
    """A volunteer signed in, and enough questions to scroll through, on the queue page."""
    volunteer = people.member(Role.VOLUNTEER, full_name="Sanne Verversing")
    with questions_removed():
        with schema_context(schema_for("test-a")):
            for n in range(8):
                ticket_make(subject=f"Vraag {n} over de tablet", contact_name="Mevrouw Jansen")
        visitor.sign_in_as(volunteer)
        visitor.page.clock.install()
        visitor.page.goto(visitor.server.tenant("test-a", "/questions/"))
        yield visitor.page


@pytest.mark.parametrize("visitor", NARROW, indirect=True)
def test_a_focused_link_in_the_rows_keeps_focus_and_the_page_its_scroll_place(queue):
    page = queue
    link = page.locator("#queue-rows tbody a").nth(5)
    link.focus()
    page.evaluate("() => window.scrollBy(0, 40)")
    before = place(page)
    assert before["inRows"] and before["href"] and before["scrollY"] > 0

    refreshed(page)

    after = place(page)
    assert after == before


@pytest.mark.parametrize("visitor", NARROW, indirect=True)
def test_a_focused_filter_field_keeps_focus_and_the_page_its_scroll_place(queue):
    page = queue
    page.locator("#id_q").focus()
    page.evaluate("() => window.scrollBy(0, 60)")
    before = place(page)
    assert before["id"] == "id_q" and before["scrollY"] > 0

    refreshed(page)

    assert place(page) == before
