"""Background work that belongs to no single app: dispatching after commit, and a health probe."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from django.db import connection, transaction

from helpdesk.outbox.services import outbox_message_send, outbox_message_write


def delay_on_commit(task: Task, /, **kwargs: Any) -> None:
    """Sends `task` with `kwargs` once the current transaction commits, in the current schema.

    The task is written to the outbox first, in this transaction: if the broker cannot take it
    after commit, the relay sends it later, so a change that was saved never loses its e-mail.

    The schema is read now and travels with the message. An on-commit callback can run after
    the connection has moved on (an outer transaction that commits in the public schema), and
    a task sent then would otherwise run against the wrong organisation's tables.
    """
    schema = connection.schema_name
    message = outbox_message_write(task=task.name, kwargs=kwargs)
    transaction.on_commit(lambda: outbox_message_send(message=message, schema=schema, task=task))


@shared_task(acks_late=True)
def current_schema() -> str:
    """The schema the database connection of the worker uses while running this task."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]
