"""The embedded services: a fresh machine with only Python gets a real Redis (and PostgreSQL).

The PostgreSQL half is not started here: this very test run already runs on it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from helpdesk import embedded


@pytest.fixture
def no_configured_redis(monkeypatch, tmp_path):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("HELPDESK_DATA_DIR", str(tmp_path))
    if embedded._configured("REDIS_URL"):
        pytest.skip("REDIS_URL is configured in .env, so nothing is embedded")
    return tmp_path


def port_open(url: str) -> bool:
    host, port = url.removeprefix("redis://").split("/")[0].split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except OSError:
        return False


def test_services_start_an_embedded_redis_that_answers_ping(no_configured_redis):
    with embedded.services("test") as env:
        url = env["REDIS_URL"]
        assert url.startswith("redis://127.0.0.1:")
        connection = redis.Redis.from_url(url)
        assert connection.ping() is True
        connection.set("embedded-test", "yes")
        assert connection.get("embedded-test") == b"yes"
        connection.close()
        assert (no_configured_redis / "redis").is_dir()
        assert env["DATABASE_URL"]  # configured by this run, so reused, not embedded again

    assert not port_open(url)  # stopped when the services end


def test_configured_redis_is_used_as_it_is(monkeypatch, tmp_path):
    monkeypatch.setenv("HELPDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REDIS_URL", "redis://redis.example:6379/3")

    with embedded.services("test") as env:
        assert env["REDIS_URL"] == "redis://redis.example:6379/3"

    assert not (tmp_path / "redis").exists()


def test_embedded_runs_are_debug_runs_unless_configured(no_configured_redis, monkeypatch):
    monkeypatch.delenv("DEBUG", raising=False)
    with embedded.services("test") as env:
        assert env["DEBUG"] == "true"

    monkeypatch.setenv("DEBUG", "false")
    with embedded.services("test") as env:
        assert env["DEBUG"] == "false"


def _group_members(groups: set[int]) -> set[int]:
    """Live processes (not zombies) whose process group is one of `groups`, read from /proc."""
    members = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) in groups and fields[0] != "Z":
                members.add(int(entry.name))
    return members


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


SUPERVISOR = """
import os, sys, time
from helpdesk import embedded

env = dict(os.environ)
web = embedded.start_guarded([sys.executable, "manage.py", "runserver", "--skip-checks", "127.0.0.1:{port}"], env)
tree = embedded.start_guarded([sys.executable, "-c", {tree!r}], env)
print(web.pid, tree.pid, flush=True)
time.sleep(600)
"""
# A program that starts a program of its own, like runserver's reloader and Celery's pool.
TREE = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']); time.sleep(600)"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_children_end_with_make_run_even_when_it_is_killed():
    port = embedded._free_port()
    supervisor = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR.format(port=port, tree=TREE)],
        cwd=embedded.ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    groups = {int(pid) for pid in supervisor.stdout.readline().split()}
    try:
        deadline = time.monotonic() + 60
        while not (_port_answers(port) and len(_group_members(groups)) >= 6) and time.monotonic() < deadline:
            time.sleep(0.2)
        # Each group: the guard, its program, and the program's own child (runserver's server).
        assert len(_group_members(groups)) >= 6
        assert _port_answers(port)

        supervisor.kill()  # SIGKILL: no handler runs, nothing is stopped in order
        supervisor.wait()

        deadline = time.monotonic() + 20
        while _group_members(groups) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _group_members(groups) == set()
        assert not _port_answers(port)
        with socket.socket() as probe:  # and the next `make run` can have the port
            probe.bind(("127.0.0.1", port))
    finally:
        supervisor.kill()
        for group in groups:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
