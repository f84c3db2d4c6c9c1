"""The transactional outbox: a task to send, written in the same transaction as the change that
asks for it, so a broker that is down loses nothing (decision 16 in docs/decisions.md).

The table sits in public and in every organisation's schema: a row lives in the schema whose
change asked for the task, and the task runs in that schema too.
"""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

# After this many sends that never finished, a message is given up (and logged as an error).
MAX_ATTEMPTS = 5


class OutboxMessage(models.Model):
    """One Celery task to send: written with the change, sent after commit or by the relay.

    `sent_at` is when the broker last took it, `done_at` when a worker finished it. A message
    that was sent but never finished is sent again after `OUTBOX_RESEND_AFTER`; the worker
    runs it at most once (`helpdesk.outbox.once.OnceTask`).
    """

    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # The relay reads only what is not done; done rows are purged after a week.
            models.Index(fields=["created_at"], condition=Q(done_at__isnull=True), name="outbox_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"
