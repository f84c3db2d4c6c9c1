"""Races with real parallel database connections: two helpers claim at once, many people ask at once.

These tests need committed data, because each thread has its own connection that cannot see the
test transaction of another. They write inside `django_db_blocker.unblock()` and remove what they
made afterwards, including the reference counter's position.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import AuditEvent, Role, User
from tenants.models import CareOrganisation
from tests import factories
from tests.factories import UserFactory, ticket_make
from tickets import services
from tickets.models import ReferenceCounter, Ticket, TicketEvent

# How long a winner keeps its transaction open, so the other really waits on it.
HOLD_SECONDS = 0.3


@pytest.fixture
def committed(django_db_setup, django_db_blocker) -> Iterator[CareOrganisation]:
    """Organisation A with committed data; everything made during the test is removed after it."""
    with django_db_blocker.unblock():
        organisation = CareOrganisation.objects.get(slug="test-a")
        with tenant_context(organisation):
            counter = ReferenceCounter.objects.filter(pk=1).values_list("last_number", flat=True).first()
            tickets_before = set(Ticket.objects.values_list("pk", flat=True))
            users_before = set(User.objects.values_list("pk", flat=True))
            audit_before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        try:
            yield organisation
        finally:
            with tenant_context(organisation):
                Ticket.objects.exclude(pk__in=tickets_before).delete()
                factories.audit_rows_remove(AuditEvent.objects.filter(pk__gt=audit_before))
                User.objects.exclude(pk__in=users_before).delete()
                if counter is None:
                    ReferenceCounter.objects.filter(pk=1).delete()
                else:
                    ReferenceCounter.objects.filter(pk=1).update(last_number=counter)
            connection.set_schema_to_public()


def run_at_once(organisation: CareOrganisation, jobs: list[Callable[[], Any]]) -> list[Any]:
    """Runs each job in its own thread and database connection, all released at the same moment.

    Each job runs inside a transaction held open a little after its work, so a job that did not
    have to wait would still overlap with the others. Results are values or raised exceptions.
    """
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def work(index: int, job: Callable[[], Any]) -> None:
        try:
            connection.set_tenant(organisation)
            barrier.wait(timeout=10)
            with transaction.atomic():
                results[index] = job()
                time.sleep(HOLD_SECONDS)
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_volunteers_claim_at_once_and_exactly_one_wins(committed, django_db_blocker, attempt):
    with django_db_blocker.unblock(), tenant_context(committed):
        anna = UserFactory(role=Role.VOLUNTEER, requester_kind="", full_name="Anna")
        bert = UserFactory(role=Role.VOLUNTEER, requester_kind="", full_name="Bert")
        ticket = ticket_make()
    connection.set_schema_to_public()

    results = run_at_once(
        committed,
        [
            lambda: services.ticket_claim(ticket=ticket, actor=anna),
            lambda: services.ticket_claim(ticket=ticket, actor=bert),
        ],
    )

    winners = [r for r in results if isinstance(r, Ticket)]
    losers = [r for r in results if isinstance(r, services.TicketAlreadyClaimed)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    winner = winners[0].assignee
    assert losers[0].assignee == winner
    with django_db_blocker.unblock(), tenant_context(committed):
        ticket.refresh_from_db()
        assert ticket.assignee == winner
        assert TicketEvent.objects.filter(ticket=ticket, kind="claimed").count() == 1
        assert AuditEvent.objects.filter(action="ticket_claimed", target_id=str(ticket.pk)).count() == 1


def test_questions_asked_at_once_get_distinct_increasing_numbers(committed, django_db_blocker):
    with django_db_blocker.unblock(), tenant_context(committed):
        ticket_make()  # the counter row exists from here on; the race is on updating it
    connection.set_schema_to_public()

    results = run_at_once(committed, [lambda: ticket_make().number for _ in range(4)])

    assert all(isinstance(r, int) for r in results), results
    assert sorted(results) == list(range(min(results), min(results) + 4))


def test_the_very_first_question_races_safely_on_an_empty_counter(committed, django_db_blocker):
    with django_db_blocker.unblock(), tenant_context(committed):
        ReferenceCounter.objects.all().delete()
        taken = set(Ticket.objects.values_list("number", flat=True))
    connection.set_schema_to_public()
    if taken:
        pytest.skip("organisation A holds committed questions; an empty counter would clash with them")

    results = run_at_once(committed, [lambda: ticket_make().number for _ in range(3)])

    assert all(isinstance(r, int) for r in results), results
    assert sorted(results) == [1001, 1002, 1003]
