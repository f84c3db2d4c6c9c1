"""The outbox relay: every minute from beat, and once when a worker starts."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_ready

from helpdesk.outbox.services import outbox_relay


@shared_task(acks_late=True)
def relay_outbox() -> int:
    """Sends the tasks that could not be sent after their transaction committed; returns how many."""
    return outbox_relay()


@worker_ready.connect
def _relay_at_worker_start(**_: object) -> None:
    relay_outbox.delay()
