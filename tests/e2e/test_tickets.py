"""A question's whole life in a browser: asked without an account, answered by a volunteer, read,
replied to and marked solved by the person who asked it.

The journey runs with JavaScript and without it (ui.md 10); in the run with JavaScript every page
on the way is checked with axe and the ui.md rules axe cannot see, at 1280 and 320 px.
Selectors use ids, addresses and form actions, so the test passes in Dutch and in English.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from helpdesk.accounts.models import Role
from tenants.models import Product
from tests.e2e import checks
from tests.e2e.support import PASSWORD, schema_for
from tests.e2e.ticket_pages import png_bytes, questions_removed
from tickets.models import Message, Status, Ticket

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


def ui_problems(page, name: str, *, rejected: bool = False) -> list[str]:
    return [f"{name} ({page.url}): {problem}" for problem in checks.at_both_widths(page, rejected=rejected)]


@pytest.fixture
def questions_filed(committed) -> Iterator[None]:
    """The questions a test files are committed (the server must see them); removed again after."""
    with questions_removed():
        yield


@WITH_AND_WITHOUT_JAVASCRIPT
def test_a_question_from_asking_to_solved(visitor, people, device, questions_filed, request, tmp_path):

    server, page = visitor.server, visitor.page
    javascript = request.node.callspec.id == "js"
    problems: list[str] = []

    def check(name: str, **options) -> None:
        if javascript:
            problems.extend(ui_problems(page, name, **options))

    # --- a. Asking, without an account -----------------------------------------------------------
    email = people.address("Anja Visser")
    page.goto(server.tenant())
    follow(page, "main a[href='/questions/ask/']")
    expect(page).to_have_url(server.tenant("test-a", "/questions/ask/product/"))
    check("ask step 1, product")
    product = Product.objects.get(slug="beeldbel-tablet")
    page.locator(f"input[name=product][value='{product.pk}']").check()
    submit(page)

    expect(page).to_have_url(server.tenant("test-a", "/questions/ask/question/"))
    check("ask step 2, question")
    page.fill("#id_subject", "Ik zie mijn dochter niet")
    page.fill("#id_body", "Als ze belt, blijft het scherm zwart.\nIk hoor haar wel.")
    not_a_photo = tmp_path / "vakantie.png"
    not_a_photo.write_text("Dit is tekst, geen foto.\n" * 20)
    page.set_input_files("#id_photo", str(not_a_photo))
    submit(page)
    # A bad file is refused with a message, and what was typed stays.
    expect(page).to_have_url(server.tenant("test-a", "/questions/ask/question/"))
    expect(page.locator("#id_photo_error")).to_be_visible()
    expect(page.locator("#id_subject")).to_have_value("Ik zie mijn dochter niet")
    check("ask step 2, question, photo refused", rejected=True)
    screenshot = tmp_path / "scherm-zwart.png"
    screenshot.write_bytes(png_bytes())
    page.set_input_files("#id_photo", str(screenshot))
    submit(page)

    expect(page).to_have_url(server.tenant("test-a", "/questions/ask/for_whom/"))
    check("ask step 3, for whom")
    # The questions about the other person show only once "for someone else" is chosen (CSS, no script).
    expect(page.locator("#id_on_behalf_of_name")).to_be_hidden()
    page.check("input[name=for_whom][value=other]")
    expect(page.locator("#id_on_behalf_of_name")).to_be_visible()
    check("ask step 3, for someone else")
    if javascript:
        page.check("input[name=for_whom][value=me]")
    else:
        page.fill("#id_on_behalf_of_name", "Jan Visser")
        page.check("input[name=on_behalf_relation][value=informal_carer]")
    submit(page)

    expect(page).to_have_url(server.tenant("test-a", "/questions/ask/contact/"))
    check("ask step 4, how we reach you")
    page.check("input[name=contact_method][value=email]")
    page.fill("#id_contact_name", "Anja Visser")
    page.fill("#id_contact_email", email)
    submit(page)

    expect(page).to_have_url(server.tenant("test-a", "/questions/ask/check/"))
    expect(page.locator("main dl")).to_contain_text("Ik zie mijn dochter niet")
    expect(page.locator("main dl")).to_contain_text("scherm-zwart.png")
    check("check your answers")
    submit(page, "#send-question")

    expect(page).to_have_url(server.tenant("test-a", "/questions/ask/sent/"))
    with schema_context(schema_for("test-a")):
        ticket = Ticket.objects.get(contact_email=email)
        assert (ticket.status, ticket.requester_id, ticket.channel) == (Status.NEW, None, "web")
        assert ticket.on_behalf_of_name == ("" if javascript else "Jan Visser")
        photo = ticket.attachments.get()
        assert photo.from_requester and photo.original_name == "scherm-zwart.png"
        reference = ticket.reference
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("main")).to_contain_text(reference)
    check("confirmation")
    link = server.link_in_mail(email, r"http://\S+/questions/open/\S+/")  # from the confirmation e-mail

    # --- b. A volunteer takes it and answers -----------------------------------------------------
    volunteer = people.member(Role.VOLUNTEER, password=True, full_name="Fatima El Amrani")
    helper = device(javascript=javascript)
    helper.goto(server.tenant("test-a", "/account/sign-in/"))
    helper.fill("#id_staff-email", volunteer.email)
    helper.fill("#id_staff-password", PASSWORD)
    submit(helper, "form:has(#id_staff-email)")
    follow(helper, "main a[href='/questions/']")
    row = helper.locator(f"#queue-rows a[href='/questions/{ticket.number}/']")
    expect(row).to_contain_text(reference)
    if javascript:
        problems.extend(ui_problems(helper, "queue"))
    follow(helper, f"#queue-rows a[href='/questions/{ticket.number}/']")
    expect(helper.locator("h1")).to_contain_text(reference)
    submit(helper, "form[action$='/claim/']")
    answer = "Tik op het plaatje van de camera. Dan ziet u haar."
    helper.fill("form[action$='/reply/'] textarea", answer)
    submit(helper, "form[action$='/reply/']")
    note = "Intern: mevrouw heeft vaker moeite met de camera."
    helper.fill("form[action$='/note/'] textarea", note)
    submit(helper, "form[action$='/note/']")
    expect(helper.locator("main")).to_contain_text(answer)
    expect(helper.locator("main")).to_contain_text(note)
    if javascript:
        problems.extend(ui_problems(helper, "question page for the volunteer"))
    with schema_context(schema_for("test-a")):
        ticket.refresh_from_db()
        assert ticket.assignee_id == volunteer.pk and ticket.status == Status.IN_PROGRESS
        assert ticket.first_response_at is not None

    # --- c. The person who asked reads the answer, replies, and says it is solved ---------------
    phone = device(width="narrow", javascript=javascript)
    phone.goto(link)
    expect(phone).to_have_url(server.tenant("test-a", f"/questions/{ticket.number}/follow/"))
    expect(phone.locator("main")).to_contain_text(answer)
    assert note not in phone.content(), "an internal note reached the person who asked"
    assert "Intern:" not in phone.locator("main").inner_text()
    if javascript:
        problems.extend(ui_problems(phone, "follow page"))
    phone.fill("form[action$='/follow/'] textarea", "Dank u, nu zie ik haar!")
    submit(phone, "form[action$='/follow/']")
    expect(phone.locator(".notice[role=status]")).to_be_visible()
    expect(phone.locator("main")).to_contain_text("Dank u, nu zie ik haar!")
    submit(phone, "form[action$='/solved/']")
    expect(phone.locator(".notice[role=status]")).to_be_visible()

    with schema_context(schema_for("test-a")):
        ticket.refresh_from_db()
        assert ticket.status == Status.RESOLVED and ticket.resolved_at is not None
        said = Message.objects.filter(ticket=ticket).order_by("created_at", "pk")
        assert [(m.body, m.is_internal, m.author_id) for m in said] == [
            (answer, False, volunteer.pk),
            (note, True, volunteer.pk),
            ("Dank u, nu zie ik haar!", False, None),
        ]
        assert ticket.events.filter(kind="status", to_value=Status.RESOLVED).exists()

    assert not problems, "\n".join(problems)
