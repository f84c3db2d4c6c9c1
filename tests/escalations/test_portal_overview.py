"""The operator overview: how each care organisation's questions are doing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import Role
from portal.overview import organisations_overview
from satisfaction.models import SurveyAnswer
from tests.factories import UserFactory, ticket_make, ticket_solve
from tests.signing_in import sign_in, sign_in_operator
from tickets import services
from tickets.models import EscalationReason, Priority, Ticket, TicketEvent, Tier

pytestmark = pytest.mark.django_db

OVERVIEW = "/overview/"


def _age(ticket: Ticket, minutes: int) -> None:
    """Makes a question older than it is (the test's clock; its index row is not involved)."""
    Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))


@pytest.fixture
def busy_a(org_a):
    """Organisation A with questions in every state that the overview counts."""

    now = timezone.now()
    with tenant_context(org_a):
        volunteer = UserFactory(role=Role.VOLUNTEER, requester_kind="")
        services.duty_start(actor=volunteer, until=now + timedelta(hours=2))
        resting = UserFactory(role=Role.VOLUNTEER, requester_kind="", is_active=False)
        services.duty_start(actor=resting, until=now + timedelta(hours=2))  # inactive: not counted

        # Nobody took it for five hours: the automatic escalation passes it on (volunteer on duty).
        _age(late := ticket_make(subject="Te lang"), 300)
        assert services.tickets_escalate_waiting() == [(late.reference, EscalationReason.WAITED_TOO_LONG)]
        # An automatic escalation from before the 30 days does not count.
        _age(old := ticket_make(subject="Lang geleden"), 300)
        services.tickets_escalate_waiting()
        TicketEvent.objects.filter(ticket=old, kind=TicketEvent.Kind.ESCALATED).update(at=now - timedelta(days=40))
        ticket_solve(ticket=old, actor=None, cause="explanation")

        ticket_make(subject="Net binnen")  # waiting, within the limit
        past_normal = ticket_make(subject="Wacht te lang")
        past_urgent = ticket_make(subject="Dringend", priority=Priority.URGENT)
        services.ticket_escalate(
            ticket=ticket_make(subject="Moeilijk"), actor=volunteer, reason=EscalationReason.TOO_DIFFICULT
        )
        services.ticket_claim(ticket=ticket_make(subject="Bezig"), actor=volunteer)
        solved = ticket_solve(ticket=ticket_make(subject="Opgelost"), actor=volunteer, cause="explanation")
        _age(past_normal, org_a.escalate_after_minutes + 1)
        _age(past_urgent, org_a.escalate_urgent_after_minutes + 1)

        SurveyAnswer.objects.create(
            ticket=solved,
            help_score=5,
            technology_score=2,
            product=solved.product,
            tier=Tier.VOLUNTEER,
            answered_at=now - timedelta(days=1),
            changed_at=now - timedelta(days=1),
        )
        SurveyAnswer.objects.create(
            ticket=old,
            help_score=4,
            technology_score=3,
            product=old.product,
            tier=Tier.PROFESSIONAL,
            answered_at=now - timedelta(days=2),
            changed_at=now - timedelta(days=2),
        )
        other = ticket_solve(ticket=ticket_make(subject="Oud"), actor=volunteer, cause="explanation")
        SurveyAnswer.objects.create(
            ticket=other,
            help_score=1,
            technology_score=1,
            product=other.product,
            tier=Tier.VOLUNTEER,
            answered_at=now - timedelta(days=31),
            changed_at=now - timedelta(days=31),
        )
    return org_a


def test_figures_per_organisation(busy_a, org_b):
    overview = {row.organisation.slug: row for row in organisations_overview()}

    a = overview["test-a"]
    # Open: te lang (escalated), net binnen, wacht te lang, dringend, moeilijk (escalated), bezig.
    assert a.open_questions == 6
    # New and nobody took them: the two escalated ones wait for a professional.
    assert a.waiting == 5
    assert a.escalations_open == 2
    assert a.past_limit_now == 2
    assert a.limit_exceeded_30_days == 1
    assert a.limits_exceeded == 3
    assert a.on_duty == 1
    assert a.answers == 2
    assert a.help_score == pytest.approx(4.5)
    assert a.technology_score == pytest.approx(2.5)

    b = overview["test-b"]
    assert (b.open_questions, b.waiting, b.escalations_open, b.past_limit_now, b.on_duty, b.answers) == (
        0,
        0,
        0,
        0,
        0,
        0,
    )
    assert b.help_score is None


def test_limits_follow_the_organisations_own_setting(busy_a):
    busy_a.escalate_after_minutes = 60 * 24
    busy_a.save(update_fields=["escalate_after_minutes"])

    a = next(row for row in organisations_overview() if row.organisation.slug == "test-a")

    assert a.past_limit_now == 1  # only the urgent one is past its own limit now


def test_a_fixed_number_of_queries_per_organisation(busy_a, org_b):
    with CaptureQueriesContext(connection) as queries:
        rows = organisations_overview()
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET search_path")]

    assert len(rows) == 2
    # The list of organisations, then four per organisation, busy or quiet alike.
    assert len(statements) == 1 + 4 * len(rows), "\n".join(s[:120] for s in statements)


def test_suspended_organisations_are_left_out(org_a, org_b):
    org_b.status = org_b.Status.SUSPENDED
    org_b.save(update_fields=["status"])

    assert [row.organisation.slug for row in organisations_overview()] == ["test-a"]


def test_overview_page_shows_each_organisation(portal_client, professional, busy_a, org_b):
    sign_in_operator(portal_client, professional)

    response = portal_client.get(OVERVIEW)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Zorggroep Test A" in page and "Zorggroep Test B" in page
    row_a = re.search(rf'<tr>\s*<th scope="row"><a href="/organisations/{busy_a.pk}/">.*?</tr>', page, re.S)
    assert row_a is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row_a.group(0), re.S)
    assert cells[:6] == ["6", "5", "2", "<strong>2 (too long)</strong>", "1", "1"]
    assert "help 4.5, technology 2.5 out of 5 (2 answers)" in cells[6]
    assert "No answers yet" in page  # organisation B


def test_overview_for_operator_admins_too(admin_client, org_a):
    assert admin_client.get(OVERVIEW).status_code == 200


def test_overview_is_closed_to_others(portal_client, make_user, professional, client_a, org_a, manager_a):
    assert portal_client.get(OVERVIEW)["Location"].startswith("/account/sign-in/")
    sign_in_operator(portal_client, professional, verified=False)
    assert portal_client.get(OVERVIEW)["Location"] == "/account/sign-in/code/"
    sign_in(portal_client, None, make_user(None, role=Role.REQUESTER))
    assert portal_client.get(OVERVIEW).status_code == 404
    sign_in(client_a, org_a, manager_a)

    assert client_a.get(OVERVIEW).status_code == 404
