"""In a browser: a manager sets up the authenticator app at the first sign-in; the sign-in warns
before it ends and "Stay signed in" keeps it; a long text survives a reload and an ended sign-in."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from helpdesk.accounts.models import Role
from helpdesk.middleware import SESSION_SAVED_AT_KEY
from helpdesk.sessions import store_class
from tests import factories
from tests.e2e import checks
from tests.e2e.support import PASSWORD, schema_for
from tests.e2e.ticket_pages import questions_removed
from tickets.services import ticket_claim

pytestmark = pytest.mark.browser


def submit(page, form: str = "main form"):
    with page.expect_navigation(wait_until="load") as navigation:
        page.locator(f"{form} button[type=submit]").first.click()
    return navigation.value


def password_step(page, server, user, path: str = "/account/sign-in/") -> None:
    page.goto(server.tenant("test-a", path))
    page.fill("#id_staff-email", user.email)
    page.fill("#id_staff-password", PASSWORD)
    submit(page, "form:has(#id_staff-email)")


def shorten_session(visitor, *, lasts: int) -> str:
    """Gives the browser's session on test-a only `lasts` seconds more (SESSION_COOKIE_AGE, for this
    one session), counted from now; returns its key."""
    cookie = next(c for c in visitor.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    with schema_context(schema_for("test-a")):
        session = store_class()(session_key=cookie["value"])
        session.set_expiry(lasts)
        session[SESSION_SAVED_AT_KEY] = int(time.time())
        session.save()
    return cookie["value"]


@pytest.fixture
def question(committed) -> Iterator[object]:
    with questions_removed(), schema_context(schema_for("test-a")):
        yield factories.ticket_make()


def test_a_manager_sets_up_the_authenticator_app_at_the_first_sign_in(visitor, people):
    server, page = visitor.server, visitor.page
    manager = people.member(Role.MANAGER, password=True, full_name="Marieke Jansen")

    password_step(page, server, manager, "/account/sign-in/?next=/account/people/")
    expect(page).to_have_url(server.tenant("test-a", "/account/sign-in/code/?next=%2Faccount%2Fpeople%2F"))
    expect(page.locator(".qr svg")).to_be_visible()
    key = page.locator("code.secret").inner_text().replace(" ", "")
    with schema_context(schema_for("test-a")):
        device = TOTPDevice.objects.get(user=manager, confirmed=False)
    assert key == base64.b32encode(device.bin_key).decode()
    problems = checks.at_both_widths(page)
    page.fill("#id_code", "000 000" if TOTP(device.bin_key).token() != 0 else "111 111")
    submit(page)
    expect(page.locator("#id_code")).to_have_attribute("aria-invalid", "true")
    problems += checks.at_both_widths(page, rejected=True)
    with schema_context(schema_for("test-a")):  # django-otp pauses a second after a wrong code
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)

    page.fill("#id_code", f"{TOTP(device.bin_key).token():06d}")
    submit(page)

    expect(page).to_have_url(server.tenant("test-a", "/account/people/"))
    expect(page.locator("h1")).to_be_visible()
    with schema_context(schema_for("test-a")):
        assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert not problems, "\n".join(problems)


def test_the_sign_in_warns_before_it_ends_and_stays_on_request(visitor, people):
    server, page = visitor.server, visitor.page
    volunteer = people.member(Role.VOLUNTEER, password=True)
    visitor.sign_in_as(volunteer)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(server.tenant("test-a", "/questions/"))
    key = shorten_session(visitor, lasts=settings.SESSION_WARNING_SECONDS + 3)
    page.reload()
    warning = page.locator("#session-warning")
    expect(warning).to_be_hidden()

    expect(warning.locator("[role=alert]")).to_contain_text("minut", timeout=10_000)  # "minuten", "minutes"
    stay = warning.locator("[data-session-stay]")
    expect(stay).to_be_visible()
    problems = checks.axe_violations(page) + checks.horizontal_scroll(page) + checks.small_targets(page)
    # Nothing had focus, so the button has it; from the top of the page it comes right after the skip link.
    assert page.evaluate("document.activeElement.hasAttribute('data-session-stay')")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(warning).to_be_hidden()
    expect(page.locator("#live-status")).not_to_be_empty()
    with schema_context(schema_for("test-a")):
        expires = Session.objects.get(session_key=key).expire_date
    assert (expires - timezone.now()).total_seconds() > settings.SESSION_COOKIE_AGE - 60
    assert not problems, "\n".join(problems)


def test_a_draft_survives_a_reload_and_an_ended_sign_in(visitor, people, question):
    server, page = visitor.server, visitor.page
    volunteer = people.member(Role.VOLUNTEER, password=True)
    with schema_context(schema_for("test-a")):
        ticket_claim(ticket=question, actor=volunteer)
    visitor.sign_in_as(volunteer)
    address = server.tenant("test-a", f"/questions/{question.number}/")
    page.goto(address)
    answer = "Zet de tablet uit en weer aan.\nHoud de knop tien tellen vast."
    page.locator("form[action$='/reply/'] textarea").fill(answer)
    page.wait_for_timeout(600)  # the draft is saved after a short pause in typing

    page.reload()
    expect(page.locator("form[action$='/reply/'] textarea")).to_have_value(answer)
    expect(page.locator("form[action$='/reply/'] .draft-note")).to_be_visible()
    expect(page.locator("#live-status")).not_to_be_empty()

    # The sign-in ends while the answer is being written; sending it leads to the sign-in page.
    key = shorten_session(visitor, lasts=2)
    page.reload()
    expect(page.locator("#session-warning [data-session-again]")).to_be_visible(timeout=10_000)
    # The page counts in whole seconds and says so a little early: wait until the server's
    # session has truly ended before sending.
    with schema_context(schema_for("test-a")):
        ends = Session.objects.get(session_key=key).expire_date
    page.wait_for_timeout(max(0.0, (ends - timezone.now()).total_seconds()) * 1000 + 500)
    submit(page, "form[action$='/reply/']")
    expect(page).to_have_url(server.tenant("test-a", f"/account/sign-in/?next=/questions/{question.number}/"))
    page.fill("#id_staff-email", volunteer.email)
    page.fill("#id_staff-password", PASSWORD)
    submit(page, "form:has(#id_staff-email)")

    expect(page).to_have_url(address)
    expect(page.locator("form[action$='/reply/'] textarea")).to_have_value(answer)
    problems = checks.axe_violations(page)

    # Sent for real: the answer is on the page and the draft is gone.
    submit(page, "form[action$='/reply/']")
    expect(page.locator("main")).to_contain_text("Houd de knop tien tellen vast.")
    page.reload()
    expect(page.locator("form[action$='/reply/'] textarea")).to_have_value("")
    assert not problems, "\n".join(problems)
