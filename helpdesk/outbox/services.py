"""Writing tasks to the outbox, sending them after commit, and relaying what was left behind.

A message is written in the schema of the change that asks for it, in that change's
transaction. After commit it is sent at once; when the broker is down it stays, and the relay
(a beat task every minute, and once at each worker start) sends it later. A message the broker
took but no worker finished (Redis lost it, a worker died for good) is sent again after
`OUTBOX_RESEND_AFTER` seconds; `helpdesk.outbox.once.OnceTask` makes the worker run it once.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import Task
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context

from helpdesk.celery import app as celery_app
from helpdesk.outbox.models import MAX_ATTEMPTS, OutboxMessage
from helpdesk.outbox.once import OUTBOX_HEADER

logger = logging.getLogger(__name__)

# The message header that tenant-schemas-celery switches the schema on.
SCHEMA_HEADER = "_schema_name"
# The web process tries the broker briefly: the relay sends what it could not.
QUICK_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
DONE_KEPT = timedelta(days=7)


def outbox_message_write(*, task: str, kwargs: dict[str, Any]) -> OutboxMessage:
    """Writes a message to send, in the current schema and the current transaction."""
    return OutboxMessage.objects.create(task=task, kwargs=kwargs)


def outbox_message_send(*, message: OutboxMessage, schema: str, task: Task | None = None) -> bool:
    """Hands `message` to the broker and notes that it did; False (and the row kept) when it could not.

    Runs after the writing transaction committed, so the row is there for the relay whatever
    happens here.
    """
    task = task or celery_app.tasks[message.task]
    headers = {SCHEMA_HEADER: schema, OUTBOX_HEADER: message.pk}
    try:
        task.apply_async(kwargs=message.kwargs, headers=headers, retry=True, retry_policy=QUICK_RETRY)
    except Exception:  # any failure to publish: the message waits in the outbox for the relay
        logger.warning("could not send %s in %s; it stays in the outbox", message, schema, exc_info=True)
        return False
    with schema_context(schema):
        OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), attempts=F("attempts") + 1)
    return True


def outbox_relay(*, older_than: timedelta | None = None, limit: int = 500) -> int:
    """Sends, in every schema, the messages that are due; returns how many went out.

    Due: never sent and older than `older_than` (by default `OUTBOX_RELAY_GRACE` seconds, so
    the sending right after commit goes first), or sent longer than `OUTBOX_RESEND_AFTER`
    seconds ago and still not done. Rows are locked with SKIP LOCKED, so relays running at
    the same time each send different rows. Stops at the first failure to publish.
    """
    if older_than is None:
        older_than = timedelta(seconds=settings.OUTBOX_RELAY_GRACE)
    sent = 0
    for schema in _schemas_with_outbox():
        with schema_context(schema):
            count, broker_down = _relay_here(older_than=older_than, limit=limit)
            sent += count
            OutboxMessage.objects.filter(done_at__lt=timezone.now() - DONE_KEPT).delete()
        if broker_down:
            break
    return sent


def _relay_here(*, older_than: timedelta, limit: int) -> tuple[int, bool]:
    now = timezone.now()
    due = Q(sent_at__isnull=True, created_at__lte=now - older_than) | Q(
        sent_at__lte=now - timedelta(seconds=settings.OUTBOX_RESEND_AFTER)
    )
    schema = connection.schema_name
    sent = 0
    with transaction.atomic():
        rows = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(due, done_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
            .order_by("created_at", "pk")[:limit]
        )
        for message in rows:
            if message.task not in celery_app.tasks:
                logger.error("outbox message %s in %s names an unknown task; left alone", message, schema)
                continue
            if not outbox_message_send(message=message, schema=schema):
                return sent, True
            sent += 1
            if message.attempts + 1 >= MAX_ATTEMPTS:
                logger.error(
                    "outbox message %s in %s was sent %d times and is not sent again", message, schema, MAX_ATTEMPTS
                )
    return sent, False


def _schemas_with_outbox() -> list[str]:
    """public, then every organisation whose schema exists (also one still being set up)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = %s",
            [OutboxMessage._meta.db_table],
        )
        existing = {row[0] for row in cursor.fetchall()}
    organisations = get_tenant_model().objects.order_by("pk").values_list("schema_name", flat=True)
    public = get_public_schema_name()
    return [public] * (public in existing) + [schema for schema in organisations if schema in existing]
