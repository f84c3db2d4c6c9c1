"""The embedded services: a fresh machine with only Python gets a real Redis (and PostgreSQL).

The PostgreSQL half is not started here: this very test run already runs on it.
"""

from __future__ import annotations

import socket

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
