"""django-helpdesk 2.6.1 side by side: the peer product on the same machine, with the same load tool.

`peer_server()` builds the peer in a virtualenv of its own (once; later runs reuse it), writes a
minimal Django project for it, migrates it into a fresh database `helpdesk_peer` on the server
DATABASE_URL points at, seeds tickets with follow-ups by COPY, signs one staff user in, and
serves it with gunicorn (2 sync workers, preloaded and recycled as ours, DEBUG off, no access
log) on loopback. At the end it stops gunicorn and drops the database, also after an error.

    python -m helpdesk.embedded exec --profile bench -- python -m bench.peer --tickets 100000

measures the peer's ticket list (the page and its datatables JSON, which carries the rows) and
one ticket's page with `wrk -t2 -c4` (a 60 s request timeout), after a 2 s warm-up, as
`bench/throughput.py` measures ours.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

from bench.load import free_port, stop_all, wait_until_listening

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".data" / "peer" / "venv"
DATABASE = "helpdesk_peer"
HOST = "peer.localhost"
WRK = "/usr/bin/wrk"
WORKERS = 2
# Everything the peer's virtualenv holds, installed with --no-deps so that nothing else slips in;
# gunicorn is the version our own benchmark serves with.
PINNED = """
django-helpdesk==2.6.1 Django==5.2.19 asgiref==3.13.0 sqlparse==0.6.1 beautifulsoup4==4.15.0
soupsieve==4.1.3 typing_extensions==4.16.0 django-cleanup==9.0.0 django-model-utils==5.0.0
djangorestframework==3.18.3 email-reply-parser==0.5.12 Markdown==3.11.3 nh3==0.3.8 oauthlib==4.0.1
requests-oauthlib==2.0.0 requests==2.34.2 certifi==2026.10.19.post1 charset-normalizer==3.5.3
idna==3.20 urllib3==2.8.0 gunicorn==27.0.1 psycopg[binary]==3.3.9 psycopg-binary==3.3.9
"""
REQUIREMENTS = tuple(PINNED.split())
OPEN, REOPENED, RESOLVED, CLOSED = 1, 2, 3, 4  # the peer's ticket statuses
QUEUES = ("Support", "Billing", "Hardware")
YEARS = 3  # tickets are spread over this many years
DESCRIPTION = "The printer shows an error and the queue is stuck since this morning."
RESOLUTION = "Replaced the toner and restarted the spooler."
FOLLOWUP_TEXT = "Thanks, we are looking into it. Could you send a photo of the display?"

SETTINGS = """\
SECRET_KEY = {secret!r}
DEBUG = False
ALLOWED_HOSTS = [{host!r}]
# The apps the peer's installation guide lists, without pinax-teams: its guide allows leaving
# teams out with HELPDESK_TEAMS_MODE_ENABLED = False.
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "django.contrib.staticfiles", "django.contrib.sites", "django.contrib.humanize",
    "rest_framework", "django_cleanup.apps.CleanupConfig", "helpdesk",
]
HELPDESK_TEAMS_MODE_ENABLED = False
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware", "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "peer_urls"
TEMPLATES = [{{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {{"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]}},
}}]
# Database sessions (Django's default), as ours; connections kept for 60 s, as our gunicorn does.
DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 60, **{database!r}}}}}
SITE_ID = 1
LOGIN_URL = "helpdesk:login"
LOGIN_REDIRECT_URL = "helpdesk:home"
STATIC_URL = "/static/"
MEDIA_ROOT = {media!r}
USE_TZ = True
TIME_ZONE = "UTC"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
"""
URLS = """\
from django.contrib import admin
from django.urls import include, path

urlpatterns = [path("admin/", admin.site.urls), path("", include("helpdesk.urls", namespace="helpdesk"))]
"""
WSGI = """\
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
"""
# Run by the peer's own Python: the queues, the staff user and a signed-in session for it.
SETUP = """\
import json, sys
import django

django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from helpdesk.models import Queue

titles = json.loads(sys.argv[1])
queues = [Queue.objects.create(title=t, slug=t.lower(), email_address=t.lower() + "@peer.example") for t in titles]
user = get_user_model().objects.create_user("agent", "agent@peer.example", sys.argv[2], is_staff=True)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(json.dumps({"user": user.pk, "queues": [q.pk for q in queues], "cookie_name": settings.SESSION_COOKIE_NAME,
                  "cookie": session.session_key}))
"""


@dataclass(frozen=True)
class PeerSite:
    """The running peer: where it listens, the staff user's session, the pages to measure."""

    port: int
    host: str
    cookie_name: str
    cookie: str
    list_path: str  # the ticket list's datatables JSON (first page), which carries the rows
    ticket_path: str
    seeded: dict


def peer_venv(say: Callable[[str], None] = print) -> Path:
    """The peer's virtualenv with exactly `REQUIREMENTS`, built when missing or different."""
    stamp = VENV / "requirements.txt"
    wanted = "\n".join(REQUIREMENTS) + "\n"
    if (VENV / "bin" / "python").exists() and stamp.is_file() and stamp.read_text() == wanted:
        return VENV / "bin" / "python"
    say(f"building the peer's virtualenv ({REQUIREMENTS[0]}) ...")
    shutil.rmtree(VENV, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    python = VENV / "bin" / "python"
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--no-deps", *REQUIREMENTS], check=True)
    subprocess.run([*pip, "check"], check=True)
    stamp.write_text(wanted)
    return python


def _database_params() -> dict[str, str]:
    """USER, PASSWORD, HOST and PORT of the server in DATABASE_URL (HOST may be a socket folder)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server; run under helpdesk.embedded exec")
    userinfo, _, location = urlsplit(url).netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    location = unquote(location)
    host, port = (location, "") if location.startswith("/") else location.partition(":")[::2]
    params = {"USER": unquote(user), "PASSWORD": unquote(password), "HOST": host, "PORT": port}
    return {key: value for key, value in params.items() if value}


def _connect(params: dict[str, str], dbname: str) -> Any:
    import psycopg

    keys = {"USER": "user", "PASSWORD": "password", "HOST": "host", "PORT": "port"}
    return psycopg.connect(dbname=dbname, autocommit=True, **{keys[k]: v for k, v in params.items()})


def _drop_database(params: dict[str, str]) -> None:
    with _connect(params, "postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def _seed_tickets(params: dict[str, str], setup: dict, tickets: int, open_share: float, followups: int) -> dict:
    """Tickets over `YEARS` years, `open_share` of them open whatever their age, each with
    `followups` follow-ups, written by COPY; then ANALYZE. Returns what was seeded."""
    rng = random.Random(2026)
    now = dt.datetime.now(dt.UTC)
    span = YEARS * 365 * 86400
    ages = sorted((rng.uniform(0, span) for _ in range(tickets)), reverse=True)  # oldest first
    user, queues = setup["user"], setup["queues"]
    opened, shown = 0, 0
    with _connect(params, DATABASE) as db, db.cursor() as cursor:
        ticket_columns = (
            "id, title, queue_id, created, modified, submitter_email, assigned_to_id, status, on_hold, "
            "description, resolution, priority, secret_key"
        )
        followup_columns = "ticket_id, date, title, comment, public, user_id, new_status"
        later: list[tuple] = []
        with cursor.copy(f"COPY helpdesk_ticket ({ticket_columns}) FROM STDIN") as copy:
            for number, age in enumerate(ages, start=1):
                created = now - dt.timedelta(seconds=age)
                is_open = rng.random() < open_share
                opened += is_open
                shown = shown or (number if is_open and number >= tickets // 2 else 0)  # an open one, mid-way
                status = (REOPENED if rng.random() < 0.1 else OPEN) if is_open else rng.choice((RESOLVED, CLOSED))
                dates = sorted(
                    created + dt.timedelta(seconds=rng.uniform(0, min(age, 30 * 86400))) for _ in range(followups)
                )
                assignee = user if rng.random() < 0.5 else None
                secret = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                head = (number, f"Printer on floor {number % 40} does not print ({number})", rng.choice(queues))
                tail = (created, dates[-1] if dates else created, f"customer{number % 5000}@peer.example", assignee)
                resolution = None if is_open else RESOLUTION
                copy.write_row((*head, *tail, status, False, DESCRIPTION, resolution, rng.randint(1, 5), secret))
                for index, date in enumerate(dates):
                    closing = index == len(dates) - 1 and not is_open
                    title, new_status = ("Resolved", status) if closing else ("Comment", None)
                    later.append((number, date, title, FOLLOWUP_TEXT, index % 2 == 0, user, new_status))
        with cursor.copy(f"COPY helpdesk_followup ({followup_columns}) FROM STDIN") as copy:
            for row in later:
                copy.write_row(row)
        for table in ("helpdesk_ticket", "helpdesk_followup"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 1)) FROM {table}")
        cursor.execute("ANALYZE")
    return {"tickets": tickets, "open": opened, "followups": len(later), "queues": len(queues), "ticket": shown or 1}


def _get(port: int, path: str, cookie: str = "") -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers={"Host": HOST, "Cookie": cookie})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def datatables_query(page: str) -> str:
    """The path and query the ticket list page's DataTables sends for its first page: every
    column of the table, no ordering of its own (the view's default then applies), the page
    length of the staff user's settings, no search, and the cache-busting `_`."""
    url = re.search(r'"url": "(/[^"]*datatables_ticket_list/[^"]*)"', page)
    length = re.search(r"data-page-length='(\d+)'", page)
    block = re.search(r"columns: \[(.*?)\n\s*order: \[\]", page, flags=re.DOTALL)
    if not (url and length and block):
        raise RuntimeError("the ticket list page has no datatables table as expected")
    params: list[tuple[str, str]] = [("draw", "1")]
    for index, chunk in enumerate(re.split(r'(?=\bdata: ")', block.group(1))[1:]):
        name = re.match(r'data: "(\w+)"', chunk)
        orderable = "false" if re.search(r"orderable: false", chunk) else "true"
        column = f"columns[{index}]"
        params += [(f"{column}[data]", name.group(1) if name else ""), (f"{column}[name]", "")]
        params += [(f"{column}[searchable]", "true"), (f"{column}[orderable]", orderable)]
        params += [(f"{column}[search][value]", ""), (f"{column}[search][regex]", "false")]
    params += [("start", "0"), ("length", length.group(1)), ("search[value]", ""), ("search[regex]", "false")]
    params.append(("_", str(int(time.time() * 1000))))
    return f"{url.group(1)}?{urlencode(params)}"


@contextlib.contextmanager
def peer_server(
    *, tickets: int = 100_000, open_share: float = 0.30, followups: int = 3, say: Callable[[str], None] = print
) -> Iterator[PeerSite]:
    """django-helpdesk seeded and served by gunicorn on loopback, for the length of the block."""
    python = peer_venv(say)
    params = _database_params()
    _drop_database(params)
    with tempfile.TemporaryDirectory(prefix="peer-") as folder, contextlib.ExitStack() as cleanup:
        cleanup.callback(_drop_database, params)
        with _connect(params, "postgres") as admin:
            admin.execute(f'CREATE DATABASE "{DATABASE}"')
        project = Path(folder)
        database = {"NAME": DATABASE, **params}
        settings = SETTINGS.format(secret=secrets.token_urlsafe(40), host=HOST, database=database, media=folder)
        (project / "peer_settings.py").write_text(settings)
        (project / "peer_urls.py").write_text(URLS)
        (project / "peer_wsgi.py").write_text(WSGI)
        (project / "peer_setup.py").write_text(SETUP)
        env = {"PATH": os.environ.get("PATH", ""), "HOME": folder, "PYTHONPATH": folder}
        env |= {"DJANGO_SETTINGS_MODULE": "peer_settings", "PYTHONDONTWRITEBYTECODE": "1"}
        started = time.perf_counter()
        subprocess.run([str(python), "-m", "django", "migrate", "--noinput", "-v0"], cwd=folder, env=env, check=True)
        migrated = time.perf_counter()
        say(f"migrated the peer's database in {migrated - started:.1f} s")
        password = secrets.token_urlsafe(16)
        output = subprocess.run(
            [str(python), "peer_setup.py", json.dumps(QUEUES), password],
            cwd=folder,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        setup = json.loads(output.strip().splitlines()[-1])
        seeded = _seed_tickets(params, setup, tickets, open_share, followups)
        seeded["seconds"] = round(time.perf_counter() - migrated, 1)
        say(
            f"seeded {seeded['tickets']:,} tickets ({seeded['open']:,} open), {seeded['followups']:,} follow-ups "
            f"in {seeded['seconds']} s"
        )

        port = free_port()
        log = project / "gunicorn.log"
        command = [str(python), "-m", "gunicorn", "peer_wsgi:application", "--workers", str(WORKERS)]
        command += ["--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
        # As ours runs by gunicorn.conf.py's defaults: loaded once and forked, each worker replaced
        # after about a thousand requests.
        command += ["--preload", "--max-requests", "1000", "--max-requests-jitter", "100"]
        with log.open("w") as output_file:
            gunicorn = subprocess.Popen(command, cwd=folder, env=env, stdout=output_file, stderr=subprocess.STDOUT)

        cleanup.callback(stop_all, [gunicorn])
        try:
            cookie = f"{setup['cookie_name']}={setup['cookie']}"
            wait_until_listening(port, gunicorn, "the peer's gunicorn")
            status, page = _get(port, "/tickets/", cookie)
            if status != 200:
                raise RuntimeError(f"the peer's ticket list answered {status}, not 200")
            # The list page is only the table's frame: DataTables fetches its rows from this JSON
            # endpoint, so the endpoint is `list_path` (the page is measured as well).
            list_path = datatables_query(page)
            status, body = _get(port, list_path, cookie)
            if status != 200 or "recordsTotal" not in body:
                raise RuntimeError(f"the peer's ticket list data answered {status}: {body[:200]}")
            ticket_path = f"/tickets/{seeded['ticket']}/"
            status, body = _get(port, ticket_path, cookie)
            if status != 200 or FOLLOWUP_TEXT not in body:
                raise RuntimeError(f"the peer's ticket page answered {status}, not 200 with its follow-ups")
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n{log.read_text(errors='replace')[-3000:]}") from error
        yield PeerSite(port, HOST, setup["cookie_name"], setup["cookie"], list_path, ticket_path, seeded)


def wrk(site: PeerSite, path: str, *, seconds: float = 10) -> dict[str, float]:
    """`wrk -t2 -c4` on one path with the staff user's cookie, after a 2 s warm-up: answers of 200
    per second, the median in milliseconds and the answers other than 200 (with socket errors).
    wrk gives up on a request after 2 s by default; the peer's list data can take longer than
    that under this load, so every page gets 60 s (which changes nothing for faster pages)."""
    command = [WRK, "-t2", "-c4", "--timeout", "60s", "-s", str(Path(__file__).with_name("wrk_report.lua"))]
    command += ["-H", f"Host: {site.host}", "-H", f"Cookie: {site.cookie_name}={site.cookie}"]
    url = f"http://127.0.0.1:{site.port}{path}"
    subprocess.run([*command, "-d2s", url], capture_output=True, check=True)
    output = subprocess.run([*command, f"-d{seconds:g}s", url], capture_output=True, text=True, check=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    errors = figures["other"] + figures["socket_errors"]
    per_second = (figures["requests"] - errors) / figures["seconds"]
    return {"per_second": per_second, "p50_ms": figures["p50_ms"], "not_200": errors, "requests": figures["requests"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--open-share", type=float, default=0.30)
    parser.add_argument("--followups", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that gunicorn stops and the database goes
    say = lambda message: print(f"[peer] {message}", flush=True)  # noqa: E731
    with peer_server(tickets=args.tickets, open_share=args.open_share, followups=args.followups, say=say) as site:
        pages = {
            "ticket list page": "/tickets/",
            "ticket list data (datatables JSON, first page)": site.list_path,
            "ticket page": site.ticket_path,
        }
        say(f"django-helpdesk 2.6.1 on 127.0.0.1:{site.port}, {WORKERS} sync workers, wrk -t2 -c4 -d{args.seconds:g}s")
        for label, path in pages.items():
            figures = wrk(site, path, seconds=args.seconds)
            say(
                f"{label}: {figures['per_second']:.1f} requests/s, p50 {figures['p50_ms']:.0f} ms, "
                f"{figures['not_200']} answers other than 200 of {figures['requests']}   {path[:90]}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
