"""The Celery app. Tasks carry the schema they were sent from (tenant-schemas-celery), and a task
sent from the outbox runs once (helpdesk.outbox.once)."""

import os
from pathlib import Path

from celery.signals import beat_init, worker_ready
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

app = CeleryApp("helpdesk", task_cls="helpdesk.outbox.once:OnceTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()  # every installed app's tasks.py


@worker_ready.connect
@beat_init.connect
def _say_ready(**_: object) -> None:
    """`make run` waits for this file before it prints the addresses (see helpdesk/embedded.py)."""
    path = os.environ.get("HELPDESK_READY_FILE")
    if path:
        Path(path).touch()
