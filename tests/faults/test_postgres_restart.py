"""PostgreSQL restarts under a running web server and worker; both go on without a restart of
their own. They keep their connections (DB_CONN_MAX_AGE), so the first request and the first
task after the restart meet a connection the server has closed: the health check
(CONN_HEALTH_CHECKS) replaces it instead of answering with an error."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from pgserver._commands import pg_ctl

from helpdesk.tasks import current_schema
from tenants.models import CareOrganisation
from tests.workers import ROOT, WAIT, sending_for_real, start_worker, stop_worker, worker_environment

pytestmark = pytest.mark.worker

KEEP_CONNECTIONS = {"DB_CONN_MAX_AGE": "600"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, host: str, path: str = "/health/") -> tuple[int, bytes]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    try:
        client.request("GET", path, headers={"Host": host})
        response = client.getresponse()
        return response.status, response.read()
    finally:
        client.close()


def restart_postgres() -> None:
    """A fast restart (`pg_ctl restart -m fast`): every connection is closed by the server."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        pgdata = Path(cursor.fetchone()[0])
    connection.close()
    user = "pgserver" if pgdata.owner() == "pgserver" else None
    pg_ctl(["-w", "-m", "fast", "-l", str(pgdata / "log"), "restart"], pgdata=pgdata, user=user, timeout=60)


@pytest.fixture
def web(committed, tmp_path, mail_dir):
    port = free_port()
    env = worker_environment(mail_dir, **KEEP_CONNECTIONS, PORT=str(port), WEB_CONCURRENCY="1")
    log = (tmp_path / "web.log").open("w")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "helpdesk.wsgi",
        "-c",
        "gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + WAIT
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"gunicorn did not start:\n{(tmp_path / 'web.log').read_text()}")
            time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(timeout=WAIT)
    log.close()


def test_web_and_worker_survive_a_postgres_restart(web, committed, mail_dir, tmp_path):
    organisation = CareOrganisation.objects.get(slug="test-a")
    worker = start_worker(worker_environment(mail_dir, **KEEP_CONNECTIONS), tmp_path / "worker.log")
    try:
        with sending_for_real():
            assert get(web, organisation.host) == (200, b'{"status": "ok", "schema": "org_test_a"}')
            with schema_context(organisation.schema_name):
                assert current_schema.delay().get(timeout=WAIT) == "org_test_a"

            restart_postgres()

            assert get(web, organisation.host)[0] == 200  # the very first request after the restart
            assert get(web, organisation.host, "/questions/ask/product/")[0] == 200
            with schema_context(organisation.schema_name):
                assert current_schema.delay().get(timeout=WAIT) == "org_test_a"
    finally:
        stop_worker(worker)
        log = (tmp_path / "worker.log").read_text()
    assert "OperationalError" not in log, log
