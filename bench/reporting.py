"""Monthly reports at size: building a month of 10,000 questions, the live dashboard at 1,000 and
100,000 questions, and the monthly fan-out over 200 organisations.

- **Build.** An organisation with 120,000 questions over twelve months (10,000 a month) builds the
  report of its last full month: figures, then the manager's PDF and one PDF per product, in a
  process of its own (as a worker would), whose peak RSS is read when it ends. The same month is
  built for an organisation that has only that month (10,000 questions) and for one with a month
  of 1,000, so the page shows whether the cost follows the month or the history.
- **Dashboard.** `/reports/dashboard/` through the whole Django stack for a manager, in an
  organisation with 1,000 and one with 100,000 questions (a year of history and the current month):
  the time of each and the number of queries of one request.
- **Fan-out.** 200 active organisations (cloned from the template schema, as provisioning does):
  the beat task's work, one report row and one queued task per organisation, timed; and the build of
  a few of their (small) reports, to say how long a single worker needs for all of them.

Runs on its own, in a database of its own that it creates and drops:

    python -m helpdesk.embedded exec --profile bench -- python -m bench.reporting [--scale 0.1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.provisioning import Figures, peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BENCH_DATABASE = "helpdesk_bench_reporting"
MONTH_QUESTIONS = 10_000
HISTORY_MONTHS = 12
DASHBOARD_SIZES = (1_000, 100_000)
FANOUT_ORGANISATIONS = 200
FANOUT_BUILDS = 5
PEOPLE_PER_QUESTION = 0.3
TARGET_SECONDS = 10.0
TARGET_RSS_MB = 300.0
TARGET_RATIO = 1.5
HISTORY_START = "<!-- bench:reporting-history:start -->"
HISTORY_END = "<!-- bench:reporting-history:end -->"
HISTORY_HEADER = (
    "| Date | Machine | Month / history | Figures s | Report PDF s | Whole build s | Worker peak RSS MB "
    "| Dashboard ms 1k / 100k | Ratio | Queries equal | Fan-out s (organisations) |\n"
    "| --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |"
)


@dataclass
class Build:
    label: str
    month_questions: int
    history_questions: int
    figures_seconds: float = 0.0
    pdf_seconds: float = 0.0
    build_seconds: float = 0.0
    pages: int = 0
    peak_rss_mb: float = 0.0


@dataclass
class Dashboard:
    questions: int
    figures: Figures | None = None
    queries: int = 0


@dataclass
class ReportResults:
    scale: float
    server_version: str = ""
    builds: list[Build] = field(default_factory=list)
    dashboards: list[Dashboard] = field(default_factory=list)
    fanout_organisations: int = 0
    fanout_seconds: float = 0.0
    fanout_queued: int = 0
    small_build_seconds: list[float] = field(default_factory=list)
    seed_seconds: float = 0.0
    peak_rss_mb: float = 0.0

    @property
    def ratio(self) -> float:
        small, large = self.dashboards
        return large.figures.median / small.figures.median

    @property
    def queries_equal(self) -> bool:
        return len({board.queries for board in self.dashboards}) == 1

    @property
    def passes(self) -> bool:
        main = self.builds[0]
        return (
            main.build_seconds < TARGET_SECONDS
            and main.peak_rss_mb < TARGET_RSS_MB
            and self.ratio <= TARGET_RATIO
            and self.queries_equal
        )


# --- Setting up ---------------------------------------------------------------------------------


def _organisation(slug: str, prefix: str, products: list[Any]) -> Any:
    # Imported here: Django is set up only after the arguments are read.
    from django.db import connection

    from tenants.models import CareOrganisation
    from tenants.services import organisation_create, organisation_provision

    organisation = organisation_create(
        actor=None,
        name=f"Benchmark {slug}",
        slug=slug,
        reference_prefix=prefix,
        manager_email=f"manager@{slug}.example",
        products=products,
        expected_questions_per_month=MONTH_QUESTIONS,
    )
    organisation = organisation_provision(organisation_id=organisation.pk)
    connection.set_schema_to_public()
    if organisation.status != CareOrganisation.Status.ACTIVE:
        raise RuntimeError(f"{slug} did not become active: {organisation.provisioning_error}")
    return organisation


def _fill(organisation: Any, per_month: list[int], first_month: dt.date) -> int:
    from django.db import connection
    from django_tenants.utils import tenant_context

    from demo.reporting import history_insert
    from reporting import months

    with tenant_context(organisation):
        products = list(organisation.products.order_by("pk").values_list("pk", flat=True))
        total = history_insert(
            start_month=first_month,
            per_month=per_month,
            product_ids=products,
            requester_ids=[],
            people=max(10, round(sum(per_month) * PEOPLE_PER_QUESTION)),
            tz=months.time_zone_of(organisation),
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    connection.set_schema_to_public()
    return total


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


# --- Building, in a process of its own -------------------------------------------------------------


def _build_here(schema: str, month: str) -> dict[str, float]:
    """Runs in the child: the figures, the PDF, then the whole build as the task does it."""
    from django.db import connection
    from django_tenants.utils import tenant_context

    from reporting import months
    from reporting.models import Report
    from reporting.pdf import report_pdf
    from reporting.selectors.figures import month_figures
    from reporting.services import report_build
    from tenants.models import CareOrganisation

    organisation = CareOrganisation.objects.get(schema_name=schema)
    with tenant_context(organisation):
        chosen = months.parse_month(month)
        started = time.perf_counter()
        figures = month_figures(organisation=organisation, month=chosen)
        figures_seconds = time.perf_counter() - started
        started = time.perf_counter()
        _data, pages = report_pdf(figures=figures, organisation=organisation, language="nl")
        pdf_seconds = time.perf_counter() - started
        Report.objects.filter(month=chosen).delete()
        report = Report.objects.create(month=chosen)
        started = time.perf_counter()
        report_build(report_id=report.pk)
        build_seconds = time.perf_counter() - started
    connection.close()
    return {
        "figures": figures_seconds,
        "pdf": pdf_seconds,
        "build": build_seconds,
        "pages": pages,
        "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _build_in_child(schema: str, month: dt.date) -> dict[str, float]:
    env = os.environ | {"DATABASE_URL": _database_url(), "LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.reporting", "--child", schema, f"{month:%Y-%m}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the build of {schema} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- The dashboard --------------------------------------------------------------------------------


def _dashboard(organisation: Any, *, requests: int, warmup: int) -> Dashboard:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import tenant_context

    from helpdesk.accounts.models import Role, User
    from tests.signing_in import sign_in

    with tenant_context(organisation):
        manager = User.objects.create(email=f"bench@{organisation.slug}.example", role=Role.MANAGER, full_name="B")
    connection.set_schema_to_public()
    client = sign_in(Client(HTTP_HOST=organisation.host), organisation, manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    for _ in range(warmup):
        assert client.get("/reports/dashboard/").status_code == 200
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get("/reports/dashboard/")
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/reports/dashboard/")
    counted = [q for q in queries.captured_queries if not q["sql"].startswith("SET search_path")]
    return Dashboard(questions=0, figures=Figures(tuple(samples)), queries=len(counted))


# --- The fan-out ------------------------------------------------------------------------------------


def _fanout(count: int, products: list[Any], results: ReportResults, say: Any) -> None:
    from django.db import connection
    from django_tenants.utils import tenant_context

    from reporting import months
    from reporting.models import Report
    from reporting.services import report_build, reports_schedule_month
    from tenants.models import CareOrganisation

    say(f"fan-out: {count} organisations cloned from the template ...")
    made = [_organisation(f"fan-{index:03d}", _prefix(index), products) for index in range(count)]
    started = time.perf_counter()
    results.fanout_queued = reports_schedule_month()
    results.fanout_seconds = time.perf_counter() - started
    results.fanout_organisations = CareOrganisation.objects.filter(status=CareOrganisation.Status.ACTIVE).count()
    for organisation in made[:FANOUT_BUILDS]:
        with tenant_context(organisation):
            report = Report.objects.get(month=months.previous_month(months.time_zone_of(organisation)))
            started = time.perf_counter()
            report_build(report_id=report.pk)
            results.small_build_seconds.append(time.perf_counter() - started)
    connection.set_schema_to_public()


def _prefix(index: int) -> str:
    return "F" + chr(ord("A") + index // 26) + chr(ord("A") + index % 26)


# --- Everything ---------------------------------------------------------------------------------------


def run(
    *, scale: float = 1.0, fanout: int = FANOUT_ORGANISATIONS, requests: int = 10, warmup: int = 2, say: Any = print
) -> ReportResults:
    import io

    from django.core.management import call_command
    from django.db import connection

    from demo.load import products_ensure
    from reporting import months
    from tenants.models import Product

    results = ReportResults(scale=scale)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        results.server_version = str(cursor.fetchone()[0]).split(" ")[0]
    say("migrate_all on an empty database ...")
    call_command("migrate_all", verbosity=0, stdout=io.StringIO())
    products_ensure()
    products = list(Product.objects.order_by("pk")[:4])
    tz = months.time_zone_of(None)
    this = months.current_month(tz)
    month = months.add_months(this, -1)
    first = months.add_months(this, -HISTORY_MONTHS)
    per_month = round(MONTH_QUESTIONS * scale)

    started = time.perf_counter()
    sizes = [
        ("history", "BHI", [per_month] * HISTORY_MONTHS, f"{per_month:,} of {per_month * HISTORY_MONTHS:,}"),
        ("month-only", "BMO", [0] * (HISTORY_MONTHS - 1) + [per_month], f"{per_month:,} of {per_month:,}"),
        ("tenth", "BTE", [0] * (HISTORY_MONTHS - 1) + [per_month // 10], f"{per_month // 10:,} of {per_month // 10:,}"),
    ]
    built = []
    for slug, prefix, volume, label in sizes:
        organisation = _organisation(f"bench-{slug}", prefix, products)
        total = _fill(organisation, volume, first)
        say(f"{organisation.schema_name}: {total:,} questions")
        built.append((organisation, label, volume[-1], total))
    boards = []
    for size, prefix in zip(DASHBOARD_SIZES, ("BDS", "BDL"), strict=True):
        organisation = _organisation(f"bench-dash-{size}", prefix, products)
        share = round(size * scale) // (HISTORY_MONTHS + 1)
        _fill(organisation, [share] * (HISTORY_MONTHS + 1), first)
        boards.append((organisation, round(size * scale)))
    results.seed_seconds = time.perf_counter() - started

    for organisation, label, month_count, total in built:
        say(f"building {label} in a process of its own ...")
        child = _build_in_child(organisation.schema_name, month)
        results.builds.append(
            Build(
                label=label,
                month_questions=month_count,
                history_questions=total,
                figures_seconds=child["figures"],
                pdf_seconds=child["pdf"],
                build_seconds=child["build"],
                pages=int(child["pages"]),
                peak_rss_mb=child["rss"],
            )
        )
        say(
            f"  figures {child['figures']:.2f} s, PDF {child['pdf']:.2f} s, build {child['build']:.2f} s, RSS {child['rss']:.0f} MB"
        )
    for organisation, size in boards:
        board = _dashboard(organisation, requests=requests, warmup=warmup)
        board.questions = size
        results.dashboards.append(board)
        say(f"dashboard at {size:,}: median {board.figures.median * 1000:.0f} ms, {board.queries} queries")
    if fanout:
        _fanout(fanout, products, results, say)
        say(
            f"fan-out over {results.fanout_organisations}: {results.fanout_seconds:.2f} s, {results.fanout_queued} queued"
        )
    results.peak_rss_mb = peak_rss_mb()
    return results


# --- The section of docs/benchmarks.md ---------------------------------------------------------------


def history_row(results: ReportResults, today: dt.date, where: str) -> str:
    main = results.builds[0]
    small, large = results.dashboards
    return (
        f"| {today.isoformat()} | {where} | {main.month_questions:,} / {main.history_questions:,} "
        f"| {main.figures_seconds:.2f} | {main.pdf_seconds:.2f} | {main.build_seconds:.2f} | {main.peak_rss_mb:.0f} "
        f"| {small.figures.median * 1000:.0f} / {large.figures.median * 1000:.0f} | {results.ratio:.2f} "
        f"| {'yes' if results.queries_equal else 'no'} | {results.fanout_seconds:.2f} ({results.fanout_organisations}) |"
    )


def earlier_rows(text: str) -> list[str]:
    if HISTORY_START not in text or HISTORY_END not in text:
        return []
    block = text.split(HISTORY_START, 1)[1].split(HISTORY_END, 1)[0]
    return [line for line in block.strip().splitlines()[2:] if line.startswith("|")]


def section(results: ReportResults, today: dt.date, where: str, earlier: list[str], load: float) -> str:
    rows = "\n".join([*earlier, history_row(results, today, where)])
    builds = "\n".join(
        f"| {b.label} | {b.figures_seconds:.2f} | {b.pdf_seconds:.2f} | {b.pages} | {b.build_seconds:.2f} | {b.peak_rss_mb:.0f} |"
        for b in results.builds
    )
    boards = "\n".join(
        f"| {d.questions:,} | {d.figures.median * 1000:.0f} | {d.figures.p95 * 1000:.0f} | {d.queries} |"
        for d in results.dashboards
    )
    per_report = statistics.median(results.small_build_seconds) if results.small_build_seconds else 0.0
    scale_note = (
        ""
        if results.scale == 1
        else f"\n**This run was at {results.scale:g} of the full size** (`--scale {results.scale:g}`), to keep it short.\n"
    )
    main = results.builds[0]
    verdict = "Within every target." if results.passes else "**Not within every target** (see the figures)."
    return f"""## Monthly reports

`bench/reporting.py` fills organisations with questions by SQL (the demo's history generator:
solved questions with causes, escalations and their history lines, ratings) and measures the
report's build, the live dashboard and the monthly fan-out. Targets: the report of a month with
10,000 questions in an organisation with 120,000 builds in under {TARGET_SECONDS:g} s (figures and PDF)
with a worker under {TARGET_RSS_MB:g} MB; the dashboard at 100,000 questions takes at most
{TARGET_RATIO}× its time at 1,000, with the same number of queries. Run it on its own with
`python -m bench.reporting`; each run adds a row below.
{scale_note}
{HISTORY_START}
{HISTORY_HEADER}
{rows}
{HISTORY_END}

### The latest run in detail

{today.isoformat()}, {where}, PostgreSQL {results.server_version}, Python {platform.python_version()},
load average {load:.2f} at the start; seeding took {results.seed_seconds:.1f} s. {verdict}

Building one month's report, each in a fresh process as a worker would (month's questions of the
organisation's total; "whole build" is what the task does: figures, the manager's PDF, one PDF per
product with questions, storing them):

| Month of history | Figures s | Report PDF s | Pages | Whole build s | Peak RSS MB |
| --- | ---: | ---: | ---: | ---: | ---: |
{builds}

The first and second rows have the same month and differ only in history; the third has a tenth of
the month. The figures read only the month (and, for the trends, the months before it) through the
index on `created_at`; the PDF's size depends on the number of products and causes, not on questions.

The dashboard for a manager, through the whole Django stack (median and p95 of the timed requests,
queries of one request without the `SET search_path` statements):

| Questions in the organisation | Median ms | p95 ms | Queries |
| ---: | ---: | ---: | ---: |
{boards}

Most of the dashboard's time is drawing its five charts (matplotlib), which does not depend on
the number of questions.

The monthly fan-out: the beat task visited {results.fanout_organisations} active organisations and
queued {results.fanout_queued} report builds in {results.fanout_seconds:.2f} s (one report row and one
task message each). The build of one such report (an organisation without questions: figures and
one PDF) took {per_report:.2f} s (median of {len(results.small_build_seconds)}), so one worker builds all
{results.fanout_organisations} in about {per_report * results.fanout_organisations / 60:.0f} minutes; more
workers divide that. The main month's build of {main.month_questions:,} questions took
{main.build_seconds:.2f} s.

Peak RSS of the benchmark process itself: {results.peak_rss_mb:.0f} MB.
"""


def main(argv: list[str] | None = None) -> int:
    # Imported here: bench.run imports this module for `make bench`.
    from bench.run import _environment, machine, page

    parser = argparse.ArgumentParser(prog="python -m bench.reporting")
    parser.add_argument("--scale", type=float, default=1.0, help="a share of the full sizes, for a short run")
    parser.add_argument("--fanout", type=int, default=FANOUT_ORGANISATIONS, help="organisations for the fan-out")
    parser.add_argument("--requests", type=int, default=10, help="timed dashboard requests per size")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--child", nargs=2, metavar=("SCHEMA", "MONTH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    _environment()
    import django

    django.setup()
    if args.child:
        print(json.dumps(_build_here(*args.child)))
        return 0
    from bench import provisioning

    load = os.getloadavg()[0]
    today, where = dt.date.today(), machine()
    with provisioning.bench_database(BENCH_DATABASE) as name:
        print(f"[bench] database {name}: fresh")
        results = run(scale=args.scale, fanout=args.fanout, requests=args.requests)
    print(f"[bench] database {name}: dropped")
    print("[bench] reporting: " + ("within every target" if results.passes else "NOT within every target"))
    if not args.no_write:
        text = DOC.read_text() if DOC.is_file() else ""
        DOC.write_text(page(text, {"reporting": section(results, today, where, earlier_rows(text), load)}))
        print(f"[bench] wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
