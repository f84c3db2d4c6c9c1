"""A mixed load on loopback for ten minutes: does anything fail or get lost?

Three care organisations on a database of their own (`helpdesk_bench_load`), served by gunicorn
with a real Celery worker and beat's outbox relay run by hand at the end. Over plain HTTP with
sessions, cookies and CSRF tokens like a browser's, at once:

- askers: strangers who ask a question through the four pages and the check page, each with an
  address of their own, and want the answer by e-mail;
- followers: signed-in requesters who look at their questions and open one;
- volunteers: the queue, a question, take it, answer and solve it;
- professionals: the operator portal's escalation queue.

Each user waits 0.2 to 1 s between pages. Afterwards the worker is given time to finish, and the
benchmark checks that every question asked exists exactly once, that every task it caused is
done once (the outbox) and that an e-mail went to every asker (the worker's mail is written to
files and counted). An error is an answer of 500 or more, or no answer; a 4xx answer is counted
apart (two volunteers taking the same question is allowed to fail for one of them).

    python -m helpdesk.embedded exec --profile bench -- python -m bench.run --only load [--seconds 600]
"""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from bench.provisioning import Figures

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "helpdesk_bench_load"
ORGANISATIONS = 3
USERS = {"asker": 3, "follower": 2, "volunteer": 2}  # per organisation
PROFESSIONALS = 2
GUNICORN_WORKERS = 4
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
QUESTION_LINK = re.compile(r'href="/questions/(\d+)/"')


@dataclass
class LoadResults:
    seconds: float
    users: int
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    refused: int = 0
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    asked: int = 0
    questions_found_once: int = 0
    tasks_not_done: int = 0
    askers_without_mail: int = 0
    mails: int = 0
    drain_seconds: float = 0.0

    @property
    def lost(self) -> int:
        return self.asked - self.questions_found_once


class Browser:
    """One person's browser: a keep-alive connection, cookies, the CSRF token of the last page."""

    def __init__(self, port: int, host: str, results: LoadResults, lock: threading.Lock) -> None:
        self.port, self.host, self.results, self.lock = port, host, results, lock
        self.cookies: dict[str, str] = {}
        self.token = ""
        self.connection: http.client.HTTPConnection | None = None

    def request(self, label: str, method: str, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Host": self.host, "Accept-Language": "nl"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode({**data, "csrfmiddlewaretoken": self.token})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}{path}"
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self.connection = None
            self._note(label, time.perf_counter() - started, f"{label} {path}: {error!r}")
            return 0, ""
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        found = TOKEN.search(text)
        if found:
            self.token = found.group(1)
        problem = f"{label} {path}: {response.status}" if response.status >= 500 else None
        self._note(label, time.perf_counter() - started, problem, refused=400 <= response.status < 500)
        return response.status, text

    def _note(self, label: str, seconds: float, problem: str | None, refused: bool = False) -> None:
        with self.lock:
            self.results.requests += 1
            self.results.timings[label].append(seconds)
            if problem:
                self.results.errors.append(problem)
            if refused:
                self.results.refused += 1


def _ask(browser: Browser, product: int, asker: str, subject: str) -> bool:
    browser.request("ask: product page", "GET", "/questions/ask/product/")
    steps = [
        ("/questions/ask/product/", {"product": str(product)}),
        ("/questions/ask/question/", {"subject": subject, "body": "Het scherm blijft zwart.", "website": ""}),
        ("/questions/ask/for_whom/", {"for_whom": "me"}),
        ("/questions/ask/contact/", {"contact_method": "email", "contact_name": "Belasting", "contact_email": asker}),
    ]
    for path, data in steps:
        if browser.request("ask: answer a page", "POST", path, data)[0] != 302:
            return False
    browser.request("ask: check page", "GET", "/questions/ask/check/")
    if browser.request("ask: send", "POST", "/questions/ask/check/", {})[0] != 302:
        return False
    browser.request("ask: sent page", "GET", "/questions/ask/sent/")
    return True


def _volunteer_turn(browser: Browser) -> None:
    status, page = browser.request("volunteer: queue", "GET", "/questions/")
    numbers = QUESTION_LINK.findall(page)
    if status != 200 or not numbers:
        return
    number = random.choice(numbers)
    browser.request("volunteer: question", "GET", f"/questions/{number}/")
    browser.request("volunteer: take", "POST", f"/questions/{number}/claim/", {})
    browser.request("volunteer: answer", "POST", f"/questions/{number}/reply/", {"body": "Zet hem uit en aan."})
    browser.request("volunteer: solve", "POST", f"/questions/{number}/resolve/", {"resolve-cause": "explanation"})


def _user(kind: str, browser: Browser, until: float, state: dict, lock: threading.Lock) -> None:
    rng = random.Random()
    while time.monotonic() < until:
        if kind == "asker":
            with lock:
                state["n"] += 1
                n = state["n"]
            asker, subject = f"asker-{n}@load.example", f"Belasting {n}"
            if _ask(browser, state["products"][browser.host], asker, subject):
                with lock:
                    state["asked"].append((browser.host, subject, asker))
            browser.cookies.pop("sessionid", None)  # the next asker is someone else
        elif kind == "follower":
            _, page = browser.request("requester: my questions", "GET", "/questions/mine/")
            numbers = re.findall(r'href="/questions/(\d+)/follow/"', page)
            if numbers:
                browser.request("requester: follow a question", "GET", f"/questions/{rng.choice(numbers)}/follow/")
        elif kind == "volunteer":
            _volunteer_turn(browser)
        else:
            browser.request("professional: escalation queue", "GET", "/escalations/")
        time.sleep(rng.uniform(0.2, 1.0))


def _seed() -> tuple[list, dict[str, int], dict[str, list[str]], list[str]]:
    """Organisations, people and their sessions; returns (organisations, products, sessions by host, pros)."""
    # Imported here: Django is set up by bench.run after it read its arguments.
    from django.core.management import call_command
    from django.test import Client
    from django_tenants.utils import schema_context

    from demo.load import products_ensure
    from helpdesk.accounts.models import Role, User
    from helpdesk.outbox.models import OutboxMessage
    from tenants.models import Product
    from tests.factories import organisation_ready, ticket_make
    from tests.signing_in import session_key, sign_in, sign_in_operator

    call_command("migrate_all", verbosity=0)
    products_ensure()
    organisations, products, sessions = [], {}, defaultdict(list)
    for index in range(ORGANISATIONS):
        organisation = organisation_ready(name=f"Belasting {index}", slug=f"load{index}", prefix=f"LD{chr(65 + index)}")
        organisations.append(organisation)
        products[organisation.host] = Product.objects.get(slug="beeldbel-tablet").pk
        with schema_context(organisation.schema_name):
            for person in range(USERS["follower"]):
                requester = User.objects.create_user(
                    email=f"follower{person}@load{index}.example", full_name=f"Volger {person}", role=Role.REQUESTER
                )
                for _ in range(3):
                    ticket_make(requester=requester)
                key = session_key(sign_in(Client(), organisation, requester))
                sessions[f"follower:{organisation.host}"].append(key)
            for person in range(USERS["volunteer"] + 2):
                volunteer = User.objects.create_user(
                    email=f"volunteer{person}@load{index}.example", full_name=f"Helper {person}", role=Role.VOLUNTEER
                )
                if person < USERS["volunteer"]:
                    sessions[f"volunteer:{organisation.host}"].append(
                        session_key(sign_in(Client(), organisation, volunteer))
                    )
    for organisation in organisations:
        with schema_context(organisation.schema_name):
            # The seeded questions' tasks went to this process's in-memory broker, which nobody reads.
            OutboxMessage.objects.all().delete()
    professionals = []
    for person in range(PROFESSIONALS):
        with schema_context("public"):
            pro = User.objects.create_user(
                email=f"pro{person}@load.example", full_name=f"Professional {person}", role=Role.PROFESSIONAL
            )
        professionals.append(session_key(sign_in_operator(Client(), pro)))
    return organisations, products, sessions, professionals


def free_port() -> int:
    """A port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port: int, process: subprocess.Popen, what: str, *, seconds: float = 60) -> None:
    """Returns once `port` accepts a connection; raises when `process` ends or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(f"{what} did not start; see its log")
        time.sleep(0.2)


def stop_all(processes: list[subprocess.Popen]) -> None:
    """SIGTERM to each, then up to 30 s for each to end before it is killed."""
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def servers(
    mail_dir: Path,
    log_dir: Path,
    *,
    workers: int = GUNICORN_WORKERS,
    celery: bool = True,
    extra_env: dict[str, str] | None = None,
) -> Iterator[int]:
    """gunicorn with `workers` sync workers (and, with `celery`, a Celery worker) on the
    benchmark's database; yields the web port. `extra_env` overrides their environment."""
    from django.db import connection

    db = connection.settings_dict
    url = f"postgres://{quote(db['USER'] or '', safe='')}@{quote(db['HOST'] or '', safe='')}"
    url += f"{':' + str(db['PORT']) if db['PORT'] else ''}/{db['NAME']}"
    port = free_port()
    env = (
        os.environ
        | {
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": os.environ.get("REDIS_URL", ""),
            "CELERY_RESULT_BACKEND": os.environ.get("REDIS_URL", ""),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "WEB_CONCURRENCY": str(workers),
            "DB_CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
            "GUNICORN_LOG_LEVEL": "warning",
        }
        | (extra_env or {})
    )
    web_cmd = [sys.executable, "-m", "gunicorn", "helpdesk.wsgi", "-c", "gunicorn.conf.py"]
    web_cmd += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"]
    worker_cmd = [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "-l", "WARNING", "--concurrency", "2"]
    with (log_dir / "web.log").open("w") as web_log, (log_dir / "worker.log").open("w") as worker_log:
        web = subprocess.Popen(web_cmd, cwd=ROOT, env=env, stdout=web_log, stderr=subprocess.STDOUT)
        started = [web]
        if celery:
            started.append(subprocess.Popen(worker_cmd, cwd=ROOT, env=env, stdout=worker_log, stderr=subprocess.STDOUT))
    try:
        wait_until_listening(port, web, "gunicorn")
        yield port
    finally:
        stop_all(started)


def _check(results: LoadResults, organisations: list, asked: list[tuple[str, str, str]], mail_dir: Path) -> None:
    from django_tenants.utils import schema_context

    from helpdesk.outbox.models import OutboxMessage
    from tickets.models import Ticket

    by_host = {organisation.host: organisation for organisation in organisations}
    started = time.monotonic()
    while time.monotonic() - started < 120:  # let the worker finish what the last minute asked
        pending = 0
        for organisation in organisations:
            with schema_context(organisation.schema_name):
                pending += OutboxMessage.objects.filter(done_at__isnull=True).count()
        if not pending:
            break
        time.sleep(1)
    results.drain_seconds = time.monotonic() - started
    results.tasks_not_done = pending
    text = "\n".join(path.read_text(errors="replace") for path in mail_dir.glob("*.log"))
    results.mails = len(re.findall(r"^Message-ID: ", text, flags=re.MULTILINE))
    addressed = set(re.findall(r"^To: (asker-\d+@load\.example)$", text, flags=re.MULTILINE))
    results.asked = len(asked)
    for host, subject, asker in asked:
        with schema_context(by_host[host].schema_name):
            results.questions_found_once += Ticket.objects.filter(subject=subject, contact_email=asker).count() == 1
        results.askers_without_mail += asker not in addressed


def _warm_up(port: int, hosts: list[str]) -> None:
    """Every gunicorn worker loads its templates and translations before the clock starts."""
    ignored = LoadResults(seconds=0, users=0)
    for host in hosts:
        browser = Browser(port, host, ignored, threading.Lock())
        for _ in range(GUNICORN_WORKERS * 2):
            browser.connection = None  # a new connection may reach another worker
            browser.request("warm-up", "GET", "/questions/ask/product/")


def run(*, seconds: int) -> LoadResults:
    organisations, products, sessions, professionals = _seed()
    with tempfile.TemporaryDirectory() as folder:
        mail_dir, log_dir = Path(folder) / "mail", Path(folder)
        mail_dir.mkdir()
        with servers(mail_dir, log_dir) as port:
            lock = threading.Lock()
            results = LoadResults(seconds=seconds, users=0)
            state = {"n": 0, "asked": [], "products": {f"{o.host}:{port}": products[o.host] for o in organisations}}
            threads = []
            until = time.monotonic() + seconds

            def start(kind: str, host: str, session: str | None = None) -> None:
                browser = Browser(port, host, results, lock)
                if session:
                    browser.cookies["sessionid"] = session
                threads.append(threading.Thread(target=_user, args=(kind, browser, until, state, lock), daemon=True))

            for organisation in organisations:
                host = f"{organisation.host}:{port}"
                for _ in range(USERS["asker"]):
                    start("asker", host)
                for key in sessions[f"follower:{organisation.host}"]:
                    start("follower", host, key)
                for key in sessions[f"volunteer:{organisation.host}"]:
                    start("volunteer", host, key)
            for key in professionals:
                start("professional", f"localhost:{port}", key)
            results.users = len(threads)
            _warm_up(port, [f"{organisation.host}:{port}" for organisation in organisations])
            print(f"[bench] load: {results.users} users for {seconds} s on 127.0.0.1:{port}")
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            asked = [(host.rsplit(":", 1)[0], subject, asker) for host, subject, asker in state["asked"]]
            _check(results, organisations, asked, mail_dir)
            for name in ("web.log", "worker.log"):
                errors = [line for line in (log_dir / name).read_text().splitlines() if "Traceback" in line]
                if errors:
                    results.errors.append(f"{len(errors)} tracebacks in the {name.split('.')[0]} log")
    return results


def figures(results: LoadResults) -> dict[str, Figures]:
    return {label: Figures(tuple(samples)) for label, samples in sorted(results.timings.items())}


def passes(results: LoadResults) -> bool:
    return not results.errors and not results.lost and not results.tasks_not_done and not results.askers_without_mail


def section(results: LoadResults, today: str, where: str, load: float) -> str:
    rows = "\n".join(
        f"| {label} | {len(f.samples)} | {len(f.samples) / results.seconds:.2f} | {f.median * 1000:.0f} "
        f"| {f.p95 * 1000:.0f} | {f.max * 1000:.0f} |"
        for label, f in figures(results).items()
    )
    errors = "; ".join(results.errors[:5]) or "none"
    return f"""## A mixed load for ten minutes

`bench/load.py` (`make bench` does not run it: it takes {results.seconds // 60} minutes and more;
run it with `python -m helpdesk.embedded exec --profile bench -- python -m bench.run --only load`).
{ORGANISATIONS} organisations on a database of their own, gunicorn with {GUNICORN_WORKERS} sync
workers and a Celery worker (2 processes) on loopback, and {results.users} users over plain HTTP with
cookies and CSRF tokens: per organisation {USERS["asker"]} strangers asking a question (and wanting
the answer by e-mail), {USERS["follower"]} signed-in requesters following theirs, {USERS["volunteer"]}
volunteers taking, answering and solving questions from the queue; and {PROFESSIONALS} professionals
on the portal's escalation queue. Everybody waits 0.2 to 1 s between pages. Afterwards the
benchmark waits for the worker, then checks every question and the worker's e-mail (written to
files and counted). The web runs with `DEBUG` on, as `make run` does, and the machine is shared,
so the figures are a floor for what it can do, not a ceiling.

**{today}**, {where}, load average {load:.2f} at the start (other work ran on the machine at
the same time).

- {results.requests} requests in {results.seconds} s: {results.requests / results.seconds:.1f} per second.
- Errors (5xx or no answer): **{len(results.errors)}** ({errors}). Refused (4xx, such as a question
  another volunteer took first): {results.refused}.
- Questions asked: {results.asked}; found exactly once: {results.questions_found_once}; lost: **{results.lost}**.
- Tasks not done when the load stopped plus {results.drain_seconds:.0f} s: **{results.tasks_not_done}**;
  askers who got no e-mail: **{results.askers_without_mail}**; e-mails written: {results.mails}.

| Page | Requests | Per second | Median ms | p95 ms | Max ms |
| --- | ---: | ---: | ---: | ---: | ---: |
{rows}
"""
