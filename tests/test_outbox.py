"""The outbox in one process: a task is written with its change, sent after commit, relayed when
it was not, and run once however often it is delivered. Redis outages and real workers are in
tests/faults/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from helpdesk.outbox.models import MAX_ATTEMPTS, OutboxMessage
from helpdesk.outbox.once import OUTBOX_HEADER
from helpdesk.outbox.services import outbox_message_write, outbox_relay
from helpdesk.tasks import delay_on_commit
from tests.factories import ticket_make
from tickets.tasks import send_question_confirmation

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(org_a):
    with schema_context(org_a.schema_name):
        ticket = ticket_make(contact_method="email", contact_email="outbox@example.org")
        OutboxMessage.objects.all().delete()  # what asking wrote: these tests write their own
        return ticket


def test_a_task_is_written_with_its_change_and_marked_sent_and_done(
    org_a, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    with schema_context(org_a.schema_name):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            delay_on_commit(send_question_confirmation, ticket_id=ticket.pk)
        message = OutboxMessage.objects.get(task=send_question_confirmation.name)
        assert message.kwargs == {"ticket_id": ticket.pk} and message.sent_at is None
        assert mailoutbox == []  # nothing goes out before commit
        for callback in callbacks:
            callback()
        message.refresh_from_db()
    assert message.sent_at is not None and message.done_at is not None and message.attempts == 1
    assert [mail.to for mail in mailoutbox] == [["outbox@example.org"]]


def test_the_relay_sends_what_was_left_once_and_only_in_its_schema(org_a, org_b, ticket, mailoutbox):
    with schema_context(org_a.schema_name):
        left = outbox_message_write(task=send_question_confirmation.name, kwargs={"ticket_id": ticket.pk})
    assert outbox_relay() == 0  # younger than the grace period: the send after commit goes first
    assert outbox_relay(older_than=timedelta(0)) == 1
    assert outbox_relay(older_than=timedelta(0)) == 0
    with schema_context(org_a.schema_name):
        left.refresh_from_db()
        assert left.done_at is not None
    with schema_context(org_b.schema_name):
        assert not OutboxMessage.objects.exists()
    assert len(mailoutbox) == 1


def test_a_message_delivered_twice_runs_once(org_a, ticket, mailoutbox):
    with schema_context(org_a.schema_name):
        message = outbox_message_write(task=send_question_confirmation.name, kwargs={"ticket_id": ticket.pk})
        headers = {"_schema_name": connection.schema_name, OUTBOX_HEADER: message.pk}
        first = send_question_confirmation.apply(kwargs=message.kwargs, headers=headers)
        second = send_question_confirmation.apply(kwargs=message.kwargs, headers=headers)
    assert (first.get(), second.get()) == (True, None)
    assert len(mailoutbox) == 1


def test_a_message_that_never_finishes_is_given_up_after_some_attempts(org_a, ticket):
    with schema_context(org_a.schema_name):
        message = outbox_message_write(task=send_question_confirmation.name, kwargs={"ticket_id": ticket.pk})
        OutboxMessage.objects.filter(pk=message.pk).update(attempts=MAX_ATTEMPTS)
    assert outbox_relay(older_than=timedelta(0)) == 0


def test_a_message_for_a_task_nobody_knows_is_left_alone(org_a):
    with schema_context(org_a.schema_name):
        outbox_message_write(task="tickets.tasks.no_such_task", kwargs={})
    assert outbox_relay(older_than=timedelta(0)) == 0
