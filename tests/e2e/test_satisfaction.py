"""The requester rates the help of a solved question in a browser: from the question page, and from
the e-mail link on a phone without JavaScript. Every page passes axe at 1280 and 320 px.

Selectors use ids, addresses and form actions, so the test passes in Dutch and in English.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from helpdesk.accounts.models import Role
from satisfaction.models import SurveyAnswer
from tenants.models import Product
from tests.e2e import checks
from tests.e2e.support import WIDTHS
from tests.factories import ticket_solve
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.browser

SCHEMA = "org_test_a"
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


def submit(page):
    with page.expect_navigation(wait_until="load") as navigation:
        page.locator("main form button[type=submit]").first.click()
    return navigation.value


def meets_ui_rules(page, name: str, *, rejected: bool = False) -> None:
    """axe and the ui.md rules axe cannot see, at 1280 and 320 px; pictures too if SCREENSHOTS is set."""
    problems = checks.at_both_widths(page, rejected=rejected)
    if SCREENSHOTS:
        before = page.viewport_size
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        for width, (viewport_width, viewport_height) in WIDTHS.items():
            page.set_viewport_size({"width": viewport_width, "height": viewport_height})
            suffix = "" if width == "wide" else f"-{viewport_width}"
            page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}{suffix}.png"), full_page=True)
        page.set_viewport_size(before)
    assert not problems, f"{name} ({page.url}):\n" + "\n".join(problems)


@pytest.fixture
def solved(people) -> Iterator[tuple]:
    """A committed, solved question of a requester with an account; removed again afterwards."""

    requester = people.member(Role.REQUESTER, full_name="Anja Visser")
    volunteer = people.member(Role.VOLUNTEER, full_name="Fatima El Amrani")
    with schema_context(SCHEMA):
        ticket = services.ticket_create(
            actor=requester,
            requester=requester,
            product=Product.objects.get(slug="beeldbel-tablet"),
            subject="Ik zie mijn dochter niet",
            body="Als ze belt is het scherm zwart.",
        )
        ticket = services.ticket_claim(ticket=ticket, actor=volunteer)
        services.reply_post(ticket=ticket, actor=volunteer, body="Tik op het camera-plaatje.")
    try:
        yield ticket, requester, volunteer
    finally:
        with schema_context(SCHEMA):
            Ticket.objects.filter(pk=ticket.pk).delete()


def test_requester_rates_the_help_and_the_technology(visitor, device, solved, mailoutbox):

    server, page = visitor.server, visitor.page
    ticket, requester, volunteer = solved
    with schema_context(SCHEMA), override_settings(SITE_SCHEME="http", SITE_PORT=server.port):
        mailoutbox.clear()
        ticket_solve(ticket=ticket, actor=volunteer, cause="explanation")
    [mail] = [m for m in mailoutbox if "/rating/" in m.body]
    link = next(word for word in mail.body.split() if "/rating/" in word)
    assert link.startswith(server.tenant("test-a", "/rating/"))

    visitor.sign_in_as(requester)
    page.goto(server.tenant("test-a", f"/questions/{ticket.number}/follow/"))
    meets_ui_rules(page, "satisfaction-question-page")
    with page.expect_navigation(wait_until="load"):
        page.locator(f"main a[href='/questions/{ticket.number}/rating/']").click()
    expect(page.locator("h1")).to_be_visible()
    assert page.locator("fieldset.scale").count() == 2
    assert page.locator("fieldset.scale legend").count() == 2
    meets_ui_rules(page, "satisfaction-rate")

    # Sent without a face: the error summary takes the focus and the comment stays.
    page.fill("#id_comment", "Fijn dat iemand meekeek.")
    assert submit(page).status == 200
    meets_ui_rules(page, "satisfaction-rate-errors", rejected=True)
    expect(page.locator("#id_comment")).to_have_value("Fijn dat iemand meekeek.")
    with schema_context(SCHEMA):
        assert not SurveyAnswer.objects.filter(ticket_id=ticket.pk).exists()

    # The error summary's link leads to the first face; the keyboard chooses within a scale.
    page.locator("[data-error-summary] a[href='#id_help_score_0']").click()
    page.locator("#id_help_score_0").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#id_help_score_3")).to_be_checked()  # 4: happy
    page.locator("label[for='id_technology_score_1']").click()  # 2: unhappy, by its words or face
    expect(page.locator("#id_technology_score_1")).to_be_checked()
    submit(page)
    expect(page).to_have_url(server.tenant("test-a", f"/questions/{ticket.number}/rating/thanks/"))
    expect(page.locator("main")).to_contain_text(str(ticket.number))
    expect(page.locator("main")).to_contain_text("Fijn dat iemand meekeek.")
    meets_ui_rules(page, "satisfaction-thanks")
    with schema_context(SCHEMA):
        answer = SurveyAnswer.objects.get(ticket_id=ticket.pk)
    assert (answer.help_score, answer.technology_score, answer.tier) == (4, 2, "volunteer")

    # The e-mail link, opened in another browser, shows the answer to change; opening records nothing.
    other = device()
    other.goto(link)
    expect(other.locator("#id_help_score_3")).to_be_checked()
    meets_ui_rules(other, "satisfaction-rate-from-email")

    # And on a phone without JavaScript (axe needs JavaScript, so it ran in the browser above).
    phone = device(width="narrow", javascript=False)
    phone.goto(link)
    expect(phone.locator("#id_help_score_3")).to_be_checked()
    expect(phone.locator("#id_technology_score_1")).to_be_checked()
    with schema_context(SCHEMA):
        assert SurveyAnswer.objects.get(pk=answer.pk).changed_at == answer.changed_at
    phone.locator("label[for='id_technology_score_2']").click()
    submit(phone)
    expect(phone.locator("main")).to_contain_text(str(ticket.number))
    with schema_context(SCHEMA):
        changed = SurveyAnswer.objects.get(pk=answer.pk)
    assert (changed.help_score, changed.technology_score) == (4, 3)
    assert changed.answered_at == answer.answered_at and changed.changed_at > answer.changed_at
