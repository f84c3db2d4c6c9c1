"""Requests per second through gunicorn on loopback.

gunicorn runs `WORKERS` sync workers with DEBUG off (as in production, without TLS) on the
benchmark's database. The load is `wrk -t2 -c4` (Debian's package `wrk`), as the comparison with
django-helpdesk was measured: `CONCURRENCY` connections with the signed-in volunteer's session
cookie ask for one page again and again, without pauses (`bench/wrk_report.lua` counts every
answer other than 200 as an error). Without wrk the load comes from threads in this process,
each with one keep-alive connection, which take a larger share of the CPU. Each page runs
`ROUNDS` times, the pages taking turns, after a short warm-up; a page's figure is its median
round, so one busy moment of a shared machine does not decide it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.load import ROOT, Browser, LoadResults, servers
from bench.provisioning import Figures

WORKERS = 2
CONCURRENCY = 4
WARMUP_REQUESTS = 5  # per thread, before the clock starts
ROUNDS = 3
WRK = shutil.which("wrk")
LOAD_TOOL = "wrk -t2 -c4" if WRK else f"{CONCURRENCY} Python threads"


@dataclass(frozen=True)
class Page:
    label: str
    host: str
    path: str
    cookie: str  # the session cookie's value
    # Another server's page (the peer's, bench/peer.py): its port and session cookie's name.
    port: int | None = None
    cookie_name: str = ""


@dataclass
class Latency:
    """wrk's percentiles, in seconds, shaped like `Figures` for the tables."""

    median: float
    p95: float


@dataclass
class Throughput:
    label: str
    seconds: float
    answered: int
    errors: int
    latency: Figures | Latency
    rounds: tuple[float, ...] = ()  # requests per second of every round

    @property
    def per_second(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0


class _Run:
    """One page under load: the threads' shared deadline and what they counted."""

    def __init__(self, page: Page, seconds: float) -> None:
        self.page, self.seconds = page, seconds
        self.lock = threading.Lock()
        self.results = LoadResults(seconds=seconds, users=CONCURRENCY)
        self.failed = 0
        self.started = self.until = 0.0
        # Every thread warms up first; the last to arrive starts the clock for all.
        self.ready = threading.Barrier(CONCURRENCY, action=self._start_clock)

    def _start_clock(self) -> None:
        self.started = time.monotonic()
        self.until = self.started + self.seconds

    def user(self, port: int) -> None:
        from django.conf import settings

        browser = Browser(port, self.page.host, self.results, self.lock)
        browser.cookies[settings.SESSION_COOKIE_NAME] = self.page.cookie
        for _ in range(WARMUP_REQUESTS):
            browser.request("warm-up", "GET", self.page.path)
        self.ready.wait()
        while time.monotonic() < self.until:
            status, _ = browser.request(self.page.label, "GET", self.page.path)
            if status != 200:
                with self.lock:
                    self.failed += 1


def _measure(port: int, page: Page, seconds: float) -> Throughput:
    run = _Run(page, seconds)
    threads = [threading.Thread(target=run.user, args=(port,)) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - run.started
    samples = tuple(run.results.timings[page.label])
    if len(samples) <= run.failed:
        raise RuntimeError(f"{page.label}: no answer of 200 under load; see the gunicorn log")
    return Throughput(page.label, elapsed, len(samples) - run.failed, run.failed, Figures(samples))


def _measure_wrk(port: int, page: Page, seconds: float) -> Throughput:
    from django.conf import settings

    # A slow page (the peer's ticket list data takes seconds) must not count as a timeout.
    command = [
        WRK,
        "-t2",
        f"-c{CONCURRENCY}",
        "--timeout",
        "60s",
        "-s",
        str(Path(__file__).with_name("wrk_report.lua")),
    ]
    cookie_name = page.cookie_name or settings.SESSION_COOKIE_NAME
    command += ["-H", f"Host: {page.host}", "-H", f"Cookie: {cookie_name}={page.cookie}"]
    url = f"http://127.0.0.1:{page.port or port}{page.path}"
    subprocess.run([*command, "-d2s", url], capture_output=True, check=True)  # warm-up
    output = subprocess.run([*command, f"-d{seconds:g}s", url], capture_output=True, text=True, check=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    errors = figures["other"] + figures["socket_errors"]
    if figures["requests"] <= errors:
        raise RuntimeError(f"{page.label}: no answer of 200 under load; see the gunicorn log")
    latency = Latency(figures["p50_ms"] / 1000, figures["p95_ms"] / 1000)
    return Throughput(page.label, figures["seconds"], figures["requests"] - errors, errors, latency)


def _median_round(rounds: list[Throughput]) -> Throughput:
    chosen = sorted(rounds, key=lambda load: load.per_second)[len(rounds) // 2]
    chosen.rounds = tuple(load.per_second for load in rounds)
    return chosen


def run(pages: list[Page], *, seconds: float) -> list[Throughput]:
    """Every page `ROUNDS` times, taking turns, `seconds` each, through one gunicorn (ours;
    a page with a port of its own is another server's, measured in the same turns)."""
    from django.conf import settings

    production_like = {
        "DEBUG": "false",
        # The sessions were signed by this process; gunicorn must read them.
        "SECRET_KEY": settings.SECRET_KEY or secrets.token_urlsafe(32),
        "SECURE_SSL_REDIRECT": "false",
        "SITE_SCHEME": "http",
    }
    # With DEBUG off the pages name their static files by the manifest collectstatic writes.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=os.environ | production_like,
        check=True,
    )
    with tempfile.TemporaryDirectory() as folder:
        mail_dir = Path(folder) / "mail"
        mail_dir.mkdir()
        log = Path(folder) / "web.log"
        with servers(mail_dir, Path(folder), workers=WORKERS, celery=False, extra_env=production_like) as port:
            measure = _measure_wrk if WRK else _measure
            if not WRK and any(page.port for page in pages):
                raise RuntimeError("another server's pages are measured with wrk only")
            try:
                rounds: dict[str, list[Throughput]] = {page.label: [] for page in pages}
                for _ in range(ROUNDS):
                    for page in pages:
                        rounds[page.label].append(measure(port, page, seconds))
                return [_median_round(rounds[page.label]) for page in pages]
            except RuntimeError as error:
                raise RuntimeError(f"{error}\n{log.read_text(errors='replace')[-3000:]}") from error
