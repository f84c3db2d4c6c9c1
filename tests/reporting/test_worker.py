"""A real Celery worker builds a report; a worker process killed half-way leaves, after the retry,
exactly one ready report. Everything here is committed, as the worker has its own connection."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from helpdesk.celery import app as celery_app
from reporting.models import Report, ReportBuild
from reporting.tasks import build_report
from tests.conftest import media_root_set
from tests.workers import test_database_url

pytestmark = pytest.mark.worker

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60
SCHEMA = "org_test_a"
MONTH = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def prefork_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A worker with one child process: killing the child loses the task it runs, as a crash would."""
    with django_db_blocker.unblock():
        url = test_database_url()
    log = tmp_path_factory.mktemp("report-worker") / "worker.log"
    media = tmp_path_factory.mktemp("report-media")
    env = os.environ | {"DATABASE_URL": url, "CELERY_TASK_ALWAYS_EAGER": "false", "MEDIA_ROOT": str(media)}
    command = [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "--pool", "prefork", "--concurrency", "1"]
    command += ["-l", "INFO", "--purge", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + WAIT
    while "ready." not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the Celery worker did not start:\n{log.read_text()}")
        time.sleep(0.1)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield process, log, media
    finally:
        celery_app.conf.task_always_eager = eager
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _wait_for(predicate, what: str, log: Path):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"{what} did not happen within {WAIT} s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def queued_report(prefork_worker, django_db_blocker, settings):
    media_root_set(settings, prefork_worker[2])  # the test reads what the worker stored
    with django_db_blocker.unblock(), schema_context(SCHEMA):
        Report.objects.filter(month=MONTH).delete()
        report = Report.objects.create(month=MONTH)
        try:
            yield report
        finally:
            for stored in Report.objects.get(pk=report.pk).files.all():
                stored.file.delete(save=False)
            Report.objects.filter(pk=report.pk).delete()
    connection.set_schema_to_public()


def test_a_worker_killed_mid_build_ends_with_exactly_one_ready_report(prefork_worker, queued_report, django_db_blocker):
    process, log, _media = prefork_worker
    with django_db_blocker.unblock(), schema_context(SCHEMA):
        report = Report.objects.get(pk=queued_report.pk)
        with transaction.atomic():
            # Hold the questions table: the build marks itself building, then waits here for its figures.
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE tickets_ticket IN ACCESS EXCLUSIVE MODE")
            build_report.apply_async(
                kwargs={"report_id": report.pk, "reason": "requested"}, headers={"_schema_name": SCHEMA}
            )
            _wait_for(
                lambda: Report.objects.filter(pk=report.pk, status=Report.Status.BUILDING).exists(), "building", log
            )
            children = _children(process.pid)
            assert len(children) == 1
            os.kill(children[0], signal.SIGKILL)
            _wait_for(lambda: set(_children(process.pid)) - set(children), "a new worker process", log)
        # The lock is gone: the redelivered task builds the report from the start.
        _wait_for(lambda: Report.objects.filter(pk=report.pk, status=Report.Status.READY).exists(), "ready", log)
        report.refresh_from_db()

        assert Report.objects.filter(month=MONTH).count() == 1
        assert report.attempts == 2
        assert report.progress == 100
        assert ReportBuild.objects.filter(report=report).count() == 1
        assert report.files.filter(product__isnull=True).count() == 1
        assert report.main_file().file.storage.exists(report.main_file().file.name)
    assert "WorkerLostError" in log.read_text() or "signal 9" in log.read_text()
