"""Instructions and courses in a real browser: suggestions while asking (with and without
JavaScript), writing and publishing, the portal's shared instructions, a course with progress.
Every new page passes axe and the ui.md checks at 1280 and 320 px.

Selectors use ids, addresses and form actions, so the tests pass in Dutch and in English.
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
from knowledgebase import demo, feedback
from knowledgebase import models as own
from knowledgebase.models import AskFlow, Instruction
from knowledgebase.shared import models as shared
from knowledgebase.shared.models import SharedInstruction
from tenants.models import Product
from tests.e2e import checks
from tests.e2e.support import WIDTHS
from tests.e2e.ticket_pages import questions_removed
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.browser

SCHEMAS = ("org_test_a", "org_test_b")
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


def meets_ui_rules(page, name: str, *, rejected: bool = False) -> None:
    """axe and the ui.md rules axe cannot see, at 1280 and 320 px; pictures too if SCREENSHOT_DIR is set."""
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


def submit(page, selector: str = "main form button[type=submit]"):
    with page.expect_navigation(wait_until="load"):
        page.locator(selector).first.click()


def knowledge_removed() -> None:
    """Every instruction, course and count the browser tests made, in public and both organisations."""
    with schema_context("public"):
        shared.Course.objects.all().delete()
        shared.SharedInstruction.objects.all().delete()
        shared.SharedPicture.objects.all().delete()
    for schema in SCHEMAS:
        with schema_context(schema):
            for model in (own.FlowSuggestion, own.AskFlow, own.Feedback, own.ViewCount, own.LessonDone):
                model.objects.all().delete()
            own.ProgressConsent.objects.all().delete()
            own.OwnCourse.objects.all().delete()
            own.HiddenShared.objects.all().delete()
            own.Instruction.objects.all().delete()
            own.Picture.objects.all().delete()


@pytest.fixture
def demo_content(server, people) -> Iterator[None]:
    """The demo's shared instructions and course, with pictures in the server's media folder."""
    with override_settings(MEDIA_ROOT=server.mail_dir.parent / "media"), questions_removed():
        demo.load()
        try:
            yield
        finally:
            knowledge_removed()


def sound_instruction_pk() -> int:
    with schema_context("public"):
        return SharedInstruction.objects.get(title="Hoe zet ik het geluid harder?").pk


def tablet_pk() -> int:
    return Product.objects.get(slug="beeldbel-tablet").pk


def tickets_in_a() -> int:
    with schema_context("org_test_a"):
        return Ticket.objects.count()


def flows_in_a() -> list[str]:
    with schema_context("org_test_a"):
        return list(AskFlow.objects.values_list("outcome", flat=True))


def test_a_requester_types_sees_suggestions_opens_one_and_it_helps(visitor, demo_content):
    page = visitor.page
    page.goto(visitor.server.tenant(path="/questions/ask/"))
    page.check(f"input[name=product][value='{tablet_pk()}']")
    submit(page)
    subject = page.locator("#id_subject")
    subject.click()
    subject.press_sequentially("ge")
    page.wait_for_timeout(1200)
    expect(page.locator("#kb-suggestions a")).to_have_count(0)  # fewer than three characters
    subject.press_sequentially("luid harder")
    link = page.locator(f"#kb-suggestions a[href='/instructions/shared/{sound_instruction_pk()}/']")
    expect(link).to_be_visible()
    expect(page.locator("#live-status")).to_contain_text("gevonden")
    assert page.evaluate("document.activeElement.id") == "id_subject"  # focus never moved
    subject.press_sequentially(" graag")  # typing goes on in the same field
    expect(subject).to_have_value("geluid harder graag")
    page.wait_for_timeout(1500)  # the pause after typing, then the request it starts
    expect(page.locator("#kb-suggestions")).not_to_have_attribute("aria-busy", "true")
    expect(link).to_be_visible()
    meets_ui_rules(page, "kb-ask-suggestions")
    with page.expect_navigation(wait_until="load"):
        link.click()
    meets_ui_rules(page, "kb-instruction")
    submit(page, "form[action$='/helped/'] button[value=yes]")
    expect(page.locator("h1")).to_contain_text("opgelost")
    meets_ui_rules(page, "kb-solved")
    assert tickets_in_a() == 0 and flows_in_a() == ["solved"]


def ask_without_javascript(page, server) -> None:
    """A question about the sound typed in a browser without JavaScript, up to the list of matches."""
    page.goto(server.tenant(path="/questions/ask/"))
    page.check(f"input[name=product][value='{tablet_pk()}']")
    submit(page)
    page.fill("#id_subject", "Het geluid harder zetten")
    page.fill("#id_body", "Ik hoor mijn dochter niet.")
    submit(page, "main form button.button--primary")
    assert page.url.endswith("/instructions/while-asking/")


def test_without_javascript_the_matches_come_first_and_one_solves_it(browser, server, device, demo_content):
    page = device(javascript=False)
    ask_without_javascript(page, server)
    expect(page.locator("main a[href='/questions/ask/for_whom/']")).to_be_visible()  # ask anyway
    with page.expect_navigation(wait_until="load"):
        page.locator(f"main a[href='/instructions/shared/{sound_instruction_pk()}/']").click()
    submit(page, "form[action$='/helped/'] button[value=yes]")
    assert tickets_in_a() == 0 and flows_in_a() == ["solved"]


def test_without_javascript_one_of_the_matches_solves_it_from_the_list(server, device, demo_content):
    page = device(javascript=False)
    ask_without_javascript(page, server)
    solves = page.locator(f"main form[action='/instructions/shared/{sound_instruction_pk()}/helped/'] button")
    expect(solves).to_contain_text("Dit lost mijn vraag op")  # axe needs JavaScript: the page is checked below
    with page.expect_navigation(wait_until="load"):
        solves.click()
    expect(page.locator("h1")).to_contain_text("opgelost")
    assert tickets_in_a() == 0 and flows_in_a() == ["solved"]
    with schema_context("org_test_a"):
        assert own.FlowSuggestion.objects.filter(opened=True, solved=True).count() == 1
        assert list(own.Feedback.objects.values_list("helped", flat=True)) == [True]


def test_without_javascript_asking_anyway_keeps_the_question(server, device, demo_content):
    page = device(javascript=False)
    ask_without_javascript(page, server)
    with page.expect_navigation(wait_until="load"):
        page.locator("main a[href='/questions/ask/for_whom/']").click()
    assert page.url.endswith("/questions/ask/for_whom/")
    page.goto(server.tenant(path="/questions/ask/question/"))  # back to the question: nothing lost
    expect(page.locator("#id_subject")).to_have_value("Het geluid harder zetten")
    expect(page.locator("#id_body")).to_have_value("Ik hoor mijn dochter niet.")
    assert tickets_in_a() == 0 and flows_in_a() == [""]


def test_a_flood_of_answers_from_one_address_gets_a_kind_page(visitor, demo_content):
    page = visitor.page
    address = visitor.server.tenant(path=f"/instructions/shared/{sound_instruction_pk()}/")
    for _ in range(feedback.ADDRESS_LIMIT + 1):  # a new browser each time: cookies gone
        page.context.clear_cookies()
        page.goto(address)
        submit(page, "form[action$='/helped/'] button[value=yes]")
    expect(page.locator("h1")).to_contain_text("al veel antwoorden")
    meets_ui_rules(page, "kb-too-many-answers")
    with schema_context("org_test_a"):
        assert own.Feedback.objects.count() == feedback.ADDRESS_LIMIT


def test_the_new_reading_pages_meet_the_ui_rules(visitor, demo_content):
    page = visitor.page
    page.goto(visitor.server.tenant(path="/instructions/"))
    meets_ui_rules(page, "kb-index")
    page.fill("#id_q", "wifi")
    submit(page, "form.kb-search button")
    meets_ui_rules(page, "kb-search")
    page.goto(visitor.server.tenant(path="/instructions/product/beeldbel-tablet/"))
    meets_ui_rules(page, "kb-product")
    page.goto(visitor.server.tenant(path=f"/instructions/shared/{sound_instruction_pk()}/"))
    submit(page, "form[action$='/helped/'] button[value=no]")
    meets_ui_rules(page, "kb-not-helped")
    submit(page)  # no reason chosen
    meets_ui_rules(page, "kb-not-helped-error", rejected=True)
    page.check("input[name=reason][value=device]")
    submit(page)
    meets_ui_rules(page, "kb-not-helped-thanks")
    # The page of matches that people without JavaScript see; here the question is sent without
    # typing, so no live suggestion ran first.
    page.goto(visitor.server.tenant(path="/questions/ask/"))
    page.check(f"input[name=product][value='{tablet_pk()}']")
    submit(page)
    page.evaluate(
        "document.querySelector('#id_subject').value = 'Het geluid harder zetten';"
        "document.querySelector('#id_body').value = 'Het is te zacht.'"
    )
    submit(page, "main form button.button--primary")
    assert page.url.endswith("/instructions/while-asking/")
    meets_ui_rules(page, "kb-while-asking")


def test_a_volunteer_drafts_from_a_solved_question_and_an_experienced_volunteer_publishes(visitor, people, browser):
    writer = people.member(Role.VOLUNTEER, full_name="Fatima El Amrani")
    reviewer = people.member(Role.VOLUNTEER, full_name="Henk de Vries")
    with questions_removed():
        try:
            with schema_context("org_test_a"):
                ticket = services.ticket_create(
                    actor=None,
                    requester=None,
                    contact_name="Mevrouw Jansen",
                    product=Product.objects.get(slug="beeldbel-tablet"),
                    subject="Hoe maak ik een foto groter?",
                    body="De foto is zo klein.",
                )
                services.ticket_claim(ticket=ticket, actor=writer)
                services.reply_post(
                    ticket=ticket, actor=writer, body="Zet twee vingers op de foto. Trek ze uit elkaar."
                )
                services.ticket_resolve(ticket=ticket, actor=writer, cause="explanation")
            page = visitor.page
            visitor.sign_in_as(writer)
            page.goto(visitor.server.tenant(path=f"/questions/{ticket.number}/"))
            page.fill("#instruction-search", "foto groter")
            submit(page, "form[role=search] button")
            meets_ui_rules(page, "kb-question-panel")
            submit(page, f"form[action='/instructions/write/from-question/{ticket.number}/'] button")
            meets_ui_rules(page, "kb-edit")
            submit(page, "form[action$='/submit/'] button")
            edit_url = page.url
            page.goto(visitor.server.tenant(path="/instructions/write/"))
            meets_ui_rules(page, "kb-write")
            other = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
            try:
                second = type(visitor)(server=visitor.server, context=other, page=other.new_page())
                second.sign_in_as(reviewer)
                second.page.goto(edit_url)
                submit(second.page, "form[action$='/publish/'] button")
                second.page.goto(edit_url.rstrip("/") + "/history/")
                meets_ui_rules(second.page, "kb-history")
            finally:
                other.close()
            with schema_context("org_test_a"):
                instruction = Instruction.objects.get(from_ticket_number=ticket.number)
                assert instruction.is_published
            page.goto(visitor.server.tenant(path=f"/instructions/{instruction.pk}/"))
            expect(page.locator("h1")).to_have_text("Hoe maak ik een foto groter?")
        finally:
            knowledge_removed()


def test_a_professional_writes_a_shared_instruction_and_both_organisations_show_it(visitor, people, server):
    professional = people.operator(Role.PROFESSIONAL)
    page = visitor.page
    try:
        visitor.sign_in_as(professional, slug="public", verified=True)
        page.goto(server.portal("/shared-instructions/"))
        meets_ui_rules(page, "kb-portal-list")
        page.goto(server.portal("/shared-instructions/new/"))
        page.fill("#id_title", "Het scherm draaien")
        page.select_option("#id_product", str(tablet_pk()))
        page.fill("#id_step-0-text", "Draai de tablet een kwartslag.")
        submit(page, "form.kb-editor button[type=submit]")
        meets_ui_rules(page, "kb-portal-edit")
        submit(page, "form[action$='/publish/'] button")
        for slug in ("test-a", "test-b"):
            page.goto(server.tenant(slug, "/instructions/product/beeldbel-tablet/"))
            expect(page.locator("main a", has_text="Het scherm draaien")).to_be_visible()
    finally:
        knowledge_removed()


def test_a_requester_follows_a_course_lesson_and_sees_progress(visitor, people, demo_content):
    requester = people.member(Role.REQUESTER, full_name="Gerrit Bakker")
    page = visitor.page
    visitor.sign_in_as(requester)
    page.goto(visitor.server.tenant(path="/instructions/courses/"))
    meets_ui_rules(page, "kb-courses")
    page.goto(visitor.server.tenant(path="/instructions/courses/tablet-eerste-stappen/"))
    expect(page.locator(".kb-progress")).to_contain_text("0 van 5")
    meets_ui_rules(page, "kb-course")
    with page.expect_navigation(wait_until="load"):
        page.locator("main a.button--primary").click()
    meets_ui_rules(page, "kb-lesson")
    submit(page)
    page.goto(visitor.server.tenant(path="/instructions/courses/tablet-eerste-stappen/"))
    expect(page.locator(".kb-progress")).to_contain_text("1 van 5")
    expect(page.locator("main a.button--primary")).to_have_attribute(
        "href", "/instructions/courses/tablet-eerste-stappen/2/"
    )
    submit(page, "form[action$='/consent/'] button")
    volunteer = people.member(Role.VOLUNTEER, full_name="Henk de Vries")
    visitor.sign_in_as(volunteer)
    page.goto(visitor.server.tenant(path="/instructions/courses/progress/"))
    expect(page.locator("main table")).to_contain_text("Gerrit Bakker")
    meets_ui_rules(page, "kb-progress")


def test_a_professional_builds_a_shared_course_and_a_reader_follows_it_without_an_account(
    visitor, people, server, demo_content, browser
):
    professional = people.operator(Role.PROFESSIONAL)
    page = visitor.page
    visitor.sign_in_as(professional, slug="public", verified=True)
    page.goto(server.portal("/shared-instructions/courses/"))
    meets_ui_rules(page, "kb-portal-courses")
    page.goto(server.portal("/shared-instructions/courses/new/"))
    submit(page)  # no title
    meets_ui_rules(page, "kb-portal-course-new-error", rejected=True)
    page.fill("#id_title", "Geluid en beeld")
    submit(page)
    for title in ("Harder zetten", "Nog eens oefenen"):
        page.fill("#id_lesson-title", title)
        page.select_option("#id_lesson-instruction", f"shared:{sound_instruction_pk()}")
        submit(page, "form[action$='/lessons/'] button")
    submit(page, "button[value='up:2']")
    expect(page.locator(".kb-course-lessons li").first).to_contain_text("Nog eens oefenen")
    meets_ui_rules(page, "kb-portal-course-edit")
    submit(page, "form[action$='/publish/'] button")
    with schema_context("public"):
        slug = shared.Course.objects.get(title="Geluid en beeld").slug
    reader = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    try:
        other = reader.new_page()
        other.goto(server.tenant(path=f"/instructions/courses/{slug}/"))
        expect(other.locator(".kb-progress")).to_contain_text("0 van 2")
        with other.expect_navigation(wait_until="load"):
            other.locator("main a.button--primary").click()
        expect(other.locator(".kb-steps")).to_contain_text("Zoek de knoppen")  # the instruction's steps
        submit(other)
        other.goto(server.tenant(path=f"/instructions/courses/{slug}/"))
        expect(other.locator(".kb-progress")).to_contain_text("1 van 2")  # kept in this browser
    finally:
        reader.close()


def test_a_volunteer_writes_an_own_course_and_an_experienced_volunteer_publishes_it(
    visitor, people, demo_content, browser
):
    writer = people.member(Role.VOLUNTEER, full_name="Fatima El Amrani")
    reviewer = people.member(Role.VOLUNTEER, full_name="Henk de Vries")
    page = visitor.page
    visitor.sign_in_as(writer)
    page.goto(visitor.server.tenant(path="/instructions/write/courses/new/"))
    page.fill("#id_title", "Onze eerste les")
    submit(page)
    page.fill("#id_lesson-title", "Het geluid")
    page.select_option("#id_lesson-instruction", f"shared:{sound_instruction_pk()}")
    submit(page, "form[action$='/lessons/'] button")
    meets_ui_rules(page, "kb-course-edit")
    submit(page, "form[action$='/submit/'] button")
    edit_url = page.url
    page.goto(visitor.server.tenant(path="/instructions/write/courses/"))
    meets_ui_rules(page, "kb-course-list")
    other = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    try:
        second = type(visitor)(server=visitor.server, context=other, page=other.new_page())
        second.sign_in_as(reviewer)
        second.page.goto(edit_url)
        submit(second.page, "form[action$='/publish/'] button")
    finally:
        other.close()
    with schema_context("org_test_a"):
        course = own.OwnCourse.objects.get(title="Onze eerste les")
        assert course.is_published
    page.goto(visitor.server.tenant(path=f"/instructions/our-courses/{course.slug}/1/"))
    meets_ui_rules(page, "kb-own-lesson")
