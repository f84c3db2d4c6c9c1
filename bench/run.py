"""`make bench`: measure how long adding a care organisation takes, and record it in docs/benchmarks.md.

Runs on the server DATABASE_URL points at (the embedded PostgreSQL under `make bench`), in a
database of its own, `helpdesk_bench`, which it creates first and drops at the end.

    python -m helpdesk.embedded exec --profile bench -- python -m bench.run [--organisations 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
from pathlib import Path

from bench.provisioning import Figures, Results

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
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
    if HISTORY_START not in text or HISTORY_END not in text:
        return []
    block = text.split(HISTORY_START, 1)[1].split(HISTORY_END, 1)[0]
    return [line for line in block.splitlines() if line.startswith("| 2")]


def render(results: Results, today: dt.date, where: str, earlier: list[str], load: float) -> str:
    saved = results.migrate.median - results.clone.median
    factor = results.migrate.median / results.clone.median if results.clone.median else float("nan")
    rows = "\n".join([*earlier, history_row(results, today, where)])
    return f"""# Benchmarks

Benchmarks are not tests: they measure, and `make bench` writes its figures into this page. Run it
on an idle machine; the numbers of one run on one machine are a guide, not a promise.

## Adding a care organisation

`bench/provisioning.py` adds {results.organisations} organisations the way the operator portal does,
on a fresh database (`helpdesk_bench`, created and dropped by the benchmark):
`organisation_create` writes the rows, then `organisation_provision` clones the template schema
`tenant_template` and invites the first manager. In production the second step runs in a Celery
worker; here both run directly, one after the other, so the figures are the work itself without
queueing. Times are wall-clock seconds per organisation; p95 interpolates linearly between the
closest ranks, so with 10 runs it lies between the two slowest. Peak RSS is the benchmark process
(Django and psycopg), not PostgreSQL. Run it with `make bench`; each run adds a row below.

The comparison builds the same tenant schema two ways, {len(results.clone.samples)} times each: cloning
the template (`CloneSchema`, DATA mode), and `CREATE SCHEMA` followed by every tenant migration
(`migrate_schemas --schema=<name> --tenant`). The benchmark checks that both end with the same tables.

{HISTORY_START}
{HISTORY_HEADER}
{rows}
{HISTORY_END}

"Median", "p95" and "Max" are create plus provision for one organisation. "Clone" and "Migrations"
are the medians of the two ways to build one schema.

## The latest run in detail

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--organisations", type=int, default=10)
    parser.add_argument("--schema-runs", type=int, default=5, help="clones and migration runs to compare")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)

    _environment()
    load = os.getloadavg()[0]
    import django

    django.setup()
    from bench import provisioning

    with provisioning.bench_database() as name:
        print(f"[bench] database {name}: fresh")
        results = provisioning.run(organisations=args.organisations, schema_runs=args.schema_runs)
    print(f"[bench] database {name}: dropped")

    today, where = dt.date.today(), machine()
    print(f"[bench] {where}, load average {load:.2f} at the start")
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
    if not args.no_write:
        earlier = _earlier_rows(DOC.read_text()) if DOC.is_file() else []
        DOC.write_text(render(results, today, where, earlier, load))
        print(f"[bench] wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
