"""Fault tests: real servers stopped and started under a running system. Everything is
committed (the worker and the servers are other processes); each test removes what it made."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from tests.workers import EmbeddedRedis, sending_for_real, start_worker, stop_worker, worker_environment


@pytest.fixture(scope="session")
def embedded_redis(tmp_path_factory):
    """The test run's Redis, to stop and start; one started again runs until the end of the run."""
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis-data"))
    yield server
    server.close()


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


@pytest.fixture
def worker(django_db_setup, django_db_blocker, mail_dir, tmp_path):
    """A `celery worker` for one test; the app here sends to the broker instead of running tasks."""
    with django_db_blocker.unblock():
        env = worker_environment(mail_dir)
    process = start_worker(env, tmp_path / "worker.log")
    try:
        with sending_for_real():
            yield process
    finally:
        stop_worker(process)
