"""Real servers for the tests that need them: a Celery worker process, and the embedded Redis
stopped and started again.

A worker runs against the test database and the embedded Redis and writes its e-mail to a
folder, one file per message (Django's file backend). Tests that use it commit what they
write, because the worker is another process with its own connection.
"""

from __future__ import annotations

import contextlib
import email
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import redis
from django.conf import settings
from django.db import connection

from helpdesk.celery import app as celery_app
from helpdesk.embedded import redis_command

ROOT = Path(__file__).resolve().parent.parent
WAIT = 30  # seconds; a task normally takes well under one


def test_database_url() -> str:
    """The URL of the test database (not the development one), with a socket folder percent-encoded."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


test_database_url.__test__ = False  # a helper, not a test


def worker_environment(mail_dir: Path, **extra: str) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": test_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        # Files a task stores go beside its mail, never into the checkout's var/media.
        "MEDIA_ROOT": str(mail_dir.parent / f"{mail_dir.name}-media"),
        **extra,
    }


def start_worker(
    env: dict[str, str], log: Path, *, purge: bool = True, pool: tuple[str, ...] | list[str] = ("--pool", "solo")
) -> subprocess.Popen:
    """Starts `celery worker` (by default one process, the solo pool) and waits until it is ready."""
    command = [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", *pool, "-l", "INFO"]
    # --purge: the embedded Redis keeps its data between runs; a stale message must not run here.
    command += ["--purge"] * purge + ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log.open("a") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + WAIT
    while "ready." not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the Celery worker did not start:\n{log.read_text()}")
        time.sleep(0.1)
    return process


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def sending_for_real() -> Iterator[None]:
    """This process's Celery app sends tasks to the broker instead of running them itself."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = eager


def mails(folder: Path) -> list[email.message.Message]:
    """Every e-mail the worker wrote to `folder` (the file backend writes one per file here)."""
    return [email.message_from_bytes(path.read_bytes()) for path in sorted(folder.glob("*.log"))]


def mails_to(folder: Path, to: str) -> list[email.message.Message]:
    return [message for message in mails(folder) if message["To"] == to]


def body(message: email.message.Message) -> str:
    part = next(message.walk()) if not message.is_multipart() else message.get_payload(0)
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def wait_for_mail(folder: Path, to: str, count: int = 1) -> str:
    """The body of the e-mail to `to` that the worker wrote, once `count` of them are there."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = mails_to(folder, to)
        if len(found) >= count:
            return body(found[0])
        time.sleep(0.1)
    pytest.fail(f"no e-mail to {to} within {WAIT} s")


class EmbeddedRedis:
    """Stops the Redis of the test run and starts it again on the same port.

    The Redis the test command started is shut down without saving (what it held is lost, as in
    a crash); the one started again belongs to this object, which stops it at the end of the run.
    """

    def __init__(self, folder: Path) -> None:
        url = urlsplit(settings.REDIS_URL)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 6379
        self.folder = folder
        self.process: subprocess.Popen | None = None

    def stop(self) -> None:
        with contextlib.suppress(redis.exceptions.ConnectionError):
            redis.Redis(host=self.host, port=self.port).shutdown(nosave=True)
        self._wait(up=False)
        if self.process is not None:
            self.process.wait(timeout=10)

    def start(self) -> None:
        self.process = subprocess.Popen(redis_command(self.port, self.folder), stdout=subprocess.DEVNULL)
        self._wait(up=True)

    def _wait(self, *, up: bool) -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    answering = True
            except OSError:
                answering = False
            if answering == up:
                return
            time.sleep(0.05)
        pytest.fail(f"Redis did not {'start' if up else 'stop'} within {WAIT} s")

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
