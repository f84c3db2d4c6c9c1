"""A volunteer passes a question to a professional, keeps duty and sees their own contribution,
in a real browser; the pages pass axe and the ui.md checks at 320 and 1280 px.

Selectors use form actions, names and values, never interface text, so this passes in Dutch and
English. Set SCREENSHOT_DIR to keep full-page pictures of the pages for a person's eye.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from escalations.models import EscalationEntry
from helpdesk.accounts.models import Role
from tests.e2e import checks
from tests.e2e.support import WIDTHS, schema_for
from tests.factories import ticket_make
from tickets.models import DutyPeriod, Ticket

pytestmark = pytest.mark.browser

SCHEMA = "test-a"
SHOTS = os.environ.get("SCREENSHOT_DIR")


def _ui_problems(page, *, rejected: bool = False) -> list[str]:
    return checks.at_both_widths(page, rejected=rejected)


def _picture(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for width, (viewport_width, viewport_height) in WIDTHS.items():
        page.set_viewport_size({"width": viewport_width, "height": viewport_height})
        suffix = "" if width == "wide" else f"-{viewport_width}"
        page.screenshot(path=str(Path(SHOTS) / f"{name}{suffix}.png"), full_page=True)
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS["wide"], strict=True)))


def random_id() -> int:
    """A public account id no other test uses, for a professional's shadow account."""
    return uuid.uuid4().int % 1_000_000_000


def _submit(page, form: str) -> None:
    with page.expect_navigation(wait_until="load"):
        page.locator(f"{form} button[type=submit]").first.click()


@pytest.fixture
def question(people) -> Iterator[object]:
    """A committed question of organisation A, removed again (with its index row) afterwards."""

    with schema_context(schema_for(SCHEMA)):
        ticket = ticket_make(
            subject="De beeldbel-tablet maakt geen geluid",
            body="Mijn moeder hoort mij niet als ik bel. Het volume staat hoog.",
            contact_name="Anja Visser",
            contact_email="anja.visser@voorbeeld.example",
        )
    try:
        yield ticket
    finally:
        with schema_context(schema_for(SCHEMA)):
            Ticket.objects.filter(pk=ticket.pk).delete()
        EscalationEntry.objects.filter(organisation__slug=SCHEMA, ticket_id=ticket.pk).delete()


def test_volunteer_passes_a_question_to_a_professional(visitor, people, question):

    server, page = visitor.server, visitor.page
    volunteer = people.member(Role.VOLUNTEER, full_name="Fatima El Amrani")
    visitor.sign_in_as(volunteer)
    page.goto(server.tenant(SCHEMA, f"/questions/{question.number}/"), wait_until="load")

    escalate_form = f"form[action='/questions/{question.number}/escalate/']"
    page.locator(f"details:has({escalate_form}) > summary").click()
    expect(page.locator(escalate_form)).to_be_visible()
    problems = _ui_problems(page)
    _picture(page, "question-pass-on")

    # Sent without a reason: the form comes back with the error summary, opened, with the note kept.
    page.fill("#id_escalate-note", "Ik heb het volume en de stekker nagekeken.")
    _submit(page, escalate_form)
    problems += _ui_problems(page, rejected=True)
    _picture(page, "question-pass-on-errors")
    expect(page.locator("#id_escalate-note")).to_have_value("Ik heb het volume en de stekker nagekeken.")

    page.check("input[name='escalate-reason'][value='too_difficult']")
    _submit(page, escalate_form)
    expect(page.locator(".callout--professionals")).to_be_visible()
    expect(page.locator(f"form[action='/questions/{question.number}/claim/']")).to_have_count(0)
    expect(page.locator(f"form[action='/questions/{question.number}/reply/']")).to_have_count(0)
    expect(page.locator(f"form[action='/questions/{question.number}/note/']")).to_be_visible()
    expect(page.locator(".conversation")).to_contain_text("Ik heb het volume en de stekker nagekeken.")
    problems += _ui_problems(page)
    _picture(page, "question-with-the-professionals")

    with schema_context(schema_for(SCHEMA)):
        ticket = Ticket.objects.get(pk=question.pk)
    assert (ticket.tier, ticket.escalation_reason, ticket.escalated_by_id) == (
        "professional",
        "too_difficult",
        volunteer.pk,
    )

    # A professional arrives from the portal's hand-off (?take=1): taking over comes first.
    professional = people.member(Role.PROFESSIONAL, full_name="Pieter Professional", public_user_id=random_id())
    visitor.sign_in_as(professional)
    pro_page = visitor.context.new_page()
    pro_page.goto(server.tenant(SCHEMA, f"/questions/{question.number}/?take=1"), wait_until="load")
    problems += _ui_problems(pro_page)
    _picture(pro_page, "question-take-over")
    _submit(pro_page, f"section form[action='/questions/{question.number}/take-over/']")
    expect(pro_page.locator(f"form[action='/questions/{question.number}/hand-back/']")).to_be_visible()
    with schema_context(schema_for(SCHEMA)):
        assert Ticket.objects.get(pk=question.pk).assignee_id == professional.pk
    assert not problems, "\n".join(problems)


def test_duty_and_contribution_pages(visitor, people):
    from django.utils import timezone

    server, page = visitor.server, visitor.page
    volunteer = people.member(Role.VOLUNTEER, full_name="Fatima El Amrani")
    colleague = people.member(Role.VOLUNTEER, full_name="Henk de Vries")
    with schema_context(schema_for(SCHEMA)):
        now = timezone.now()
        DutyPeriod.objects.create(volunteer=colleague, starts_at=now, ends_at=now + timedelta(hours=2))
        DutyPeriod.objects.create(
            volunteer=volunteer, starts_at=now - timedelta(hours=6), ends_at=now - timedelta(hours=3, minutes=30)
        )
        DutyPeriod.objects.create(
            volunteer=volunteer,
            starts_at=now + timedelta(days=2),
            ends_at=now + timedelta(days=2, hours=3),
        )
    visitor.sign_in_as(volunteer)

    page.goto(server.tenant(SCHEMA, "/"), wait_until="load")
    with page.expect_navigation(wait_until="load"):
        page.locator("main a[href='/questions/duty/']").click()
    problems = _ui_problems(page)
    _picture(page, "duty")

    # Going on duty for two hours.
    page.check("input[name='start-length'][value='2']")
    _submit(page, "form[action='/questions/duty/start/']")
    expect(page.locator("form[action='/questions/duty/stop/']")).to_be_visible()
    with schema_context(schema_for(SCHEMA)):
        assert (
            DutyPeriod.objects.filter(
                volunteer=volunteer, starts_at__lte=timezone.now(), ends_at__gt=timezone.now()
            ).count()
            == 1
        )

    # A plan that ends before it starts is refused, with everything typed kept.
    page.fill("#id_plan-day", "2030-06-12")
    page.fill("#id_plan-starts", "14:00")
    page.fill("#id_plan-ends", "12:00")
    _submit(page, "form[action='/questions/duty/plan/']")
    problems += _ui_problems(page, rejected=True)
    _picture(page, "duty-errors")
    expect(page.locator("#id_plan-starts")).to_have_value("14:00")

    page.goto(server.tenant(SCHEMA, "/questions/my-help/"), wait_until="load")
    expect(page.locator(".figures").first).to_be_visible()
    problems += _ui_problems(page)
    _picture(page, "contribution")
    assert not problems, "\n".join(problems)
