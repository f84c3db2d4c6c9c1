"""`make bench`: measure, and record the figures in docs/benchmarks.md.

Six benchmarks: how long adding a care organisation takes (`bench/provisioning.py`), whether
the volunteers' queue and the question page stay fast with 100,000 questions (`bench/questions.py`),
whether the professionals' queue over 200 organisations' 20,000 escalated questions answers in
one list query per page (`bench/escalations.py`), how the monthly report builds at 10,000
questions a month, the dashboard at 100,000 and the fan-out over 200 organisations
(`bench/reporting.py`), whether suggestions while asking and the instruction page stay under
50 ms with 5,000 instructions (`bench/knowledgebase.py`), and what deployments, a real migration,
the beat tasks and adding one more cost with hundreds of organisations in one database
(`bench/organisations.py`).
Each runs on the server DATABASE_URL points at (the embedded PostgreSQL under `make bench`), in a
database of its own, `helpdesk_bench`, which it creates first and drops at the end. Each writes
its own section of the page, between its markers, and leaves the rest of the page as it was.

    python -m helpdesk.embedded exec --profile bench -- python -m bench.run [--only questions]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
from pathlib import Path

from bench.provisioning import Figures, Results, history_rows

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BENCHMARKS = ("provisioning", "questions", "escalations", "reporting", "knowledgebase", "organisations", "load")
# `make bench` runs all but "load", the ten-minute mixed load, which runs only with `--only load`.
HISTORY_START = "<!-- bench:history:start -->"
HISTORY_END = "<!-- bench:history:end -->"
HISTORY_HEADER = (
    "| Date | Machine | Organisations | Median s | p95 s | Max s | Clone s | Migrations s | Peak RSS MB |\n"
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def _environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    # The services dispatch Celery tasks; they go to an in-memory broker that nobody reads,
    # because the benchmark runs the provisioning itself, in this process.
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    os.environ["CELERY_RESULT_BACKEND"] = "cache+memory://"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def machine() -> str:
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = " ".join(line.split(":", 1)[1].split())
                break
    cores = os.cpu_count() or 0
    return f"{cores} cores{f' ({model})' if model else ''}, {memory_gb:.0f} GB RAM, {platform.machine()}"


def start() -> tuple[float, dt.date, str]:
    """Sets a benchmark run up: the environment, Django; the load average, the day and the machine."""
    _environment()
    load = os.getloadavg()[0]
    import django

    django.setup()
    today, where = dt.date.today(), machine()
    print(f"[bench] {where}, load average {load:.2f} at the start")
    return load, today, where


def _s(value: float) -> str:
    return f"{value:.3f}"


def _row(figures: Figures, label: str) -> str:
    return f"| {label} | {_s(figures.median)} | {_s(figures.p95)} | {_s(figures.max)} | {len(figures.samples)} |"


def history_row(results: Results, today: dt.date, where: str) -> str:
    return (
        f"| {today.isoformat()} | {where} | {results.organisations} | {_s(results.total.median)} | "
        f"{_s(results.total.p95)} | {_s(results.total.max)} | {_s(results.clone.median)} | "
        f"{_s(results.migrate.median)} | {results.peak_rss_mb:.0f} |"
    )


def _earlier_rows(text: str) -> list[str]:
    return history_rows(text, HISTORY_START, HISTORY_END)


def provisioning_section(results: Results, today: dt.date, where: str, earlier: list[str], load: float) -> str:
    saved = results.migrate.median - results.clone.median
    factor = results.migrate.median / results.clone.median if results.clone.median else float("nan")
    rows = "\n".join([*earlier, history_row(results, today, where)])
    return f"""## Adding a care organisation

`bench/provisioning.py` adds {results.organisations} organisations the way the operator portal does,
on a fresh database (`helpdesk_bench`, created and dropped by the benchmark):
`organisation_create` writes the rows, then `organisation_provision` clones the template schema
`tenant_template` and invites the first manager. In production the second step runs in a Celery
worker; here both run directly, one after the other, so the figures are the work itself without
queueing. Times are wall-clock seconds per organisation; p95 interpolates linearly between the
closest ranks, so with 10 runs it lies between the two slowest. Peak RSS is the benchmark process
(Django and psycopg), not PostgreSQL. Run it with `make bench`; each run adds a row below.

The comparison builds the same tenant schema two ways, {len(results.clone.samples)} times each: cloning
the template (`tenants.cloning.schema_clone`), and `CREATE SCHEMA` followed by every tenant migration
(`migrate_schemas --schema=<name> --tenant`). The benchmark checks that both end with the same tables.

{HISTORY_START}
{HISTORY_HEADER}
{rows}
{HISTORY_END}

"Median", "p95" and "Max" are create plus provision for one organisation. "Clone" and "Migrations"
are the medians of the two ways to build one schema.

### The latest run in detail

{today.isoformat()}, {where}, PostgreSQL {results.server_version}, Python {platform.python_version()},
load average {load:.2f} at the start.

| Step | Median s | p95 s | Max s | Runs |
| --- | ---: | ---: | ---: | ---: |
{_row(results.create, "`organisation_create` (rows, audit)")}
{_row(results.provision, "`organisation_provision` (clone, first manager)")}
{_row(results.total, "both: one organisation")}
{_row(results.clone, "clone the template schema")}
{_row(results.migrate, "create a schema and run every migration")}

- Cloning saves {_s(saved)} s per organisation ({factor:.1f} times faster) with the migrations the
  project has today ({results.tables_cloned} tables per schema). The gap grows with every migration
  the tenant apps add, because a clone copies finished tables and never replays history.
- `migrate_all` on the empty database (public schema and the template) took
  {_s(results.migrate_all_seconds)} s; it runs once per deployment, not per organisation.
- Peak RSS of the benchmark process: {results.peak_rss_mb:.0f} MB.
"""


PAGE_HEADER = """# Benchmarks

Benchmarks are not tests: they measure, and `make bench` writes its figures into this page. Run it
on an idle machine; the numbers of one run on one machine are a guide, not a promise.
"""


def _marker(name: str, edge: str) -> str:
    return f"<!-- bench:section:{name}:{edge} -->"


def page(text: str, sections: dict[str, str]) -> str:
    """The page with each new section in place of the one between its markers, or added at the
    end; everything else, the other benchmarks' sections too, stays as it was."""
    text = text if text.strip() else PAGE_HEADER
    for name in BENCHMARKS:
        if name not in sections:
            continue
        start, end = _marker(name, "start"), _marker(name, "end")
        block = f"{start}\n{sections[name].strip()}\n{end}\n"
        if start in text and end in text:
            before, rest = text.split(start, 1)
            after = rest.split(end, 1)[1].lstrip("\n")
            text = f"{before}{block}{chr(10) + after if after else ''}"
        else:
            text = f"{text.rstrip()}\n\n{block}"
    return text


def _run_provisioning(args: argparse.Namespace, today: dt.date, where: str, load: float, text: str) -> str:
    # Imported here: bench.run sets Django up only after reading its arguments.
    from bench import provisioning

    with provisioning.bench_database() as name:
        print(f"[bench] database {name}: fresh")
        results = provisioning.run(organisations=args.organisations, schema_runs=args.schema_runs)
    print(f"[bench] database {name}: dropped")
    for label, figures in (
        ("create", results.create),
        ("provision", results.provision),
        ("one organisation", results.total),
        ("clone schema", results.clone),
        ("migrate schema", results.migrate),
    ):
        print(
            f"[bench] {label:<17} median {_s(figures.median)} s  p95 {_s(figures.p95)} s  "
            f"max {_s(figures.max)} s  ({len(figures.samples)} runs)"
        )
    print(f"[bench] migrate_all {_s(results.migrate_all_seconds)} s, peak RSS {results.peak_rss_mb:.0f} MB")
    return provisioning_section(results, today, where, _earlier_rows(text), load)


def _run_questions(args: argparse.Namespace, today: dt.date, where: str, load: float, text: str) -> tuple[str, bool]:
    # Imported here: bench.run sets Django up only after reading its arguments.
    from bench import provisioning, questions

    with provisioning.bench_database() as name:
        print(f"[bench] database {name}: fresh")
        results = questions.run(
            requests=args.requests,
            warmup=args.warmup,
            explain=args.explain,
            show_queries=args.queries,
            throughput_seconds=args.throughput_seconds,
            peer=not args.no_peer,
        )
    print(f"[bench] database {name}: dropped")
    for plan in results.plans:
        print(plan, end="\n\n")
    print(
        "[bench] questions: "
        + ("every page within the promise" if results.passes else "NOT every page within the promise")
        + f", peak RSS {results.peak_rss_mb:.0f} MB"
    )
    return questions.section(results, today, where, questions.earlier_rows(text), load), results.passes


def _run_escalations(args: argparse.Namespace, today: dt.date, where: str, load: float, text: str) -> tuple[str, bool]:
    # Imported here: bench.run sets Django up only after reading its arguments.
    from bench import escalations, provisioning

    with provisioning.bench_database(escalations.BENCH_DATABASE) as name:
        print(f"[bench] database {name}: fresh")
        results = escalations.run(requests=args.requests, warmup=args.warmup)
    print(f"[bench] database {name}: dropped")
    print("[bench] escalations: " + ("one list query on every page" if results.passes else "MORE THAN ONE LIST QUERY"))
    return escalations.section(results, today, where, escalations.earlier_rows(text), load), results.passes


def _run_reporting(args: argparse.Namespace, today: dt.date, where: str, load: float, text: str) -> tuple[str, bool]:
    from bench import provisioning, reporting

    with provisioning.bench_database(reporting.BENCH_DATABASE) as name:
        print(f"[bench] database {name}: fresh")
        results = reporting.run(scale=args.report_scale, requests=args.requests)
    print(f"[bench] database {name}: dropped")
    print("[bench] reporting: " + ("within every target" if results.passes else "NOT within every target"))
    return reporting.section(results, today, where, reporting.earlier_rows(text), load), results.passes


def _run_knowledgebase(
    args: argparse.Namespace, today: dt.date, where: str, load: float, text: str
) -> tuple[str, bool]:
    from bench import knowledgebase, provisioning

    with provisioning.bench_database(knowledgebase.BENCH_DATABASE) as name:
        print(f"[bench] database {name}: fresh")
        results = knowledgebase.run(requests=args.requests, warmup=args.warmup)
    print(f"[bench] database {name}: dropped")
    print("[bench] knowledgebase: " + ("within the promise" if results.passes else "NOT within the promise"))
    return knowledgebase.section(results, today, where, knowledgebase.earlier_rows(text), load), results.passes


def _run_organisations(
    args: argparse.Namespace, today: dt.date, where: str, load: float, text: str
) -> tuple[str, bool]:
    # Imported here: bench.run sets Django up only after reading its arguments.
    from bench import organisations, provisioning

    with provisioning.bench_database(organisations.BENCH_DATABASE) as name:
        print(f"[bench] database {name}: fresh")
        results = organisations.run()
    print(f"[bench] database {name}: dropped")
    print("[bench] organisations: " + ("within the targets" if results.passes else "NOT within the targets"))
    return organisations.section(results, today, where, organisations.earlier_rows(text), load), results.passes


def _run_load(args: argparse.Namespace, today: dt.date, where: str, load: float) -> tuple[str, bool]:
    # Imported here: bench.run sets Django up only after reading its arguments.
    from bench import load as mixed_load
    from bench import provisioning

    with provisioning.bench_database(mixed_load.BENCH_DATABASE) as name:
        print(f"[bench] database {name}: fresh")
        results = mixed_load.run(seconds=args.seconds)
    print(f"[bench] database {name}: dropped")
    print(
        f"[bench] load: {results.requests} requests, {len(results.errors)} errors, {results.lost} lost, "
        f"{results.tasks_not_done} tasks not done, {results.askers_without_mail} askers without e-mail"
    )
    for problem in results.errors[:20]:
        print(f"[bench]   {problem}")
    for label, figures in mixed_load.figures(results).items():
        print(
            f"[bench]   {label:<32} {len(figures.samples):>6}  median {_s(figures.median)} s  p95 {_s(figures.p95)} s"
        )
    return mixed_load.section(results, today.isoformat(), where, load), mixed_load.passes(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--only", choices=BENCHMARKS, help="run one benchmark; the page keeps the other's figures")
    parser.add_argument("--organisations", type=int, default=10)
    parser.add_argument("--schema-runs", type=int, default=5, help="clones and migration runs to compare")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page and size (questions)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up requests per page and size (questions)")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the slowest queries")
    parser.add_argument("--queries", action="store_true", help="print every query of each page at 100,000")
    parser.add_argument(
        "--throughput-seconds",
        type=float,
        default=10.0,
        help="seconds of each round of load through gunicorn per page (questions; 0: none)",
    )
    parser.add_argument(
        "--no-peer", action="store_true", help="leave django-helpdesk out of the load (questions; bench/peer.py)"
    )
    parser.add_argument("--report-scale", type=float, default=1.0, help="a share of the reports benchmark's sizes")
    parser.add_argument("--seconds", type=int, default=600, help="how long the mixed load runs (load)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a page breaks its promise")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)

    load, today, where = start()
    text = DOC.read_text() if DOC.is_file() else ""
    sections: dict[str, str] = {}
    passes = True
    if args.only in (None, "provisioning"):
        sections["provisioning"] = _run_provisioning(args, today, where, load, text)
    if args.only in (None, "questions"):
        sections["questions"], passes = _run_questions(args, today, where, load, text)
    if args.only in (None, "escalations"):
        sections["escalations"], escalations_pass = _run_escalations(args, today, where, load, text)
        passes = passes and escalations_pass
    if args.only in (None, "reporting"):
        sections["reporting"], reporting_pass = _run_reporting(args, today, where, load, text)
        passes = passes and reporting_pass
    if args.only in (None, "knowledgebase"):
        sections["knowledgebase"], knowledgebase_pass = _run_knowledgebase(args, today, where, load, text)
        passes = passes and knowledgebase_pass

    if args.only in (None, "organisations"):
        sections["organisations"], organisations_pass = _run_organisations(args, today, where, load, text)
        passes = passes and organisations_pass
    if args.only == "load":
        sections["load"], load_pass = _run_load(args, today, where, load)
        passes = passes and load_pass
    if not args.no_write:
        DOC.write_text(page(text, sections))
        print(f"[bench] wrote {DOC.relative_to(ROOT)}")
    return 1 if args.check and not passes else 0


if __name__ == "__main__":
    sys.exit(main())
