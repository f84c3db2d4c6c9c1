"""A volunteer's own contribution: questions helped, answers written, time on duty. No ranking."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import RequesterKind, Role
from tests.factories import ticket_make, ticket_solve
from tests.signing_in import sign_in
from tickets import services
from tickets.models import DutyPeriod
from tickets.selectors import contribution_of

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=AMSTERDAM)
LAST_MONTH = datetime(2026, 2, 20, 10, 0, tzinfo=AMSTERDAM)
THIS_MONTH = datetime(2026, 3, 5, 10, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def colleague(org_a, make_user):
    return make_user(org_a, role=Role.VOLUNTEER, requester_kind="", full_name="Karel Collega")


def duty(volunteer, starts: datetime, ends: datetime) -> None:
    DutyPeriod.objects.create(volunteer=volunteer, starts_at=starts, ends_at=ends)


@pytest.fixture
def history(org_a, volunteer_a, colleague):
    """Vera's work over two months, beside Karel's, which must never count for her."""
    with tenant_context(org_a), time_machine.travel(LAST_MONTH, tick=False) as clock:
        # Held and solved last month; one answer then.
        old = ticket_make(subject="Oud")
        services.ticket_claim(ticket=old, actor=volunteer_a)
        services.reply_post(ticket=old, actor=volunteer_a, body="Zet hem aan.")
        ticket_solve(ticket=old, actor=volunteer_a, cause="explanation")
        # Karel's own solved question.
        ticket_solve(
            ticket=services.ticket_claim(ticket=ticket_make(subject="Van Karel"), actor=colleague),
            actor=colleague,
            cause="other",
        )

        clock.move_to(THIS_MONTH)
        # Answered by Vera, held and solved by Karel: she helped.
        answered = ticket_make(subject="Samen")
        services.ticket_claim(ticket=answered, actor=colleague)
        services.reply_post(ticket=answered, actor=volunteer_a, body="Probeer het volume.")
        ticket_solve(ticket=answered, actor=colleague, cause="explanation")
        # Held, solved and then closed: still helped.
        closed = ticket_make(subject="Gesloten")
        services.ticket_claim(ticket=closed, actor=volunteer_a)
        # Helped on the phone: a call is no written answer.
        services.call_record(ticket=closed, actor=volunteer_a, reached=True)
        services.ticket_resolve(ticket=closed, actor=volunteer_a, cause="account")
        services.ticket_close(ticket=closed, actor=volunteer_a, reason="other")
        # Held and answered, but still open: not helped yet; the answer counts.
        still_open = ticket_make(subject="Loopt nog")
        services.ticket_claim(ticket=still_open, actor=volunteer_a)
        services.reply_post(ticket=still_open, actor=volunteer_a, body="Ik kijk ernaar.")
        # Only an internal note, solved by Karel: not helped, and a note is no answer.
        noted = ticket_make(subject="Notitie")
        services.note_add(ticket=noted, actor=volunteer_a, body="Misschien de batterij?")
        ticket_solve(ticket=services.ticket_claim(ticket=noted, actor=colleague), actor=colleague, cause="other")
        # Solved, then opened again: not counted while open.
        reopened = ticket_make(subject="Weer open")
        services.ticket_claim(ticket=reopened, actor=volunteer_a)
        services.call_record(ticket=reopened, actor=volunteer_a, reached=True)
        services.ticket_resolve(ticket=reopened, actor=volunteer_a, cause="other")
        services.ticket_reopen(ticket=reopened, actor=volunteer_a)

        # Duty: 2 h last month; 1 h across the turn of the month (half in each); 1.5 h this month
        # with a 30-minute period inside it that counts once; 45 minutes of a running period;
        # a planned one that has not started.
        duty(volunteer_a, datetime(2026, 2, 10, 9, 0, tzinfo=AMSTERDAM), datetime(2026, 2, 10, 11, 0, tzinfo=AMSTERDAM))
        duty(
            volunteer_a, datetime(2026, 2, 28, 23, 30, tzinfo=AMSTERDAM), datetime(2026, 3, 1, 0, 30, tzinfo=AMSTERDAM)
        )
        duty(volunteer_a, datetime(2026, 3, 5, 9, 0, tzinfo=AMSTERDAM), datetime(2026, 3, 5, 10, 30, tzinfo=AMSTERDAM))
        duty(volunteer_a, datetime(2026, 3, 5, 9, 30, tzinfo=AMSTERDAM), datetime(2026, 3, 5, 10, 0, tzinfo=AMSTERDAM))
        duty(volunteer_a, NOW - timedelta(minutes=45), NOW + timedelta(hours=1))
        duty(volunteer_a, NOW + timedelta(days=1), NOW + timedelta(days=1, hours=3))
        duty(colleague, datetime(2026, 3, 6, 9, 0, tzinfo=AMSTERDAM), datetime(2026, 3, 6, 17, 0, tzinfo=AMSTERDAM))


def test_contribution_counts_what_the_volunteer_did(org_a, volunteer_a, history):
    with tenant_context(org_a), time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        mine = contribution_of(volunteer_a)
    # A fixed number of queries, however much was done (django-tenants adds its SET search_path).
    assert len([q for q in queries.captured_queries if not q["sql"].startswith("SET ")]) == 3
    assert (mine.helped_this_month, mine.helped_total) == (2, 3)
    assert (mine.replies_this_month, mine.replies_total) == (2, 3)
    # This month: 30 min + 1 h 30 + 45 min; in total also 2 h and the other 30 min of February.
    assert mine.time_this_month == timedelta(hours=2, minutes=45)
    assert mine.time_total == timedelta(hours=5, minutes=15)


def test_a_new_volunteer_has_nothing_yet(org_a, make_user):
    newcomer = make_user(org_a, role=Role.VOLUNTEER, requester_kind="")
    with tenant_context(org_a):
        mine = contribution_of(newcomer)
    assert (mine.helped_total, mine.replies_total, mine.time_total) == (0, 0, timedelta())


def test_the_page_shows_the_numbers_in_words_and_nobody_else(client_a, org_a, volunteer_a, history):
    with time_machine.travel(NOW, tick=False):
        sign_in(client_a, org_a, volunteer_a)
        response = client_a.get("/questions/my-help/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>What I have done</h1>" in html
    assert "Thank you, Vera." in html
    month = html.split('id="month-heading"')[1].split("</section>")[0]
    assert '<span class="figures__number">2</span> questions you helped solve' in month
    assert '<span class="figures__number">2</span> answers you wrote' in month
    assert '<span class="figures__number">2 hours and 45 minutes</span> on duty' in month
    total = html.split('id="total-heading"')[1].split("</section>")[0]
    assert '<span class="figures__number">3</span> questions you helped solve' in total
    assert '<span class="figures__number">5 hours and 15 minutes</span> on duty' in total
    # No comparison with other people: no names, no ranking.
    assert "Karel" not in html and "Collega" not in html


def test_a_new_volunteer_is_welcomed_not_judged(client_a, org_a, make_user):
    newcomer = make_user(org_a, role=Role.VOLUNTEER, requester_kind="", full_name="Nina Nieuw")
    sign_in(client_a, org_a, newcomer)
    html = client_a.get("/questions/my-help/").content.decode()
    assert "You have not helped with a question yet." in html
    assert '<span class="figures__number">0 minutes</span> on duty' in html


def test_volunteers_find_the_page_from_the_start_page_and_the_queue(client_a, org_a, volunteer_a):
    sign_in(client_a, org_a, volunteer_a)
    assert 'href="/questions/my-help/"' in client_a.get("/").content.decode()
    assert 'href="/questions/my-help/"' in client_a.get("/questions/").content.decode()


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.MANAGER, Role.PROFESSIONAL])
def test_other_roles_get_404(client_a, org_a, make_user, role):
    sign_in(
        client_a, org_a, make_user(org_a, role=role, requester_kind=RequesterKind.CLIENT if role == "requester" else "")
    )
    assert client_a.get("/questions/my-help/").status_code == 404


def test_strangers_and_other_organisations_are_sent_to_sign_in(client_a, client_b, org_a, org_b, volunteer_b):
    assert client_a.get("/questions/my-help/").status_code == 302
    sign_in(client_b, org_b, volunteer_b)

    client_b.defaults["HTTP_HOST"] = org_a.host
    assert client_b.get("/questions/my-help/").status_code == 302
