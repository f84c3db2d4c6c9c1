"""Whole journeys, done the way people do them: in a browser, through the forms, from the e-mail.

The journeys people make without help run twice: with JavaScript and without it (ui.md 10).
Selectors use ids, addresses and form actions, so the journeys pass in Dutch and in English.
"""

from __future__ import annotations

import base64
import re
import time
import uuid
from pathlib import Path

import pytest
from django.test import override_settings
from django_otp.oath import TOTP
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from helpdesk.accounts import services
from helpdesk.accounts.models import Role, User
from tenants.models import CareOrganisation
from tests.e2e import checks
from tests.e2e.support import PASSWORD, otp_code, pending_organisation

pytestmark = pytest.mark.browser

WITH_AND_WITHOUT_JAVASCRIPT = pytest.mark.parametrize(
    "visitor", [{"javascript": True}, {"javascript": False}], ids=["js", "no-js"], indirect=True
)


def submit(page, form: str = "main form"):
    """Presses the form's button and waits for the next page; returns that page's response."""
    with page.expect_navigation(wait_until="load") as navigation:
        page.locator(f"{form} button[type=submit]").first.click()
    return navigation.value


def follow(page, selector: str) -> None:
    with page.expect_navigation(wait_until="load"):
        page.locator(selector).first.click()


def signed_in_as(page, name: str) -> None:
    expect(page.locator(".signed-in-as")).to_contain_text(name)


@WITH_AND_WITHOUT_JAVASCRIPT
def test_requester_signs_in_with_the_link_from_the_email(visitor, people):
    server, page = visitor.server, visitor.page
    requester = people.member(Role.REQUESTER, full_name="Gerrit Bakker")
    page.goto(server.tenant())
    follow(page, "main a[href$='/account/sign-in/']")
    page.fill("#id_link-email", f"  {requester.email.upper()} ")
    submit(page, "form:has(#id_link-email)")
    expect(page).to_have_url(server.tenant("test-a", "/account/sign-in/sent/"))

    link = server.link_in_mail(requester.email, r"http://\S+/account/sign-in/link/\S+/")
    page.goto(link)
    assert page.locator(".signed-in-as").count() == 0, "opening the link alone must not sign in"
    submit(page)
    expect(page).to_have_url(server.tenant("test-a", "/"))
    signed_in_as(page, "Gerrit Bakker")

    # The link works once.
    again = visitor.context.new_page()
    again.goto(link)
    assert submit(again).status == 410
    expect(again.locator("main a[href$='/account/sign-in/']")).to_be_visible()


def test_manager_adds_a_client_prints_a_card_and_stops_it(visitor, people, device):

    server, page = visitor.server, visitor.page
    manager = people.member(Role.MANAGER, password=True, device=True, full_name="Marieke Jansen")
    page.goto(server.tenant("test-a", "/account/sign-in/"))
    page.fill("#id_staff-email", manager.email)
    page.fill("#id_staff-password", PASSWORD)
    submit(page, "form:has(#id_staff-email)")
    page.fill("#id_code", otp_code(manager.device))  # managers confirm with their code
    submit(page)
    signed_in_as(page, "Marieke Jansen")

    follow(page, "header a[href='/account/people/']")
    follow(page, "main a[href='/account/people/new/']")
    name = f"Gerrit Kaart {uuid.uuid4().hex[:4]}"
    page.fill("#id_full_name", name)
    page.check("input[name=role][value=requester]")
    page.check("input[name=requester_kind][value=client]")
    submit(page)
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator(".notice[role=status]")).to_contain_text(name)
    client_id = int(re.search(r"/account/people/(\d+)/$", page.url).group(1))

    with page.expect_download() as download:
        page.locator("form[action$='/card/'] button[type=submit]").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"

    # The card's secret is only in its QR code: the test prints the next card through the service,
    # with the addresses the server uses.
    with schema_context("org_test_a"), override_settings(SITE_SCHEME="http", SITE_PORT=server.port):
        client = User.objects.get(pk=client_id)
        assert client.email is None
        card_url = services.login_card_url(services.login_card_issue(actor=manager, user=client).secret)
    assert card_url.startswith(server.tenant("test-a", "/account/card/"))

    phone = device(width="narrow")
    phone.goto(card_url)
    submit(phone)
    signed_in_as(phone, name)

    page.reload()
    follow(page, "form[action$='/card/revoke/'] button[type=submit]")
    expect(page.locator(".notice[role=status]")).to_be_visible()

    other_phone = device(width="narrow")
    other_phone.goto(card_url)
    assert submit(other_phone).status == 410
    assert other_phone.locator(".signed-in-as").count() == 0


@WITH_AND_WITHOUT_JAVASCRIPT
def test_operator_adds_an_organisation_that_answers_within_seconds(visitor, people, device, request):
    server, page = visitor.server, visitor.page
    javascript = request.node.callspec.id == "js"
    admin = people.operator(Role.OPERATOR_ADMIN, password=True)
    page.goto(server.portal())
    expect(page).to_have_url(re.compile(r"/account/sign-in/"))
    page.fill("#id_staff-email", admin.email)
    page.fill("#id_staff-password", PASSWORD)
    submit(page)
    expect(page).to_have_url(server.portal("/account/sign-in/code/"))
    code = otp_code(admin.device)
    page.fill("#id_code", f"{code[:3]} {code[3:]}")  # a space, as people type it from the app
    submit(page)
    expect(page).to_have_url(server.portal("/"))

    follow(page, "main a[href='/organisations/new/']")
    slug = f"e2e-{uuid.uuid4().hex[:8]}"
    name = f"Zorggroep {slug}"
    manager_email = people.address("first-manager")
    page.fill("#id_name", name)
    page.fill("#id_slug", slug)
    page.fill("#id_reference_prefix", "".join(chr(97 + byte % 26) for byte in uuid.uuid4().bytes[:4]))
    page.fill("#id_manager_name", "Els de Manager")
    page.fill("#id_manager_email", manager_email)
    page.check("#id_products_0")
    started = time.monotonic()
    submit(page)
    expect(page).to_have_url(re.compile(r"/organisations/\d+/$"))
    expect(page.locator("h1")).to_have_text(name)

    # With JavaScript the status updates by itself; without it the person presses "refresh".
    while not page.locator("#provisioning .status--active").count():
        assert time.monotonic() - started < 20, "the organisation did not become active"
        if javascript:
            page.wait_for_timeout(250)
        else:
            follow(page, "#provisioning a[href]")

    site = device()
    assert site.goto(server.tenant(slug)).status == 200
    expect(site.locator("h1")).to_contain_text(name)
    assert time.monotonic() - started < 10, "the new organisation's site took more than seconds"

    # The first manager's invitation leads to a password and then the organisation's start page.
    invitation = server.link_in_mail(manager_email, r"http://\S+/account/invitation/\S+/")
    greeting = server.mails_to(manager_email)[-1].get_body(preferencelist=("plain",)).get_content()
    assert greeting.startswith(("Beste Els,", "Hello Els,")), greeting[:40]
    assert invitation.startswith(server.tenant(slug, "/account/invitation/"))
    welcome = device(javascript=javascript)
    welcome.goto(invitation)
    submit(welcome)
    expect(welcome).to_have_url(server.tenant(slug, "/account/password/"))
    welcome.fill("#id_password1", PASSWORD)
    welcome.fill("#id_password2", PASSWORD)
    submit(welcome)
    # A manager confirms each sign-in with an authenticator app: the first time, they set it up.
    expect(welcome).to_have_url(server.tenant(slug, "/account/sign-in/code/?next=%2F"))
    key = base64.b32decode(welcome.locator("code.secret").inner_text().replace(" ", ""))
    welcome.fill("#id_code", f"{TOTP(key).token():06d}")
    submit(welcome)
    expect(welcome).to_have_url(server.tenant(slug, "/"))
    expect(welcome.locator("main a[href='/account/people/']")).to_be_visible()


def test_professional_opens_an_organisation_and_the_handoff_works_once(visitor, people, device):

    server, page = visitor.server, visitor.page
    professional = people.operator(Role.PROFESSIONAL)
    visitor.sign_in_as(professional, slug="public", verified=True)
    organisation = CareOrganisation.objects.get(slug="test-a")
    handoffs: list[str] = []
    page.on("request", lambda request: handoffs.append(request.url) if "/account/handoff/" in request.url else None)
    page.goto(server.portal(f"/organisations/{organisation.pk}/"))
    with page.expect_navigation(url=server.tenant("test-a", "/")):
        page.locator("form[action$='/open/'] button[type=submit]").click()
    signed_in_as(page, professional.full_name)
    assert len(handoffs) == 1

    assert device().goto(handoffs[0]).status == 410


def test_provisioning_status_updates_itself_and_is_announced(visitor, people):
    """ui.md 10: the htmx swap announces the new status in the status region and keeps the focus."""

    server, page = visitor.server, visitor.page
    organisation = pending_organisation()
    visitor.sign_in_as(people.operator(), slug="public", verified=True)
    page.goto(server.portal(f"/organisations/{organisation.pk}/"))
    expect(page.locator("#provisioning .status--provisioning")).to_be_visible()
    assert page.locator("#live-status[role=status]").count() == 1

    page.locator("#provisioning a[href]").first.focus()  # the refresh link, which the swap replaces
    CareOrganisation.objects.filter(pk=organisation.pk).update(status=CareOrganisation.Status.ACTIVE)
    expect(page.locator("#provisioning .status--active")).to_be_visible(timeout=5000)
    expect(page.locator("#live-status")).to_have_text(page.locator("#provisioning .status--active").inner_text())
    focused = page.evaluate("() => document.activeElement.closest('#provisioning, h1') !== null")
    assert focused, "the focus fell to the page body when its control was replaced"
    assert page.locator("[aria-busy=true]").count() == 0


@pytest.mark.parametrize("visitor", [{"javascript": False}], ids=["no-js"], indirect=True)
def test_rejected_form_without_javascript_still_focuses_the_error_summary(visitor):
    page = visitor.page
    page.goto(visitor.server.tenant("test-a", "/account/sign-in/"))
    submit(page, "form:has(#id_link-email)")
    problems = checks.rejected_form(page)
    assert not problems, "\n".join(problems)
