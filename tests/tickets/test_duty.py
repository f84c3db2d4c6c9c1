"""Volunteers say when they are on duty: now for a while, until a time today, or planned for later."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import RequesterKind, Role
from tests.signing_in import sign_in
from tickets import services
from tickets.models import DutyPeriod

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A Tuesday morning on the organisation's clock.
MORNING = datetime(2026, 3, 10, 10, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def clock():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def as_volunteer(clock, client_a, org_a, volunteer_a):
    return sign_in(client_a, org_a, volunteer_a)


def at(hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    return (MORNING + timedelta(days=days)).replace(hour=hour, minute=minute)


def periods(org, user) -> list[tuple[datetime, datetime]]:
    with tenant_context(org):
        return [
            (p.starts_at.astimezone(AMSTERDAM), p.ends_at.astimezone(AMSTERDAM))
            for p in DutyPeriod.objects.filter(volunteer=user).order_by("starts_at")
        ]


def start(client, **data):
    return client.post("/questions/duty/start/", {f"start-{k}": v for k, v in data.items()})


def plan(client, **data):
    return client.post("/questions/duty/plan/", {f"plan-{k}": v for k, v in data.items()})


def test_the_duty_page_says_the_volunteer_is_not_on_duty(as_volunteer):
    response = as_volunteer.get("/questions/duty/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>When I am on duty</h1>" in html
    assert "You are not on duty now." in html and "Nobody else is on duty now." in html


def test_volunteer_goes_on_duty_for_two_hours_and_stops(as_volunteer, org_a, volunteer_a, clock):
    response = start(as_volunteer, length="2")
    assert response.status_code == 302
    assert periods(org_a, volunteer_a) == [(at(10), at(12))]
    html = as_volunteer.get("/questions/duty/").content.decode()
    assert "You are on duty until 12:00. Thank you!" in html  # the message
    assert "You are on duty until 12:00." in html and "Stop my duty now" in html

    clock.shift(timedelta(minutes=40))
    response = as_volunteer.post("/questions/duty/stop/", follow=True)
    assert "You are no longer on duty." in response.content.decode()
    assert periods(org_a, volunteer_a) == [(at(10), at(10, 40))]
    response = as_volunteer.post("/questions/duty/stop/", follow=True)
    assert "You were not on duty." in response.content.decode()


def test_a_new_end_replaces_the_running_duty_instead_of_overlapping(as_volunteer, org_a, volunteer_a, clock):
    start(as_volunteer, length="1")
    clock.shift(timedelta(minutes=30))
    start(as_volunteer, length="until", until="14:15")
    assert periods(org_a, volunteer_a) == [(at(10), at(10, 30)), (at(10, 30), at(14, 15))]
    assert "You are on duty until 14:15." in as_volunteer.get("/questions/duty/").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose how long you are on duty."),
        ({"length": "9"}, "Choose one of the lengths in the list."),
        ({"length": "until"}, "Write until what time you are on duty."),
        ({"length": "until", "until": "09:30"}, "Choose a time later than now."),
        ({"length": "until", "until": "23:30"}, "You can be on duty for at most 12 hours at a time."),
        ({"length": "until", "until": "half vier"}, "Write the time like 16:30."),
        ({"length": "until", "until": "25:00"}, "Write the time like 16:30."),
    ],
)
def test_going_on_duty_with_bad_input_says_what_is_wrong(as_volunteer, org_a, volunteer_a, data, message):
    response = start(as_volunteer, **data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and "There is a problem" in html
    assert message in html
    if data.get("until"):
        assert f'value="{data["until"]}"' in html  # what was typed stays
    assert periods(org_a, volunteer_a) == []


def test_volunteer_plans_a_period_and_removes_it(as_volunteer, org_a, volunteer_a):
    response = plan(as_volunteer, day="2026-03-12", starts="13:30", ends="16:00")
    assert response.status_code == 302
    assert periods(org_a, volunteer_a) == [(at(13, 30, days=2), at(16, days=2))]
    html = as_volunteer.get("/questions/duty/").content.decode()
    assert "Planned: Thursday 12 March from 13:30 until 16:00." in html
    assert "Thursday 12 March 2026, from 13:30 until 16:00" in html
    assert "You are not on duty now." in html  # planned is not now

    with tenant_context(org_a):
        planned = DutyPeriod.objects.get(volunteer=volunteer_a)
    response = as_volunteer.post(f"/questions/duty/{planned.pk}/remove/", follow=True)
    assert "The planned period is removed." in response.content.decode()
    assert periods(org_a, volunteer_a) == []


def test_a_planned_period_may_not_overlap_another(as_volunteer, org_a, volunteer_a):
    assert plan(as_volunteer, day="2026-03-12", starts="13:30", ends="16:00").status_code == 302
    response = plan(as_volunteer, day="2026-03-12", starts="15:00", ends="17:00")
    assert response.status_code == 200
    assert "You are already on duty at part of that time." in response.content.decode()
    assert 'value="15:00"' in response.content.decode()
    assert periods(org_a, volunteer_a) == [(at(13, 30, days=2), at(16, days=2))]
    assert plan(as_volunteer, day="2026-03-12", starts="16:00", ends="17:00").status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "2026-03-11", "starts": "14:00", "ends": "12:00"}, "The end must be later than the start."),
        ({"day": "2026-03-11", "starts": "14:00", "ends": "14:00"}, "The end must be later than the start."),
        ({"day": "2026-03-09", "starts": "10:00", "ends": "12:00"}, "Choose a moment in the future."),
        ({"day": "2026-03-10", "starts": "09:00", "ends": "11:00"}, "Choose a moment in the future."),
        ({"day": "2026-03-11", "starts": "07:00", "ends": "19:30"}, "A period can be at most 12 hours."),
        ({"day": "2027-06-01", "starts": "10:00", "ends": "12:00"}, "Plan at most a year ahead."),
        ({"day": "", "starts": "10:00", "ends": "12:00"}, "Write the day."),
        ({"day": "2026-02-31", "starts": "10:00", "ends": "12:00"}, "Write the day like 24-12-2026."),
        ({"day": "morgen", "starts": "10:00", "ends": "12:00"}, "Write the day like 24-12-2026."),
        ({"day": "2026-03-11", "starts": "", "ends": "12:00"}, "Write from what time."),
        ({"day": "2026-03-11", "starts": "10:00", "ends": "twaalf"}, "Write the time like 12:00."),
    ],
)
def test_planning_with_bad_input_says_what_is_wrong_and_keeps_it(as_volunteer, org_a, volunteer_a, data, message):
    response = plan(as_volunteer, **data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and "There is a problem" in html
    assert message in html
    for value in data.values():
        if value:
            assert f'value="{value}"' in html
    assert periods(org_a, volunteer_a) == []


@pytest.mark.parametrize(
    ("day", "starts", "ends"),
    [
        ("12-03-2026", "9:30", "11:00"),
        ("12-3-2026", "9.30", "11"),
        (" 12/03/26 ", "930", "1100"),
        ("12 3 2026", "9u30", "11 uur"),
        ("2026-03-12", "09:30", "11.00"),
    ],
)
def test_days_and_times_are_understood_as_people_write_them(as_volunteer, org_a, volunteer_a, day, starts, ends):
    assert plan(as_volunteer, day=day, starts=starts, ends=ends).status_code == 302
    assert periods(org_a, volunteer_a) == [(at(9, 30, days=2), at(11, days=2))]


def test_a_started_period_cannot_be_removed_and_others_periods_are_404(
    as_volunteer, org_a, volunteer_a, make_user, clock
):
    colleague = make_user(org_a, role=Role.VOLUNTEER, requester_kind="")
    with tenant_context(org_a):
        theirs = services.duty_plan(actor=colleague, starts_at=at(14), ends_at=at(16))
        mine = services.duty_plan(actor=volunteer_a, starts_at=at(10, 30), ends_at=at(12))
    assert as_volunteer.post(f"/questions/duty/{theirs.pk}/remove/").status_code == 404
    assert as_volunteer.post("/questions/duty/999999/remove/").status_code == 404
    clock.shift(timedelta(hours=1))
    response = as_volunteer.post(f"/questions/duty/{mine.pk}/remove/", follow=True)
    assert "This period has started already." in response.content.decode()
    with tenant_context(org_a):
        assert DutyPeriod.objects.count() == 2


def test_others_on_duty_are_shown_by_first_name_only(as_volunteer, org_a, make_user):
    karel = make_user(org_a, role=Role.VOLUNTEER, requester_kind="", full_name="Karel de Vries")
    later = make_user(org_a, role=Role.VOLUNTEER, requester_kind="", full_name="Lotte Later")
    with tenant_context(org_a):
        services.duty_start(actor=karel, until=at(12))
        services.duty_plan(actor=later, starts_at=at(15), ends_at=at(17))
    html = as_volunteer.get("/questions/duty/").content.decode()
    assert "Also on duty now: Karel" in html
    assert "de Vries" not in html and "Lotte" not in html


def test_volunteers_find_the_duty_page_from_the_start_page_and_the_queue(as_volunteer):
    assert 'href="/questions/duty/"' in as_volunteer.get("/").content.decode()
    assert 'href="/questions/duty/"' in as_volunteer.get("/questions/").content.decode()


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.MANAGER, Role.PROFESSIONAL])
def test_other_roles_get_404(clock, client_a, org_a, make_user, role):
    user = make_user(org_a, role=role, requester_kind=RequesterKind.CLIENT if role == "requester" else "")
    sign_in(client_a, org_a, user)
    assert client_a.get("/questions/duty/").status_code == 404
    assert start(client_a, length="2").status_code == 404
    assert plan(client_a, day="2026-03-12", starts="10:00", ends="12:00").status_code == 404
    assert client_a.post("/questions/duty/stop/").status_code == 404
    assert 'href="/questions/duty/"' not in client_a.get("/").content.decode()
    with tenant_context(org_a):
        assert not DutyPeriod.objects.exists()


def test_strangers_and_other_organisations_are_sent_to_sign_in(clock, client_a, client_b, org_a, org_b, volunteer_b):
    assert client_a.get("/questions/duty/").status_code == 302
    assert start(client_a, length="2").status_code == 302
    sign_in(client_b, org_b, volunteer_b)

    assert client_b.get("/questions/duty/").status_code == 200
    client_b.defaults["HTTP_HOST"] = org_a.host
    assert start(client_b, length="2").status_code == 302
    with tenant_context(org_a):
        assert not DutyPeriod.objects.exists()
    assert client_a.get("/questions/duty/stop/").status_code in (302, 405)
