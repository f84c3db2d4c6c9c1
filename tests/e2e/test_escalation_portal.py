"""The professionals' queue in a browser: signing in with the second factor, both organisations in
one list, filtering, and the portal's other new pages at 320 and 1280 px.

Selectors use ids, addresses and form actions, so the tests pass in Dutch and in English.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django_tenants.utils import schema_context, tenant_context
from playwright.sync_api import expect

from escalations.models import EscalationEntry
from helpdesk.accounts.models import Role, User
from tenants.models import CareOrganisation, Product
from tests.e2e import checks
from tests.e2e.support import PASSWORD, otp_code
from tickets import services
from tickets.models import EscalationReason, Ticket

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Escalated:
    organisation: object
    number: int
    reference: str
    subject: str


def _escalate(slug: str, subject: str, volunteer_name: str) -> Escalated:
    """A question asked and passed to the professionals by a volunteer, committed for the server."""

    organisation = CareOrganisation.objects.get(slug=slug)
    with tenant_context(organisation):
        volunteer = User.objects.create(full_name=volunteer_name, role=Role.VOLUNTEER, requester_kind="")
        ticket = services.ticket_create(
            actor=None,
            requester=None,
            product=Product.objects.get(slug="beeldbel-tablet"),
            subject=subject,
            body="Het scherm blijft zwart als ik bel.",
            contact_name="Mevrouw Jansen",
        )
        ticket = services.ticket_escalate(ticket=ticket, actor=volunteer, reason=EscalationReason.TOO_DIFFICULT)
        return Escalated(organisation, ticket.number, ticket.reference, subject)


def _remove(question: Escalated) -> None:

    with tenant_context(question.organisation):
        ticket = Ticket.objects.get(number=question.number)
        EscalationEntry.objects.filter(organisation=question.organisation, ticket_id=ticket.pk).delete()
        ticket.delete()


@pytest.fixture
def two_escalated(committed) -> Iterator[tuple[Escalated, Escalated]]:
    """One escalated question in test-a and one in test-b; removed again afterwards."""
    made = []
    try:
        made.append(_escalate("test-a", "Beeldbellen lukt niet bij A", "Vera Vrijwilliger"))
        made.append(_escalate("test-b", "Alarmknop reageert niet bij B", "Willem Vrijwilliger"))
        yield made[0], made[1]
    finally:
        for question in made:
            _remove(question)


def _submit(page, form: str = "main form") -> None:
    with page.expect_navigation(wait_until="load"):
        page.locator(f"{form} button[type=submit]").first.click()


def _sign_in_to_the_portal(page, server, people):
    """Password, then the code from the authenticator app, as a professional does it."""
    professional = people.operator(Role.PROFESSIONAL, password=True)
    page.goto(server.portal())
    expect(page).to_have_url(re.compile(r"/account/sign-in/"))
    page.fill("#id_staff-email", professional.email)
    page.fill("#id_staff-password", PASSWORD)
    _submit(page)
    expect(page).to_have_url(server.portal("/account/sign-in/code/"))
    page.fill("#id_code", otp_code(professional.device))
    _submit(page)
    expect(page).to_have_url(server.portal("/"))
    return professional


def _ui_problems(page) -> list[str]:
    """axe and the ui.md rules axe cannot see; the staff tables may use smaller text."""
    return checks.at_both_widths(page, text=False)


def _rows(page):
    return page.locator("#escalation-rows tbody tr[id^='escalation-']")


@pytest.mark.parametrize("visitor", [{"javascript": True}, {"javascript": False}], ids=["js", "no-js"], indirect=True)
def test_professional_sees_both_organisations_and_filters_by_one(visitor, people, two_escalated, request):
    server, page = visitor.server, visitor.page
    javascript = request.node.callspec.id == "js"
    in_a, in_b = two_escalated
    _sign_in_to_the_portal(page, server, people)

    with page.expect_navigation(wait_until="load"):
        page.locator("main a[href='/escalations/']").first.click()  # the waiting count links there too
    expect(page).to_have_url(server.portal("/escalations/"))
    for question in (in_a, in_b):
        row = page.locator("#escalation-rows tr", has_text=question.reference)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(question.subject)
        expect(row).to_contain_text(question.organisation.name)
        expect(
            row.locator(f"form[action='/escalations/{question.organisation.pk}/{question.number}/open/']")
        ).to_be_visible()
    if javascript:  # axe runs as a script in the page; the page itself is the same without one
        problems = _ui_problems(page)
        assert not problems, "the professionals' queue:\n" + "\n".join(problems)

    page.select_option("#id_organisation", str(in_a.organisation.pk))
    if javascript:
        # With JavaScript the list follows the choice at once; the address follows too.
        expect(page).to_have_url(re.compile(rf"organisation={in_a.organisation.pk}"))
    else:
        _submit(page, "form.filter-bar")
    expect(page.locator("#escalation-rows tr", has_text=in_b.reference)).to_have_count(0)
    expect(page.locator("#escalation-rows tr", has_text=in_a.reference)).to_have_count(1)
    expect(page.locator("#id_organisation")).to_have_value(str(in_a.organisation.pk))
    assert all(in_a.organisation.name in text for text in _rows(page).all_inner_texts())
    if javascript:
        problems = _ui_problems(page)
        assert not problems, "the filtered queue:\n" + "\n".join(problems)

    page.reload()  # the filtered address can be bookmarked and shared
    expect(page.locator("#escalation-rows tr", has_text=in_b.reference)).to_have_count(0)
    expect(page.locator("#id_organisation")).to_have_value(str(in_a.organisation.pk))


def test_overview_and_settings_pages_meet_the_ui_rules(visitor, people, two_escalated):

    server, page = visitor.server, visitor.page
    admin = people.operator(Role.OPERATOR_ADMIN)
    visitor.sign_in_as(admin, slug="public", verified=True)
    organisation = CareOrganisation.objects.get(slug="test-a")

    page.goto(server.portal("/overview/"))
    expect(page.locator("main table")).to_contain_text(organisation.name)
    problems = _ui_problems(page)

    page.goto(server.portal(f"/organisations/{organisation.pk}/"))
    expect(page.locator("#id_escalate_after_minutes")).to_have_value(str(organisation.escalate_after_minutes))
    problems += [f"[organisation page] {p}" for p in _ui_problems(page)]
    page.fill("#id_escalate_after_minutes", "0")
    page.fill("#id_contact_person_email", "niet-een-adres")
    _submit(page, f"form[action='/organisations/{organisation.pk}/settings/']")
    problems += [f"[rejected settings] {p}" for p in checks.rejected_form(page)]
    problems += [f"[rejected settings] {p}" for p in _ui_problems(page)]
    with schema_context("public"):
        organisation.refresh_from_db()
    assert organisation.escalate_after_minutes != 0

    manager = people.member(Role.MANAGER, full_name="Marieke Jansen")
    visitor.sign_in_as(manager, slug="test-a")
    page.goto(server.tenant("test-a", "/settings/"))
    expect(page.locator("#id_auto_close_days")).to_have_value(str(organisation.auto_close_days))
    problems += [f"[manager's settings] {p}" for p in _ui_problems(page) + checks.small_text(page)]
    assert not problems, "\n".join(problems)
