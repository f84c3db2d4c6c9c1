"""A trainee's answer waits for approval: in a browser, from the trainee's reply to the requester's page.

Every page on the way is checked with axe at 320 and 1280 px. Selectors use ids, addresses and form
actions, never interface text, so the journey passes in Dutch and in English.
"""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from escalations.models import AdviceRequest
from helpdesk.accounts.models import Role
from support import services as support_services
from support.models import Level, PendingReply
from tests.e2e import checks
from tests.e2e.support import Visitor, schema_for
from tests.factories import ticket_make
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.browser

HELD = "Zet de tablet uit en weer aan. Lukt het dan?"
APPROVED = "Zet de tablet uit en weer aan. Lukt bellen dan weer?"


def submit(page, form: str) -> None:
    with page.expect_navigation(wait_until="load"):
        page.locator(f"{form} button[type=submit]").first.click()


def meets_ui_rules(page) -> None:
    problems = checks.at_both_widths(page, text=False)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


@pytest.fixture
def question(people):
    """A trainee, an experienced volunteer, a requester and their question, all committed."""

    manager = people.member(Role.MANAGER, full_name="Marieke Jansen")
    trainee = people.member(Role.VOLUNTEER, full_name="Tom Leerling")
    reviewer = people.member(Role.VOLUNTEER, full_name="Vera Ervaren")
    requester = people.member(Role.REQUESTER, full_name="Riet Vraagsteller")
    with schema_context(schema_for("test-a")):
        support_services.volunteer_level_set(actor=manager, volunteer=trainee, product=None, level=Level.TRAINEE)
        ticket = ticket_make(requester=requester, subject="Ik zie mijn dochter niet", body="Het scherm is zwart.")
    yield ticket, trainee, reviewer, requester
    with schema_context(schema_for("test-a")):
        Ticket.objects.filter(pk=ticket.pk).delete()


def test_trainee_answer_waits_until_an_experienced_volunteer_approves_it(visitor, device, question):

    server, page = visitor.server, visitor.page
    ticket, trainee, reviewer, requester = question
    question_url = server.tenant("test-a", f"/questions/{ticket.number}/")
    follow_url = server.tenant("test-a", f"/questions/{ticket.number}/follow/")

    # The trainee answers; the page says the answer waits and shows it in the approval part.
    visitor.sign_in_as(trainee)
    page.goto(question_url)
    page.fill("#id_body", HELD)
    submit(page, f"form[action='/questions/{ticket.number}/reply/']")
    expect(page).to_have_url(question_url)
    expect(page.locator(".notice[role=status]")).to_be_visible()
    expect(page.locator("#approvals")).to_contain_text(HELD)
    meets_ui_rules(page)

    # The requester sees nothing of it yet, and got no e-mail.
    client = device(width="narrow")
    Visitor(server=server, context=client.context, page=client).sign_in_as(requester)
    client.goto(follow_url)
    expect(client.locator("main h1")).to_be_visible()
    assert HELD not in client.content()
    assert server.mails_to(requester.email) == []

    # An experienced volunteer finds it in the list, improves it and approves it.
    reviewer_page = device()
    Visitor(server=server, context=reviewer_page.context, page=reviewer_page).sign_in_as(reviewer)
    reviewer_page.goto(server.tenant("test-a", "/questions/approvals/"))
    meets_ui_rules(reviewer_page)
    with schema_context(schema_for("test-a")):
        pending = PendingReply.objects.get(ticket_id=ticket.pk)
    with reviewer_page.expect_navigation(wait_until="load"):
        reviewer_page.locator(f"main a[href='/questions/approvals/{pending.pk}/']").click()
    expect(reviewer_page.locator("#id_approve-body")).to_have_value(HELD)
    meets_ui_rules(reviewer_page)

    # An empty text is refused with an explained error, and nothing is sent.
    reviewer_page.fill("#id_approve-body", "")
    submit(reviewer_page, f"form[action='/questions/approvals/{pending.pk}/']")
    problems = checks.rejected_form(reviewer_page)
    assert not problems, "\n".join(problems)
    meets_ui_rules(reviewer_page)

    reviewer_page.fill("#id_approve-body", APPROVED)
    submit(reviewer_page, f"form[action='/questions/approvals/{pending.pk}/']")
    expect(reviewer_page).to_have_url(question_url)
    expect(reviewer_page.locator("#approvals")).to_contain_text(reviewer.full_name)
    meets_ui_rules(reviewer_page)

    # Now the requester reads the approved text, under the trainee's name, and hears of it.
    client.goto(follow_url)
    expect(client.locator("main")).to_contain_text(APPROVED)
    expect(client.locator("main")).to_contain_text(trainee.full_name)
    meets_ui_rules(client)
    assert len(server.mails_to(requester.email)) == 1
    assert server.mails_to(trainee.email), "the trainee hears that the answer was approved"


@pytest.fixture
def claimed(people):
    """A volunteer who holds a question, committed; removed again with its request for advice."""

    volunteer = people.member(Role.VOLUNTEER, full_name="Henk de Vries")
    with schema_context(schema_for("test-a")):
        ticket = ticket_make(subject="Alarm gaat vanzelf af", body="Mijn moeder drukt niet, toch belt de centrale.")
        ticket = services.ticket_claim(ticket=ticket, actor=volunteer)
    yield ticket, volunteer
    with schema_context(schema_for("test-a")):
        Ticket.objects.filter(pk=ticket.pk).delete()
    with schema_context("public"):
        AdviceRequest.objects.filter(ticket_id=ticket.pk, number=ticket.number).delete()


def test_volunteer_asks_a_professional_who_answers_through_the_portal(visitor, device, people, claimed):
    server, page = visitor.server, visitor.page
    ticket, volunteer = claimed
    question_url = server.tenant("test-a", f"/questions/{ticket.number}/")

    visitor.sign_in_as(volunteer)
    page.goto(question_url)
    page.locator("#advice summary").click()
    page.fill("#id_advice-body", "Is dit een fout van het apparaat?")
    submit(page, f"form[action='/questions/{ticket.number}/advice/']")
    expect(page).to_have_url(server.tenant("test-a", f"/questions/{ticket.number}/advice/"))
    expect(page.locator("main")).to_contain_text("Is dit een fout van het apparaat?")
    meets_ui_rules(page)

    professional = people.operator(Role.PROFESSIONAL)
    portal = device()
    Visitor(server=server, context=portal.context, page=portal).sign_in_as(professional, slug="public", verified=True)
    portal.goto(server.portal("/advice/"))
    meets_ui_rules(portal)
    with portal.expect_navigation(url=f"{question_url}#advice"):
        portal.locator("main form[action$='/open/'] button[type=submit]").first.click()
    meets_ui_rules(portal)
    answer = portal.locator("#advice form[action$='/answer/']")
    answer.locator("textarea").fill("Kijk eerst of de knop nat is geworden.")
    with portal.expect_navigation(wait_until="load"):
        answer.locator("button[type=submit]").click()

    page.goto(question_url)
    expect(page.locator("#advice")).to_contain_text("Kijk eerst of de knop nat is geworden.")
    meets_ui_rules(page)
    assert server.mails_to(volunteer.email), "the volunteer hears that a professional answered"


def test_manager_sets_a_level_on_the_persons_page(visitor, people):
    server, page = visitor.server, visitor.page
    manager = people.member(Role.MANAGER, full_name="Marieke Jansen")
    volunteer = people.member(Role.VOLUNTEER, full_name="Sem Leerling")
    visitor.sign_in_as(manager)
    page.goto(server.tenant("test-a", f"/account/people/{volunteer.pk}/"))
    meets_ui_rules(page)
    submit(page, f"form[action='/questions/helpers/{volunteer.pk}/level/']")  # no level chosen
    problems = checks.rejected_form(page)
    assert not problems, "\n".join(problems)
    meets_ui_rules(page)
    page.check("#id_level-level_0")
    submit(page, f"form[action='/questions/helpers/{volunteer.pk}/level/']")
    expect(page).to_have_url(server.tenant("test-a", f"/account/people/{volunteer.pk}/"))
    expect(page.locator(".notice[role=status]")).to_be_visible()
