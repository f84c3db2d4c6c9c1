"""The whole escalation journey in one browser run, across both organisations and the portal.

A volunteer of organisation A passes a question to the professionals; a professional signs in to
the operator portal, sees it beside a question of organisation B, takes it over through the
hand-off onto A's own pages, answers and solves it; the requester opens the e-mail about the
solved question and rates the help. axe and the ui.md checks run on every page on the way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from escalations.models import EscalationEntry
from helpdesk.accounts.models import Role
from satisfaction.models import SurveyAnswer
from tenants.models import Product
from tests.e2e.support import schema_for
from tests.e2e.test_escalation_portal import _escalate, _remove, _sign_in_to_the_portal, _ui_problems
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.browser


def _submit(page, form: str) -> None:
    with page.expect_navigation(wait_until="load"):
        page.locator(f"{form} button[type=submit]").first.click()


@pytest.fixture
def asked(people) -> Iterator[object]:
    """A question of organisation A from a requester with an e-mail address, removed afterwards."""

    requester = people.member(Role.REQUESTER, full_name="Anja Visser")
    with schema_context(schema_for("test-a")):
        ticket = services.ticket_create(
            actor=requester,
            requester=requester,
            product=Product.objects.get(slug="beeldbel-tablet"),
            subject="Het beeld van de tablet blijft zwart",
            body="Als mijn zoon belt, hoor ik hem wel maar zie ik hem niet.",
            contact_method="email",
        )
    try:
        yield ticket
    finally:
        with schema_context(schema_for("test-a")):
            Ticket.objects.filter(pk=ticket.pk).delete()
        EscalationEntry.objects.filter(organisation__slug="test-a", ticket_id=ticket.pk).delete()


@pytest.fixture
def elsewhere(committed) -> Iterator[object]:
    """An escalated question of organisation B, so the portal shows two organisations at once."""
    question = _escalate("test-b", "Sensor in de badkamer geeft vals alarm", "Willem Vrijwilliger")
    try:
        yield question
    finally:
        _remove(question)


def test_volunteer_escalates_professional_takes_over_and_answers_requester_rates(
    visitor, device, people, asked, elsewhere
):

    server, page = visitor.server, visitor.page
    number = asked.number
    problems: list[str] = []

    # 1. The volunteer passes the question on, with a reason.
    volunteer = people.member(Role.VOLUNTEER, full_name="Henk de Vries")
    visitor.sign_in_as(volunteer)
    page.goto(server.tenant("test-a", f"/questions/{number}/"), wait_until="load")
    escalate_form = f"form[action='/questions/{number}/escalate/']"
    page.locator(f"details:has({escalate_form}) > summary").click()
    page.check("input[name='escalate-reason'][value='needs_supplier']")
    page.fill("#id_escalate-note", "Ik denk dat de camera kapot is.")
    _submit(page, escalate_form)
    expect(page.locator(".callout--professionals")).to_be_visible()
    with schema_context(schema_for("test-a")):
        reference = Ticket.objects.get(pk=asked.pk).reference

    # 2. A professional signs in to the portal and sees it beside organisation B's question.
    professional_page = device()
    _sign_in_to_the_portal(professional_page, server, people)
    professional_page.goto(server.portal("/escalations/"), wait_until="load")
    ours = professional_page.locator("#escalation-rows tr", has_text=reference)
    expect(ours).to_have_count(1)
    expect(ours).to_contain_text("Zorggroep Test A")
    expect(professional_page.locator("#escalation-rows tr", has_text=elsewhere.reference)).to_have_count(1)
    problems += [f"[professionals' queue] {p}" for p in _ui_problems(professional_page)]

    # 3. Take over: the hand-off signs them in on organisation A's host, on the question itself.
    with professional_page.expect_navigation(url=re.compile(rf"test-a\.[^/]+/questions/{number}/"), wait_until="load"):
        ours.locator("button[name='take'][value='1']").click()
    take_over = f"form[action='/questions/{number}/take-over/']"
    expect(professional_page.locator(take_over).first).to_be_visible()
    problems += [f"[question, arriving] {p}" for p in _ui_problems(professional_page)]
    _submit(professional_page, f"section {take_over}")
    professional_page.fill("#id_body", "Ik heb de leverancier gebeld. Er komt morgen een nieuwe tablet.")
    _submit(professional_page, f"form[action='/questions/{number}/reply/']")
    professional_page.check("input[name='resolve-cause'][value='product_fault']")
    _submit(professional_page, f"form[action='/questions/{number}/resolve/']")
    problems += [f"[question, solved] {p}" for p in _ui_problems(professional_page)]
    with schema_context(schema_for("test-a")):
        ticket = Ticket.objects.select_related("assignee").get(pk=asked.pk)
        assert (ticket.status, ticket.tier, ticket.bottleneck_cause) == ("resolved", "professional", "product_fault")
        assert ticket.assignee.role == "professional" and ticket.assignee.public_user_id is not None

    assert not EscalationEntry.objects.filter(organisation__slug="test-a", ticket_id=asked.pk).exists()

    # 4. The requester opens the e-mail about the solved question; the link alone records nothing.
    requester_page = device(width="narrow")
    link = server.link_in_mail(asked.contact_email, r"http://\S+/rating/\S+/")
    requester_page.goto(link, wait_until="load")
    with schema_context(schema_for("test-a")):
        assert not SurveyAnswer.objects.filter(ticket_id=asked.pk).exists()
    problems += [f"[rating] {p}" for p in _ui_problems(requester_page)]
    requester_page.locator("label[for='id_help_score_4']").click()
    requester_page.locator("label[for='id_technology_score_1']").click()
    requester_page.fill("#id_comment", "Snel geholpen, maar de tablet viel tegen.")
    with requester_page.expect_navigation(wait_until="load"):
        requester_page.locator("main form button[type=submit]").first.click()
    problems += [f"[thanks] {p}" for p in _ui_problems(requester_page)]
    with schema_context(schema_for("test-a")):
        answer = SurveyAnswer.objects.get(ticket_id=asked.pk)
        assert (answer.help_score, answer.technology_score, answer.tier) == (5, 2, "professional")
        assert answer.product_id == asked.product_id
    assert not problems, "\n".join(problems)
