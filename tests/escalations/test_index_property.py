"""Property: whatever people do to questions, the escalation index matches them after every step.

Hypothesis draws random sequences of claims, escalations, take-overs, hand-backs, replies,
resolutions and reopenings on a few questions. After each step, refused or not, a question has an
index row exactly when it is escalated and open, and that row has its status and priority.
"""

from __future__ import annotations

import contextlib

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalations.models import PRIORITY_RANK, EscalationEntry
from tests.factories import UserFactory, ticket_make, ticket_solve
from tickets import services
from tickets.models import OPEN_STATUSES, BottleneckCause, Ticket, Tier

pytestmark = pytest.mark.django_db

QUESTIONS = 3


def _claim(ticket, people):
    services.ticket_claim(ticket=ticket, actor=people["volunteer"])


def _release(ticket, people):
    services.ticket_release(ticket=ticket, actor=people["volunteer"])


def _escalate(ticket, people):
    services.ticket_escalate(ticket=ticket, actor=people["volunteer"], reason="too_difficult", note="Lastig")


def _worry(ticket, people):
    services.ticket_mark_worry(ticket=ticket, actor=people["volunteer"])


def _take_over(ticket, people):
    services.ticket_take_over(ticket=ticket, actor=people["professional"])


def _hand_back(ticket, people):
    services.ticket_hand_back(ticket=ticket, actor=people["professional"], note="Terug naar de vrijwilligers")


def _reply_helper(ticket, people):
    services.reply_post(ticket=ticket, actor=people["professional"], body="Probeer dit eens")


def _reply_requester(ticket, people):
    services.reply_post(ticket=ticket, actor=None, body="Het lukt nog niet")


def _waiting(ticket, people):
    services.ticket_set_waiting(ticket=ticket, actor=people["volunteer"])


def _resolve(ticket, people):
    ticket_solve(ticket=ticket, actor=people["professional"], cause=BottleneckCause.PRODUCT_FAULT)


def _needs_help(ticket, people):
    services.ticket_requester_needs_help(ticket=ticket, actor=None)


def _close(ticket, people):
    services.ticket_close(ticket=ticket, actor=people["volunteer"], reason="other")


def _reopen(ticket, people):
    services.ticket_reopen(ticket=ticket, actor=people["volunteer"])


def _escalate_waiting(ticket, people):
    services.tickets_escalate_waiting()


ACTIONS = [
    _claim,
    _release,
    _escalate,
    _worry,
    _take_over,
    _hand_back,
    _reply_helper,
    _reply_requester,
    _waiting,
    _resolve,
    _needs_help,
    _close,
    _reopen,
    _escalate_waiting,
]

EXPECTED_REFUSALS = (services.TicketError, services.InvalidTransition)


def check_index(organisation) -> None:
    rows = {row.ticket_id: row for row in EscalationEntry.objects.filter(organisation=organisation)}
    tickets = {ticket.pk: ticket for ticket in Ticket.objects.all()}
    assert set(rows) <= set(tickets), "a row for a question that does not exist"
    for pk, ticket in tickets.items():
        escalated_and_open = ticket.tier == Tier.PROFESSIONAL and ticket.status in OPEN_STATUSES
        row = rows.get(pk)
        assert (row is not None) == escalated_and_open, (ticket.reference, ticket.tier, ticket.status)
        if row is not None:
            assert (row.status, row.priority, row.priority_rank) == (
                ticket.status,
                ticket.priority,
                PRIORITY_RANK[ticket.priority],
            )
            assert row.is_worry == ticket.is_worry


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, QUESTIONS - 1)), max_size=25))
def test_the_index_row_exists_exactly_while_a_question_is_escalated_and_open(in_org, steps):
    with transaction.atomic():
        people = {
            "volunteer": UserFactory(role="volunteer", requester_kind=""),
            "professional": UserFactory(role="professional", requester_kind="", public_user_id=5),
        }
        in_org.max_open_per_volunteer = QUESTIONS
        in_org.save()
        tickets = [ticket_make(subject=f"Vraag {n}") for n in range(QUESTIONS)]
        check_index(in_org)
        for action, index in steps:
            with contextlib.suppress(*EXPECTED_REFUSALS):
                action(tickets[index], people)
            check_index(in_org)
        transaction.set_rollback(True)
