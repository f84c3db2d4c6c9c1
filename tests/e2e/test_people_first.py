"""The journeys of the people the helpdesk exists for, in a browser: a trainee's held answer keeps
a question from being solved, a call-back requester is called and sees it, the professionals hear
of waiting work, a question is closed only with a reason, a saved reply joins what was typed, and
a refused photo is explained beside its field.

Every changed page is checked with axe and the ui.md rules at 320 and 1280 px. Selectors use ids,
addresses and form actions, never interface text, so the journeys pass in Dutch and in English.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from escalations.models import EscalationEntry
from helpdesk.accounts.models import Role
from support import services as support_services
from support.models import Level, PendingReply
from tests.e2e import checks
from tests.e2e.support import Visitor, schema_for
from tests.e2e.test_escalation_portal import _sign_in_to_the_portal
from tests.factories import ticket_make
from tickets import services
from tickets.models import ContactMethod, SavedReply, Status, Ticket

pytestmark = pytest.mark.browser


def submit(page, form: str) -> None:
    with page.expect_navigation(wait_until="load"):
        page.locator(f"{form} button[type=submit]").first.click()


def meets_ui_rules(page, *, rejected: bool = False) -> None:
    problems = checks.at_both_widths(page, text=False)
    if rejected:
        problems += checks.rejected_form(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


def status_of(ticket: Ticket) -> str:
    with schema_context(schema_for("test-a")):
        return Ticket.objects.get(pk=ticket.pk).status


@pytest.fixture
def removed_after() -> Iterator[list[Ticket]]:
    """Questions a test makes, removed again with their index rows."""
    made: list[Ticket] = []
    yield made
    with schema_context(schema_for("test-a")):
        Ticket.objects.filter(pk__in=[t.pk for t in made]).delete()
        SavedReply.objects.filter(title__startswith="E2E ").delete()
    EscalationEntry.objects.filter(organisation__slug="test-a", ticket_id__in=[t.pk for t in made]).delete()


def test_a_held_trainee_answer_keeps_the_question_from_being_solved(visitor, device, people, removed_after):
    server, page = visitor.server, visitor.page
    manager = people.member(Role.MANAGER, full_name="Marieke Jansen")
    trainee = people.member(Role.VOLUNTEER, full_name="Tom Leerling")
    reviewer = people.member(Role.VOLUNTEER, full_name="Vera Ervaren")
    requester = people.member(Role.REQUESTER, full_name="Riet Vraagsteller")
    with schema_context(schema_for("test-a")):
        support_services.volunteer_level_set(actor=manager, volunteer=trainee, product=None, level=Level.TRAINEE)
        ticket = services.ticket_claim(ticket=ticket_make(requester=requester, subject="Geen beeld"), actor=trainee)
    removed_after.append(ticket)
    url = server.tenant("test-a", f"/questions/{ticket.number}/")

    visitor.sign_in_as(trainee)
    page.goto(url)
    page.fill("#id_body", "Zet de tablet uit en weer aan.")
    submit(page, f"form[action='/questions/{ticket.number}/reply/']")
    # The answer waits: the page says why it cannot be solved and offers no button for it.
    expect(page.locator("#resolve-refusal")).to_be_visible()
    expect(page.locator(f"form[action='/questions/{ticket.number}/resolve/']")).to_have_count(0)
    meets_ui_rules(page)

    assert status_of(ticket) == Status.IN_PROGRESS
    assert server.mails_to(requester.email) == []

    # Approved, the answer reaches the requester, and then the question can be solved.
    with schema_context(schema_for("test-a")):
        pending = PendingReply.objects.get(ticket_id=ticket.pk)
        support_services.reply_approve(actor=reviewer, pending=pending)
    page.goto(url)
    expect(page.locator("#resolve-refusal")).to_have_count(0)
    page.locator(f"form[action='/questions/{ticket.number}/resolve/'] input[type=radio]").first.check()
    submit(page, f"form[action='/questions/{ticket.number}/resolve/']")
    assert status_of(ticket) == Status.RESOLVED


def test_a_call_back_requester_is_called_and_sees_the_call(visitor, device, people, removed_after):
    server, page = visitor.server, visitor.page
    volunteer = people.member(Role.VOLUNTEER, full_name="Henk de Vries")
    requester = people.member(Role.REQUESTER, full_name="Bep Bellen")
    with schema_context(schema_for("test-a")):
        ticket = ticket_make(
            requester=requester,
            subject="Alarmknop piept",
            contact_method=ContactMethod.CALL_BACK,
            contact_phone="06 5555 1234",
        )
        Ticket.objects.filter(pk=ticket.pk).update(contact_email="")  # asked on the phone, no address
    removed_after.append(ticket)
    url = server.tenant("test-a", f"/questions/{ticket.number}/")
    call_form = f"form[action='/questions/{ticket.number}/call/']"

    visitor.sign_in_as(volunteer)
    page.goto(url)
    expect(page.locator("#call-back a[href='tel:06 5555 1234']")).to_be_visible()
    meets_ui_rules(page)

    # Recording a call without saying whether it reached them is refused and explained.
    submit(page, call_form)
    meets_ui_rules(page, rejected=True)

    # Not reached: tried again later. Then reached, with a short note.
    page.check("#id_call-reached_1")
    submit(page, call_form)
    expect(page.locator("#calls li")).to_have_count(1)
    assert status_of(ticket) == Status.NEW, "a call that did not reach them changes nothing"
    page.check("#id_call-reached_0")
    page.fill("#id_call-note", "Batterij vervangen, hij doet het weer.")
    submit(page, call_form)
    expect(page.locator("#calls li")).to_have_count(2)
    meets_ui_rules(page)

    # The requester's own page tells them both calls, and what was agreed.
    phone = device(width="narrow")
    Visitor(server=server, context=phone.context, page=phone).sign_in_as(requester)
    phone.goto(server.tenant("test-a", f"/questions/{ticket.number}/follow/"))
    expect(phone.locator("#calls li")).to_have_count(2)
    expect(phone.locator("#calls")).to_contain_text("Batterij vervangen, hij doet het weer.")
    meets_ui_rules(phone)
    assert server.mails_to(requester.email) == []


def test_professionals_get_an_email_and_a_count_on_the_portal(visitor, device, people, removed_after):
    server, page = visitor.server, visitor.page
    volunteer = people.member(Role.VOLUNTEER, full_name="Henk de Vries")
    professional = _sign_in_to_the_portal(page, server, people)

    # A volunteer passes a worry to the professionals on the organisation's own pages.
    with schema_context(schema_for("test-a")):
        ticket = services.ticket_claim(ticket=ticket_make(subject="Moeder valt steeds"), actor=volunteer)
    removed_after.append(ticket)
    helper = device()
    Visitor(server=server, context=helper.context, page=helper).sign_in_as(volunteer)
    helper.goto(server.tenant("test-a", f"/questions/{ticket.number}/"))
    helper.locator("#pass-on-heading ~ details").last.locator("summary").click()
    submit(helper, f"form[action='/questions/{ticket.number}/worry/']")

    # The professional hears of it at once by e-mail, with a link to the queue.
    link = server.link_in_mail(professional.email, r"http://\S+/escalations/")
    mail = server.mails_to(professional.email)[-1]
    assert "Moeder valt steeds" in mail.get_body(preferencelist=("plain",)).get_content()
    assert link == server.portal("/escalations/")

    # The portal's start page counts what waits, and the queue says how long it has waited.
    page.goto(server.portal("/"))
    expect(page.locator("#waiting a[href='/escalations/']")).to_contain_text(re.compile(r"\d"))
    meets_ui_rules(page)
    page.goto(link)
    expect(page.locator("#escalation-rows")).to_contain_text("Moeder valt steeds")
    meets_ui_rules(page)

    # The choice of e-mails: a rejected choice is explained, then saved.
    page.goto(server.portal("/escalations/alerts/"))
    meets_ui_rules(page)
    page.check("#id_rest_1")
    submit(page, "form[action='/escalations/alerts/']")
    expect(page).to_have_url(server.portal("/"))


def test_closing_an_open_question_asks_for_a_reason(visitor, people, removed_after):
    server, page = visitor.server, visitor.page
    volunteer = people.member(Role.VOLUNTEER, full_name="Henk de Vries")
    with schema_context(schema_for("test-a")):
        ticket = services.ticket_claim(ticket=ticket_make(subject="Twee keer gevraagd"), actor=volunteer)
    removed_after.append(ticket)
    visitor.sign_in_as(volunteer)
    page.goto(server.tenant("test-a", f"/questions/{ticket.number}/"))
    with page.expect_navigation(wait_until="load"):
        page.locator(f"main a[href='/questions/{ticket.number}/close/']").click()
    meets_ui_rules(page)
    submit(page, f"form[action='/questions/{ticket.number}/close/']")
    meets_ui_rules(page, rejected=True)
    assert status_of(ticket) == Status.IN_PROGRESS
    page.check("#id_close-reason_0")
    submit(page, f"form[action='/questions/{ticket.number}/close/']")
    assert status_of(ticket) == Status.CLOSED


@pytest.mark.parametrize("visitor", [{"javascript": True}, {"javascript": False}], ids=["js", "no-js"], indirect=True)
def test_a_saved_reply_joins_what_the_helper_typed(visitor, people, removed_after, request):
    server, page = visitor.server, visitor.page
    javascript = request.node.callspec.id == "js"
    manager = people.member(Role.MANAGER, full_name="Marieke Jansen")
    volunteer = people.member(Role.VOLUNTEER, full_name="Henk de Vries")
    with schema_context(schema_for("test-a")):
        ticket = services.ticket_claim(ticket=ticket_make(subject="Geen geluid"), actor=volunteer)
        services.saved_reply_create(actor=manager, title="E2E uit en aan", body="Zet het uit en weer aan.")
    removed_after.append(ticket)
    visitor.sign_in_as(volunteer)
    page.goto(server.tenant("test-a", f"/questions/{ticket.number}/"))
    page.fill("#id_body", "Beste mevrouw, Groet, Henk")
    page.select_option("#saved-reply", label="E2E uit en aan")
    if javascript:
        # At the cursor: after the greeting, before the signature.
        page.evaluate("() => { const f = document.getElementById('id_body'); f.selectionStart = f.selectionEnd = 15; }")
        page.locator("[data-insert-saved]").click()
        expect(page.locator("#id_body")).to_have_value("Beste mevrouw, Zet het uit en weer aan.Groet, Henk")
    else:
        with page.expect_navigation(wait_until="load"):
            page.locator("[data-insert-saved]").click()
        expect(page.locator("#id_body")).to_have_value("Beste mevrouw, Groet, Henk\n\nZet het uit en weer aan.")
    with schema_context(schema_for("test-a")):
        assert not ticket.messages.exists(), "putting a saved reply in sends nothing"
    if javascript:
        meets_ui_rules(page)


def test_a_refused_photo_is_explained_beside_its_field(visitor, people, removed_after, tmp_path):
    server, page = visitor.server, visitor.page
    requester = people.member(Role.REQUESTER, full_name="Riet Vraagsteller")
    with schema_context(schema_for("test-a")):
        ticket = ticket_make(requester=requester, subject="Foto van het scherm")
    removed_after.append(ticket)
    fake = tmp_path / "scherm.png"
    fake.write_bytes(b"Dit is geen foto, maar tekst.\n" * 20)
    visitor.sign_in_as(requester)
    page.goto(server.tenant("test-a", f"/questions/{ticket.number}/follow/"))
    page.set_input_files("#id_photo-photo", str(fake))
    submit(page, f"form[action='/questions/{ticket.number}/photos/']")
    expect(page.locator("[data-error-summary] a[href='#id_photo-photo']")).to_be_visible()
    expect(page.locator("#id_photo-photo_error")).to_be_visible()
    expect(page.locator(".notice")).to_have_count(0)
    meets_ui_rules(page, rejected=True)
