"""Many organisations in one database: deployments, a real migration, the beat tasks, and adding more.

On a fresh database it adds organisations the way the portal does (`organisation_create`, then
`organisation_provision`), timing each one. When there are 200 (`--measure-at`) it stops to
measure, at that size:

- `migrate_all` when no migration is new (each schema is checked in one query and skipped), and
  for comparison the old way, every schema migrated one after another (`--every-schema --jobs 1`);
- a real migration: the latest tickets migration (one that adds indexes or nullable columns) is unapplied in
  every organisation and the template, then `migrate_all` applies it again everywhere, in parallel
  processes (one per core) and, with `--serial-too`, one schema after another;
- every beat task that goes through the organisations one by one, each run a few times.

Then it goes on adding organisations up to 500 (`--organisations`) and reports how long the last
ones took: adding the next organisation must stay under a second however many there are.

    python -m helpdesk.embedded exec --profile bench -- python -m bench.organisations
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.provisioning import Figures, bench_database, history_rows, organisation_add, peak_rss_mb, timed

ORGANISATIONS = 500
MEASURE_AT = 200
TASK_RUNS = 3
BENCH_DATABASE = "helpdesk_bench_organisations"
STEP_BACK_APP = "tickets"  # its latest migration is the real migration measured (indexes or nullable columns)

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "organisations"
HISTORY_START = "<!-- bench:organisations-history:start -->"
HISTORY_END = "<!-- bench:organisations-history:end -->"
HISTORY_HEADER = (
    "| Date | Machine | Load | Organisations | migrate_all, nothing new s | Every schema, serial s "
    "| Real migration s | Slowest beat task s | Next organisation at 500, median s | max s |\n"
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)
BEAT_TASKS = (
    ("tickets.tasks.close_resolved_questions", "close solved questions nobody reacted to"),
    ("tickets.tasks.send_daily_digests", "daily digests"),
    ("tickets.tasks.escalate_waiting_questions", "escalate questions that waited too long"),
    ("escalations.tasks.reconcile_escalation_index", "reconcile the escalation index"),
    ("support.tasks.reconcile_advice_index", "reconcile the advice index"),
    ("helpdesk.accounts.tasks.purge_expired_tokens", "purge expired sign-in links"),
)


@dataclass
class OrganisationResults:
    organisations: int
    measured_at: int
    jobs: int
    server_version: str = ""
    adding: list[float] = field(default_factory=list)
    migrate_all_empty: float = 0.0
    migrate_all_nothing_new: Figures = field(default_factory=lambda: Figures(()))
    migrate_every_schema_serial: float = 0.0
    step_back: str = ""
    unapply_seconds: float = 0.0
    real_migration_parallel: float = 0.0
    real_migration_serial: float | None = None
    beat: dict[str, Figures] = field(default_factory=dict)
    peak_rss_mb: float = 0.0

    def window(self, start: int, end: int) -> Figures:
        return Figures(tuple(self.adding[start:end]))

    @property
    def last(self) -> Figures:
        return self.window(max(0, len(self.adding) - 50), len(self.adding))

    @property
    def passes(self) -> bool:
        return self.migrate_all_nothing_new.median < 20 and (not self.adding or self.last.max < 1)


def _migrate_all(**options: object) -> float:
    # Imported here: bench.run sets Django up only after reading its arguments.
    from django.core.management import call_command

    return timed(lambda: call_command("migrate_all", verbosity=0, stdout=io.StringIO(), **options))


def _schemas() -> list[str]:
    # Imported here: bench.run sets Django up only after reading its arguments.
    from django.conf import settings

    from helpdesk.tenancy import active_organisations

    return [settings.TENANT_BASE_SCHEMA, *active_organisations().values_list("schema_name", flat=True)]


@dataclass(frozen=True)
class Undo:
    """One thing the measured migration adds to a schema: an index, or a nullable column."""

    kind: str  # "index" or "column"
    name: str  # the index's name, or the column's
    table: str = ""  # the column's table

    def sql(self, schema: str) -> str:
        if self.kind == "index":
            return f'DROP INDEX "{schema}"."{self.name}"'
        return f'ALTER TABLE "{schema}"."{self.table}" DROP COLUMN "{self.name}"'


def step_back_target() -> tuple[tuple[str, str], tuple[Undo, ...]]:
    """The latest migration of STEP_BACK_APP and what it adds: it may only add indexes or
    nullable columns without an index, which plain SQL can take away again."""
    # Imported here: bench.run sets Django up only after reading its arguments.
    from django.apps import apps
    from django.db import migrations
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None).graph
    (leaf,) = [node for node in graph.leaf_nodes() if node[0] == STEP_BACK_APP]
    undo = []
    for operation in graph.nodes[leaf].operations:
        if isinstance(operation, migrations.AddIndex):
            undo.append(Undo("index", operation.index.name))
            continue
        field = getattr(operation, "field", None)
        if not isinstance(operation, migrations.AddField) or not field.null or field.db_index or field.unique:
            raise RuntimeError(f"{leaf} does more than add indexes or columns; choose another migration to measure")
        model = apps.get_model(STEP_BACK_APP, operation.model_name)
        undo.append(Undo("column", model._meta.get_field(operation.name).column, model._meta.db_table))
    if not undo:
        raise RuntimeError(f"{leaf} adds nothing to measure")
    return leaf, tuple(undo)


def _step_back_everywhere(target: tuple[str, str], undo: tuple[Undo, ...]) -> float:
    """Undoes `target` in the template and every organisation, as if it were new: drops what it
    adds and forgets that it ran, in plain SQL (what its reverse does, without Django building
    its migration state once per schema)."""
    # Imported here: bench.run sets Django up only after reading its arguments.
    from django.db import connection

    def step_back() -> None:
        with connection.cursor() as cursor:
            for schema in _schemas():
                for step in undo:
                    cursor.execute(step.sql(schema))
                cursor.execute(f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s', list(target))

    return timed(step_back)


def _check_stepped_forward(undo: tuple[Undo, ...]) -> None:
    """Every schema has what the migration adds again, or it did not run everywhere."""
    # Imported here: bench.run sets Django up only after reading its arguments.
    from django.db import connection

    schemas = _schemas()
    indexes = [step.name for step in undo if step.kind == "index"]
    columns = [(step.table, step.name) for step in undo if step.kind == "column"]
    found = 0
    with connection.cursor() as cursor:
        if indexes:
            cursor.execute(
                "SELECT count(*) FROM pg_indexes WHERE schemaname = ANY(%s) AND indexname = ANY(%s)",
                [schemas, indexes],
            )
            found += cursor.fetchone()[0]
        for table, column in columns:
            cursor.execute(
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_schema = ANY(%s) AND table_name = %s AND column_name = %s",
                [schemas, table, column],
            )
            found += cursor.fetchone()[0]
    expected = len(schemas) * len(undo)
    if found != expected:
        raise RuntimeError(f"the real migration left {expected - found} indexes or columns missing")


def _beat_task(path: str) -> Callable[[], object]:
    module, name = path.rsplit(".", 1)
    task = getattr(__import__(module, fromlist=[name]), name)
    return lambda: task.apply().get()


def measure(results: OrganisationResults, *, serial_too: bool, say: Callable[[str], None]) -> None:
    """Everything measured at results.measured_at organisations."""
    nothing_new = [_migrate_all() for _ in range(3)]
    results.migrate_all_nothing_new = Figures(tuple(nothing_new))
    say(f"  migrate_all, nothing new: {results.migrate_all_nothing_new.median:.2f} s (median of 3)")
    results.migrate_every_schema_serial = _migrate_all(every_schema=True, jobs=1)
    say(f"  migrate_all, every schema one after another: {results.migrate_every_schema_serial:.2f} s")

    target, undo = step_back_target()
    results.step_back = ".".join(target)
    results.unapply_seconds = _step_back_everywhere(target, undo)
    say(f"  unapplied {results.step_back} everywhere: {results.unapply_seconds:.2f} s")
    results.real_migration_parallel = _migrate_all(jobs=results.jobs)
    _check_stepped_forward(undo)
    say(f"  real migration, {results.jobs} at once: {results.real_migration_parallel:.2f} s")
    if serial_too:
        _step_back_everywhere(target, undo)
        results.real_migration_serial = _migrate_all(jobs=1)
        _check_stepped_forward(undo)
        say(f"  real migration, one after another: {results.real_migration_serial:.2f} s")

    for path, label in BEAT_TASKS:
        runs = tuple(timed(_beat_task(path)) for _ in range(TASK_RUNS))
        results.beat[path] = Figures(runs)
        say(f"  beat: {label}: {results.beat[path].median:.2f} s (median of {TASK_RUNS})")


def run(
    *,
    organisations: int = ORGANISATIONS,
    measure_at: int = MEASURE_AT,
    jobs: int = 0,
    serial_too: bool = False,
    say: Callable[[str], None] = print,
) -> OrganisationResults:
    # Imported here: bench.run sets Django up only after reading its arguments.
    from django.db import connection

    from demo.load import products_ensure
    from tenants.models import Product

    results = OrganisationResults(organisations=organisations, measured_at=measure_at, jobs=jobs or os.cpu_count() or 1)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        results.server_version = str(cursor.fetchone()[0]).split(" ")[0]
    results.migrate_all_empty = _migrate_all()
    products_ensure()
    products = list(Product.objects.filter(slug__in=["beeldbel-tablet", "persoonlijk-alarm"]))
    for index in range(organisations):
        results.adding.append(sum(organisation_add(index, products)))
        if (index + 1) % 50 == 0:
            recent = results.window(index - 49, index + 1)
            say(f"  organisation {index + 1}: last 50 median {recent.median:.3f} s, max {recent.max:.3f} s")
        if index + 1 == measure_at:
            say(f"at {measure_at} organisations:")
            measure(results, serial_too=serial_too, say=say)
    results.peak_rss_mb = peak_rss_mb()
    return results


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _s3(value: float) -> str:
    return f"{value:.3f}"


def history_row(results: OrganisationResults, today: dt.date, where: str, load: float) -> str:
    slowest = max((figures.median for figures in results.beat.values()), default=0.0)
    return (
        f"| {today.isoformat()} | {where} | {load:.2f} | {results.measured_at} | "
        f"{_s(results.migrate_all_nothing_new.median)} | {_s(results.migrate_every_schema_serial)} | "
        f"{_s(results.real_migration_parallel)} | {_s(slowest)} | {_s3(results.last.median)} | "
        f"{_s3(results.last.max)} |"
    )


def earlier_rows(text: str) -> list[str]:
    return history_rows(text, HISTORY_START, HISTORY_END)


def section(results: OrganisationResults, today: dt.date, where: str, earlier: list[str], load: float) -> str:
    rows = "\n".join([*earlier, history_row(results, today, where, load)])
    at = results.measured_at
    windows = []
    for start in range(0, len(results.adding), 100):
        figures = results.window(start, min(start + 100, len(results.adding)))
        windows.append(
            f"| {start + 1}–{start + len(figures.samples)} | {_s3(figures.median)} | {_s3(figures.p95)} "
            f"| {_s3(figures.max)} |"
        )
    beat = "\n".join(
        f"| {label} (`{path.rsplit('.', 1)[1]}`) | {_s(results.beat[path].median)} | {_s(results.beat[path].max)} "
        f"| {1000 * results.beat[path].median / at:.1f} |"
        for path, label in BEAT_TASKS
        if path in results.beat
    )
    serial = (
        f" One schema after another it took {_s(results.real_migration_serial)} s."
        if results.real_migration_serial is not None
        else ""
    )
    nothing_new = results.migrate_all_nothing_new.median
    verdict = (
        f"`migrate_all` without a new migration under 20 s at {at} organisations: "
        f"{'met' if nothing_new < 20 else 'missed'} ({_s(nothing_new)} s).\n"
        f"- Each of the last 50 organisations added in under a second: "
        f"{'met' if results.last.max < 1 else 'missed'} (max {_s3(results.last.max)} s)."
    )
    return f"""## Many organisations in one database

`bench/organisations.py` adds {results.organisations} organisations to a fresh database, the way the
portal does (`organisation_create`, then `organisation_provision`: clone the template schema,
invite the first manager), each one timed. At {at} organisations it stops to measure deployments, a
real migration and the beat tasks; then it adds the rest. The organisations are new ones: a
manager's invitation and no questions yet, so the beat tasks' figures are what visiting every
organisation costs (switching the schema and asking its tables), not the work on their questions.
Run it with `python -m bench.organisations`; each run adds a row below.

{HISTORY_START}
{HISTORY_HEADER}
{rows}
{HISTORY_END}

"Load" is the machine's load average at the start: this machine is shared with other engineers
who build and test at the same time, so the figures carry their work too and a quiet machine
does better.

### The latest run in detail

{today.isoformat()}, {where}, PostgreSQL {results.server_version}, Python {platform.python_version()},
load average {load:.2f} at the start{" (a shared machine, busy with other work)" if load > 2 else ""}.

**Deployments at {at} organisations.**

| `migrate_all` | Seconds |
| --- | ---: |
| on the empty database (public and the template) | {_s(results.migrate_all_empty)} |
| nothing new, the schemas checked and skipped (median of 3) | {_s(results.migrate_all_nothing_new.median)} |
| every schema migrated one after another, as before (`--every-schema --jobs 1`) | {_s(results.migrate_every_schema_serial)} |
| a real migration (`{results.step_back}`) in every schema, {results.jobs} at once | {_s(results.real_migration_parallel)} |

The real migration is the latest tickets migration (it adds indexes or nullable columns), unapplied
first in the template and all {at} organisations (what it adds dropped and its row in
`django_migrations` deleted, in plain SQL: {_s(results.unapply_seconds)} s), then applied again by
`migrate_all`, which the benchmark checks by finding what it adds in every schema.{serial} With nothing new, `migrate_all` still migrates public
(Django's own check of every app) and then reads every schema's `django_migrations` in one query.

**The beat tasks at {at} organisations** (each run {TASK_RUNS} times, through Celery's `apply`, in this process).

| Task | Median s | Max s | ms per organisation |
| --- | ---: | ---: | ---: |
{beat}

**Adding organisations, up to {results.organisations}** (create and provision, seconds per organisation).

| Organisations | Median s | p95 s | Max s |
| --- | ---: | ---: | ---: |
{chr(10).join(windows)}

- The last 50 (up to {len(results.adding)}): median {_s3(results.last.median)} s, max {_s3(results.last.max)} s.
- {verdict}
- Peak RSS of the benchmark process: {results.peak_rss_mb:.0f} MB.
"""


def main(argv: list[str] | None = None) -> int:
    # Imported here: bench.run imports this module for `make bench`.
    from bench.escalations import write_section
    from bench.run import start

    parser = argparse.ArgumentParser(prog="python -m bench.organisations")
    parser.add_argument("--organisations", type=int, default=ORGANISATIONS)
    parser.add_argument("--measure-at", type=int, default=MEASURE_AT)
    parser.add_argument("--jobs", type=int, default=0, help="processes for the real migration (default: cores)")
    parser.add_argument("--serial-too", action="store_true", help="also time the real migration one by one")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)

    load, today, where = start()
    with bench_database(BENCH_DATABASE) as name:
        print(f"[bench] database {name}: fresh")
        results = run(
            organisations=args.organisations, measure_at=args.measure_at, jobs=args.jobs, serial_too=args.serial_too
        )
    print(f"[bench] database {name}: dropped")
    print("[bench] organisations: " + ("within the targets" if results.passes else "NOT within the targets"))
    if not args.no_write:
        text = DOC.read_text() if DOC.is_file() else ""
        body = section(results, today, where, earlier_rows(text), load)
        DOC.write_text(write_section(text, body, SECTION))
        print(f"[bench] wrote {DOC.relative_to(ROOT)}")
    return 0 if results.passes else 1


if __name__ == "__main__":
    sys.exit(main())
