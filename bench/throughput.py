"""Requests per second through gunicorn on loopback: a small closed-loop load in Python.

gunicorn runs `WORKERS` sync workers with DEBUG off (as in production, without TLS) on the
benchmark's database. `CONCURRENCY` threads, each with one keep-alive connection and the
signed-in volunteer's session cookie, ask for one page again and again, without pauses, for a
number of seconds after a short warm-up. Throughput is the answers of 200 per second; any other
answer is an error. The load runs in the benchmark's own process, on the same machine: it takes
a share of the CPU, as a real client on the same host would.
"""

from __future__ import annotations

import os
import secrets
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


@dataclass(frozen=True)
class Page:
    label: str
    host: str
    path: str
    cookie: str  # the session cookie's value


@dataclass
class Throughput:
    label: str
    seconds: float
    answered: int
    errors: int
    latency: Figures

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


def run(pages: list[Page], *, seconds: float) -> list[Throughput]:
    """Each page in turn, `seconds` each, through one gunicorn."""
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
            try:
                return [_measure(port, page, seconds) for page in pages]
            except RuntimeError as error:
                raise RuntimeError(f"{error}\n{log.read_text(errors='replace')[-3000:]}") from error
