"""The task class of the Celery app: a task sent from the outbox runs at most once to the end.

A message can reach a worker twice: the relay sends again what the broker took but no worker
finished, and a worker that dies before acknowledging (acks_late) has its message delivered
again. The worker takes a PostgreSQL advisory lock on the message (so a second copy waits for
the first), skips it when the row says it is done, and marks the row done when the task returns.
A worker that dies mid-task holds no lock any more (its connection is gone) and marked nothing,
so the next delivery does the work.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from django.apps import apps
from django.db import connection
from django.utils import timezone
from tenant_schemas_celery.task import TenantTask

logger = logging.getLogger(__name__)

OUTBOX_HEADER = "_outbox_id"  # helpdesk.outbox.services sets it


def _header(request: Any, name: str) -> Any:
    # With the Redis transport custom headers are merged into the request itself.
    if request.headers and name in request.headers:
        return request.headers[name]
    return request.get(name)


class OnceTask(TenantTask):
    abstract = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        message_id = _header(self.request, OUTBOX_HEADER)
        if message_id is None:
            return super().__call__(*args, **kwargs)
        # Looked up here: Celery imports this class before Django's apps are ready.
        outbox = apps.get_model("outbox", "OutboxMessage")
        key = f"outbox:{connection.schema_name}:{message_id}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [key])
        try:
            message = outbox.objects.filter(pk=message_id).only("done_at").first()
            if message is None or message.done_at is not None:
                logger.info("%s: outbox message %s is done already; skipped", self.name, message_id)
                return None
            result = super().__call__(*args, **kwargs)
            outbox.objects.filter(pk=message_id).update(done_at=timezone.now())
            return result
        finally:
            # A dropped connection has released the lock already.
            with contextlib.suppress(Exception), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [key])
