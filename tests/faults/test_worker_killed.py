"""A worker killed in the middle of a task leaves the work done exactly once after the redelivery.

Two ways to die: the pool's child process is killed (an out-of-memory kill); the parent sees it
lost and puts the message back (`CELERY_TASK_REJECT_ON_WORKER_LOST`). Or the whole worker is
killed: its message was never acknowledged (`CELERY_TASK_ACKS_LATE`) and Redis hands it to the
next worker after the visibility timeout (short here). The task is an e-mail sent from the
outbox; the kill comes while it is being sent.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django_tenants.utils import schema_context

from helpdesk.outbox.models import OutboxMessage
from helpdesk.outbox.services import outbox_relay
from helpdesk.tasks import delay_on_commit
from tenants.models import CareOrganisation
from tests.factories import ticket_make
from tests.workers import WAIT, mails_to, sending_for_real, start_worker, stop_worker, worker_environment
from tickets.models import Ticket
from tickets.tasks import send_question_confirmation

pytestmark = pytest.mark.worker

ASKER = "killed-worker@example.org"
VISIBILITY = 3  # seconds before Redis hands an unacknowledged message out again


def wait_for(path: Path) -> str:
    deadline = time.monotonic() + WAIT
    while not path.exists() or not path.read_text():
        if time.monotonic() > deadline:
            pytest.fail(f"{path.name} did not appear within {WAIT} s")
        time.sleep(0.05)
    return path.read_text()


def wait_for_done(organisation, message_id: int, log: Path) -> None:
    # A busy machine needs a while to start the second worker; the log says what it did.
    deadline = time.monotonic() + WAIT * 4
    while True:
        with schema_context(organisation.schema_name):
            if OutboxMessage.objects.filter(pk=message_id, done_at__isnull=False).exists():
                return
        if time.monotonic() > deadline:
            tail = "\n".join(log.read_text().splitlines()[-30:]) if log.is_file() else "(no log)"
            pytest.fail(f"the task was not done again within {WAIT * 4} s; the worker's log ends:\n{tail}")
        time.sleep(0.2)


@pytest.mark.parametrize("kill", ["child", "worker"])
def test_a_task_killed_halfway_is_done_once_after_redelivery(kill, committed, mail_dir, tmp_path):
    control = tmp_path / "control"
    control.mkdir()
    env = worker_environment(
        mail_dir,
        EMAIL_BACKEND="tests.faults.slow_mail.EmailBackend",
        FAULT_CONTROL_DIR=str(control),
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY),
    )
    pool = ["--pool", "prefork", "--concurrency", "1"] if kill == "child" else ["--pool", "solo"]
    organisation = CareOrganisation.objects.get(slug="test-a")
    first = second = None
    ticket = None
    try:
        first = start_worker(env, tmp_path / "first.log", pool=pool)
        with schema_context(organisation.schema_name):
            ticket = ticket_make(contact_method="email", contact_email=ASKER)  # its own tasks run here
            (control / "hang-once").touch()
            with sending_for_real():
                delay_on_commit(send_question_confirmation, ticket_id=ticket.pk)
            message = OutboxMessage.objects.filter(task=send_question_confirmation.name).latest("pk")
        hanging = int(wait_for(control / "hanging"))
        assert mails_to(mail_dir, ASKER) == []
        if kill == "child":
            assert hanging != first.pid
            os.kill(hanging, signal.SIGKILL)  # the parent lives on and puts the message back
        else:
            assert hanging == first.pid
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=WAIT)
            second = start_worker(env, tmp_path / "second.log", purge=False)

        wait_for_done(organisation, message.pk, tmp_path / ("first.log" if kill == "child" else "second.log"))
        with sending_for_real():
            assert outbox_relay(older_than=timedelta(0)) == 0
        time.sleep(VISIBILITY + 1)  # a second delivery would have come by now
        assert len(mails_to(mail_dir, ASKER)) == 1
    finally:
        for process in (first, second):
            if process is not None:
                stop_worker(process)
        with schema_context(organisation.schema_name):
            if ticket is not None:
                Ticket.objects.filter(pk=ticket.pk).delete()
                OutboxMessage.objects.filter(kwargs__ticket_id=ticket.pk).delete()
