"""Automatic escalation for capacity, with frozen time: past the limit, or while nobody is on duty."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from escalations.models import EscalationEntry
from helpdesk.accounts.models import Role
from tests.factories import UserFactory, ticket_make
from tickets import services
from tickets.models import DutyPeriod, EscalationReason, Priority, Ticket, TicketEvent, Tier
from tickets.tasks import escalate_waiting_questions

pytestmark = pytest.mark.django_db

MONDAY_NINE = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture
def limits(in_org):
    in_org.escalate_after_minutes = 120
    in_org.escalate_urgent_after_minutes = 30
    in_org.escalate_when_nobody_on_duty = True  # as a new organisation has it
    in_org.save()
    return in_org


@pytest.fixture
def on_duty(limits):
    """A volunteer on duty all day, so only the waiting limits apply."""
    volunteer = UserFactory(role=Role.VOLUNTEER, requester_kind="")
    DutyPeriod.objects.create(
        volunteer=volunteer, starts_at=MONDAY_NINE - timedelta(hours=1), ends_at=MONDAY_NINE + timedelta(hours=12)
    )
    return volunteer


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def test_a_question_nobody_took_escalates_after_the_limit_once_with_its_reason(on_duty):
    with time_machine.travel(MONDAY_NINE, tick=False) as clock:
        normal = ticket_make(subject="Normaal")
        urgent = ticket_make(subject="Dringend", priority=Priority.URGENT)
        taken = ticket_make(subject="Al opgepakt")
        services.ticket_claim(ticket=taken, actor=on_duty)

        clock.move_to(MONDAY_NINE + timedelta(minutes=29))
        assert escalate_waiting_questions() == {}

        clock.move_to(MONDAY_NINE + timedelta(minutes=31))
        assert escalate_waiting_questions() == {"test-a": 1}
        assert fresh(urgent).tier == Tier.PROFESSIONAL
        assert fresh(urgent).escalation_reason == EscalationReason.WAITED_TOO_LONG
        assert fresh(normal).tier == Tier.VOLUNTEER

        clock.move_to(MONDAY_NINE + timedelta(minutes=121))
        assert escalate_waiting_questions() == {"test-a": 1}
        assert fresh(normal).tier == Tier.PROFESSIONAL
        assert fresh(normal).escalated_at == MONDAY_NINE + timedelta(minutes=121)
        assert fresh(taken).tier == Tier.VOLUNTEER, "a question a volunteer holds never escalates by itself"

        clock.move_to(MONDAY_NINE + timedelta(hours=5))
        assert escalate_waiting_questions() == {}, "nothing escalates twice"
    for ticket in (normal, urgent):
        events = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.ESCALATED)
        assert list(events.values_list("to_value", "actor")) == [(EscalationReason.WAITED_TOO_LONG, None)]
        assert EscalationEntry.objects.filter(ticket_id=ticket.pk, organisation__slug="test-a").exists()


def test_a_question_handed_back_is_not_escalated_again_automatically(on_duty):
    professional = UserFactory(role=Role.PROFESSIONAL, requester_kind="", public_user_id=9)
    with time_machine.travel(MONDAY_NINE, tick=False) as clock:
        ticket = ticket_make()
        clock.move_to(MONDAY_NINE + timedelta(hours=3))
        escalate_waiting_questions()
        services.ticket_take_over(ticket=ticket, actor=professional)
        services.ticket_hand_back(ticket=ticket, actor=professional, note="Graag uitleg geven")
        clock.move_to(MONDAY_NINE + timedelta(hours=9))
        assert escalate_waiting_questions() == {}
    assert fresh(ticket).tier == Tier.VOLUNTEER


def test_while_nobody_is_on_duty_new_questions_escalate_at_once(limits):
    with time_machine.travel(MONDAY_NINE, tick=False) as clock:
        ticket = ticket_make()
        # At once when asked, not at the next run of the sweep.
        assert fresh(ticket).tier == Tier.PROFESSIONAL
        assert fresh(ticket).escalated_at == MONDAY_NINE
        clock.move_to(MONDAY_NINE + timedelta(minutes=5))
        assert escalate_waiting_questions() == {}
    assert fresh(ticket).escalation_reason == EscalationReason.NOBODY_ON_DUTY
    assert EscalationEntry.objects.filter(ticket_id=ticket.pk, organisation__slug="test-a").exists()


def test_an_organisation_can_keep_questions_with_the_volunteers_while_nobody_is_on_duty(limits):
    limits.escalate_when_nobody_on_duty = False
    limits.save(update_fields=["escalate_when_nobody_on_duty"])
    with time_machine.travel(MONDAY_NINE, tick=False) as clock:
        ticket = ticket_make()
        clock.move_to(MONDAY_NINE + timedelta(minutes=5))
        assert escalate_waiting_questions() == {}
        assert fresh(ticket).tier == Tier.VOLUNTEER
        clock.move_to(MONDAY_NINE + timedelta(minutes=121))
        assert escalate_waiting_questions() == {"test-a": 1}
    assert fresh(ticket).escalation_reason == EscalationReason.WAITED_TOO_LONG


def test_a_duty_period_that_ended_does_not_count(limits):
    volunteer = UserFactory(role=Role.VOLUNTEER, requester_kind="")
    with time_machine.travel(MONDAY_NINE, tick=False) as clock:
        services.duty_start(actor=volunteer, until=MONDAY_NINE + timedelta(hours=1))
        waiting = ticket_make()
        clock.move_to(MONDAY_NINE + timedelta(minutes=30))
        assert escalate_waiting_questions() == {}
        clock.move_to(MONDAY_NINE + timedelta(minutes=61))
        assert escalate_waiting_questions() == {"test-a": 1}
    assert fresh(waiting).escalation_reason == EscalationReason.NOBODY_ON_DUTY


def test_an_inactive_volunteer_is_not_on_duty(limits):
    volunteer = UserFactory(role=Role.VOLUNTEER, requester_kind="", is_active=False)
    with time_machine.travel(MONDAY_NINE, tick=False):
        services.duty_start(actor=volunteer, until=MONDAY_NINE + timedelta(hours=4))
        ticket = ticket_make()
    assert fresh(ticket).escalation_reason == EscalationReason.NOBODY_ON_DUTY


def test_duty_planning_refuses_periods_that_make_no_sense(in_org):
    volunteer = UserFactory(role=Role.VOLUNTEER, requester_kind="")
    with time_machine.travel(MONDAY_NINE, tick=False):
        with pytest.raises(services.TicketError):
            services.duty_start(actor=volunteer, until=MONDAY_NINE - timedelta(minutes=1))
        with pytest.raises(services.TicketError):
            services.duty_plan(
                actor=volunteer, starts_at=MONDAY_NINE + timedelta(hours=2), ends_at=MONDAY_NINE + timedelta(hours=1)
            )
        planned = services.duty_plan(
            actor=volunteer, starts_at=MONDAY_NINE + timedelta(days=1), ends_at=MONDAY_NINE + timedelta(days=1, hours=3)
        )
        other = UserFactory(role=Role.VOLUNTEER, requester_kind="")
        with pytest.raises(services.TicketError):
            services.duty_remove(actor=other, period=planned)
        services.duty_remove(actor=volunteer, period=planned)
        services.duty_start(actor=volunteer, until=MONDAY_NINE + timedelta(hours=2))
        assert services.duty_stop(actor=volunteer) == 1
        assert services.duty_stop(actor=volunteer) == 0
