from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.test import override_settings

from demo import load as demo
from helpdesk.celery import app as celery_app
from tenants.models import CareOrganisation


@contextlib.contextmanager
def mail_not_sent() -> Iterator[None]:
    """Background work runs here and now, and the e-mail it writes goes nowhere.

    The demo's people are made up: their sign-in links, confirmations and notifications would
    only be thousands of lines in the `make run` window, or a queue the worker sends later.
    """
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    task_log = logging.getLogger("celery.app.trace")  # a line for each task run here: hundreds
    previous_level = task_log.level
    task_log.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            yield
    finally:
        celery_app.conf.task_always_eager = previous
        task_log.setLevel(previous_level)


class Command(BaseCommand):
    help = "Load the demo organisations, products and people (safe to run again); sends no e-mail."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="only when there is no organisation yet")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and CareOrganisation.objects.exists():
            self.stdout.write("Demo data: already there.")
            return
        with mail_not_sent():
            organisations = demo.load()
        self.stdout.write(f"Demo data loaded: {', '.join(o.name for o in organisations)} (its e-mail not sent).")
