"""Whether the professionals' queue answers in one query per page, with 200 organisations.

Seeds the cross-tenant escalation index the way a busy operator would have it: 200 active care
organisations (registry rows only; the queue never visits their schemas) and 20,000 escalated
questions spread over them, the products of the catalogue, both priorities and two weeks of
escalation times. Then requests the queue through the whole Django stack, as a professional
signed in on the portal with a verified second factor (the test client, as tests/conftest.py
signs in): the first page, a page deep in the list, the page before it, and the list filtered by
one organisation, by one product, and by both.

For each page it counts the queries of one request (the list must be one; the rest is the
session, the user and the second factor's device) and times a series of requests after a
warm-up. The filter choices come from the cache, as they do between requests in production.

Runs on its own, in a database of its own that it creates and drops:

    python -m helpdesk.embedded exec --profile bench -- python -m bench.escalations
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import platform
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench.provisioning import Figures, history_rows, peak_rss_mb

ORGANISATIONS = 200
ENTRIES = 20_000
URGENT_SHARE = 0.1
WORRY_SHARE = 0.04
TAKEN_SHARE = 0.3
SPAN_DAYS = 14
BENCH_DATABASE = "helpdesk_bench_escalations"
PROFESSIONAL_EMAIL = "professional@bench.example"

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "escalations"
HISTORY_START = "<!-- bench:escalations-history:start -->"
HISTORY_END = "<!-- bench:escalations-history:end -->"
HISTORY_HEADER = (
    "| Date | Machine | Organisations | Questions | List queries per page | Queries per request "
    "| First page median ms | Deep page median ms | Slowest p95 ms |\n"
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)

SUBJECTS = (
    "Tablet belt niet meer",
    "Alarm gaat vanzelf af",
    "Geen verbinding met de app",
    "Dispenser geeft geen pillen",
    "Sensor meldt niets meer",
    "Wachtwoord werkt niet",
    "Scherm blijft zwart",
    "Ik hoor de beltoon niet",
)
REASONS = (
    "too_difficult",
    "needs_supplier",
    "too_much_now",
    "waited_too_long",
    "nobody_on_duty",
)


@dataclass
class Scenario:
    label: str
    path: str
    queries: int = 0  # every SQL statement of one request, without django-tenants' SET search_path
    search_path_sets: int = 0
    list_queries: int = 0  # statements that read the escalation index
    list_sql: str = ""
    rows: int = 0
    figures: Figures = field(default_factory=lambda: Figures(()))
    list_ms: Figures = field(default_factory=lambda: Figures(()))
    plan: str = ""

    @property
    def uses_index(self) -> bool:
        return "Index" in self.plan and "Seq Scan" not in self.plan and "Sort" not in self.plan.split("\n", 3)[0]


@dataclass
class EscalationResults:
    organisations: int
    entries: int
    scenarios: list[Scenario] = field(default_factory=list)
    seed_seconds: float = 0.0
    server_version: str = ""
    peak_rss_mb: float = 0.0
    # For comparison only: the deep page read the way offset paging would, `OFFSET n LIMIT 26`.
    offset_rows: int = 0
    offset_sql: Figures = field(default_factory=lambda: Figures(()))
    keyset_sql: Figures = field(default_factory=lambda: Figures(()))

    @property
    def passes(self) -> bool:
        return all(scenario.list_queries == 1 for scenario in self.scenarios)

    def scenario(self, label: str) -> Scenario:
        return next(s for s in self.scenarios if s.label == label)


# --- Seeding ----------------------------------------------------------------------------------


def _prefix(index: int) -> str:
    """EAA, EAB, ...: a valid, unique reference prefix per organisation (676 possible)."""
    return "E" + chr(ord("A") + index // 26) + chr(ord("A") + index % 26)


def seed(*, organisations: int, entries: int, now: datetime, rng: random.Random) -> tuple[list[Any], list[Any]]:
    """The registry rows and the index rows, in bulk. Returns the organisations and products."""
    # Imported here: bench.run sets Django up only after reading its arguments.
    from escalations.models import PRIORITY_RANK, EscalationEntry
    from tenants.models import CareOrganisation, Product

    orgs = CareOrganisation.objects.bulk_create(
        CareOrganisation(
            name=f"Zorggroep Bench {index + 1:03d}",
            slug=f"bench-{index + 1:03d}",
            schema_name=CareOrganisation.schema_for_slug(f"bench-{index + 1:03d}"),
            reference_prefix=_prefix(index),
            status=CareOrganisation.Status.ACTIVE,
        )
        for index in range(organisations)
    )
    products = list(Product.objects.order_by("pk"))
    numbers = dict.fromkeys((org.pk for org in orgs), 1000)
    span = SPAN_DAYS * 24 * 60 * 60
    batch: list[EscalationEntry] = []
    for _ in range(entries):
        organisation = rng.choice(orgs)
        numbers[organisation.pk] += 1
        number = numbers[organisation.pk]
        urgent = rng.random() < URGENT_SHARE
        worry = urgent and rng.random() < WORRY_SHARE / URGENT_SHARE
        escalated = now - timedelta(seconds=rng.randrange(span))
        taken = rng.random() < TAKEN_SHARE
        priority = "urgent" if urgent else "normal"
        batch.append(
            EscalationEntry(
                organisation=organisation,
                ticket_id=number - 1000,
                number=number,
                reference=organisation.reference_for(number),
                subject=rng.choice(SUBJECTS),
                product=rng.choice(products),
                priority=priority,
                priority_rank=PRIORITY_RANK[priority],
                status="in_progress" if taken else "new",
                reason="safety_worry" if worry else rng.choice(REASONS),
                is_worry=worry,
                asked_at=escalated - timedelta(minutes=rng.randrange(5, 600)),
                escalated_at=escalated,
                taken_by_id=1 if taken else None,
                taken_by_name="Pieter Professional" if taken else "",
                updated_at=escalated,
            )
        )
    EscalationEntry.objects.bulk_create(batch, batch_size=2000)
    return orgs, products


def _professional() -> Any:
    """The professional who reads the queue, with a confirmed authenticator app."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # Imported here: bench.run sets Django up only after reading its arguments.
    from helpdesk.accounts.models import Role, User

    user = User.objects.create_user(email=PROFESSIONAL_EMAIL, full_name="Pieter Professional", role=Role.PROFESSIONAL)
    user.device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    return user


def _client(user: Any) -> Any:
    """A browser on the portal, signed in with the second factor verified (as the tests sign in)."""
    from django.conf import settings
    from django.test import Client

    # Imported here: bench.run sets Django up only after reading its arguments.
    from tests.signing_in import sign_in

    return sign_in(Client(HTTP_HOST=settings.BASE_DOMAIN), None, user, device=user.device)


# --- Measuring --------------------------------------------------------------------------------


def _scenarios(orgs: list[Any], products: list[Any]) -> list[Scenario]:
    # Imported here: bench.run sets Django up only after reading its arguments.
    from escalations.models import EscalationEntry
    from escalations.selectors import QUEUE_ORDER, QueuePosition
    from tenants.models import Product

    total = EscalationEntry.objects.count()
    # A position near the end of the list: where offset paging would read 19,000 rows first.
    deep = QueuePosition.of(EscalationEntry.objects.order_by(*QUEUE_ORDER)[max(0, total - 1000)]).token()
    busiest = max(orgs, key=lambda org: EscalationEntry.objects.filter(organisation=org).count())
    product = Product.objects.get(pk=max(products, key=lambda p: EscalationEntry.objects.filter(product=p).count()).pk)
    return [
        Scenario("First page", "/escalations/"),
        Scenario(f"Deep page (after row {max(0, total - 1000):,})", f"/escalations/?after={deep}"),
        Scenario("Page before the deep page", f"/escalations/?before={deep}"),
        Scenario("One organisation", f"/escalations/?organisation={busiest.pk}"),
        Scenario("One product", f"/escalations/?product={product.pk}"),
        Scenario("Organisation and product", f"/escalations/?organisation={busiest.pk}&product={product.pk}"),
    ]


def _get(client: Any, scenario: Scenario) -> Any:
    response = client.get(scenario.path)
    if response.status_code != 200 or b'id="escalation-rows"' not in response.content:
        raise RuntimeError(f"{scenario.label}: status {response.status_code} or no queue on the page")
    return response


def _explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def measure(
    client: Any, scenarios: list[Scenario], *, requests: int, warmup: int, say: Callable[[str], None]
) -> list[Scenario]:
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    # Production runs with DEBUG off; with it on, Django would also keep every query in memory.
    with override_settings(DEBUG=False):
        for scenario in scenarios:
            for _ in range(warmup):
                _get(client, scenario)
            with CaptureQueriesContext(connection) as queries:
                response = _get(client, scenario)
            statements = [q["sql"] for q in queries.captured_queries]
            scenario.search_path_sets = sum(1 for sql in statements if sql.startswith("SET search_path"))
            statements = [sql for sql in statements if not sql.startswith("SET search_path")]
            scenario.queries = len(statements)
            reads = [sql for sql in statements if "escalations_escalationentry" in sql]
            scenario.list_queries = len(reads)
            scenario.list_sql = reads[0] if reads else ""
            scenario.rows = len(re.findall(rb'<tr id="escalation-', response.content))
            samples: list[float] = []
            list_times: list[float] = []

            def timer(
                execute: Any, sql: str, params: Any, many: bool, context: Any, times: list[float] = list_times
            ) -> Any:
                """Times the list query alone, as the database driver sees it."""
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    if "escalations_escalationentry" in sql:
                        times.append(time.perf_counter() - started)

            with connection.execute_wrapper(timer):
                for _ in range(requests):
                    started = time.perf_counter()
                    _get(client, scenario)
                    samples.append(time.perf_counter() - started)
            scenario.figures = Figures(tuple(samples))
            scenario.list_ms = Figures(tuple(list_times))
            if scenario.list_sql:
                scenario.plan = _explain(scenario.list_sql)
            say(
                f"  {scenario.label:<34} rows {scenario.rows:>2}  list queries {scenario.list_queries}  "
                f"queries {scenario.queries}  median {scenario.figures.median * 1000:6.1f} ms  "
                f"p95 {scenario.figures.p95 * 1000:6.1f} ms  list SQL {scenario.list_ms.median * 1000:5.2f} ms"
            )
    return scenarios


def run(
    *,
    organisations: int = ORGANISATIONS,
    entries: int = ENTRIES,
    requests: int = 30,
    warmup: int = 3,
    say: Callable[[str], None] = print,
) -> EscalationResults:
    """Seeds and measures everything; the caller has set up an empty database."""
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    # Imported here: bench.run sets Django up only after reading its arguments.
    from demo.load import products_ensure
    from escalations.selectors import FILTER_CHOICES_CACHE_KEY

    results = EscalationResults(organisations=organisations, entries=entries)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        results.server_version = str(cursor.fetchone()[0]).split(" ")[0]
    say("migrate_all on an empty database ...")
    call_command("migrate_all", verbosity=0, stdout=io.StringIO())
    connection.set_schema_to_public()
    products_ensure()
    started = time.perf_counter()
    orgs, products = seed(organisations=organisations, entries=entries, now=timezone.now(), rng=random.Random(4))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE escalations_escalationentry")
    results.seed_seconds = time.perf_counter() - started
    say(f"seeded {organisations} organisations and {entries:,} escalated questions in {results.seed_seconds:.1f} s")
    cache.delete(FILTER_CHOICES_CACHE_KEY)
    client = _client(_professional())
    results.scenarios = measure(client, _scenarios(orgs, products), requests=requests, warmup=warmup, say=say)
    cache.delete(FILTER_CHOICES_CACHE_KEY)
    _compare_with_offset(results, runs=requests)
    say(
        f"  deep page by OFFSET {results.offset_rows:,}: {results.offset_sql.median * 1000:.2f} ms; "
        f"by position: {results.keyset_sql.median * 1000:.2f} ms"
    )
    results.peak_rss_mb = peak_rss_mb()
    return results


def _compare_with_offset(results: EscalationResults, *, runs: int) -> None:
    """Times the same deep page fetched by offset and by position, the list query alone."""
    # Imported here: bench.run sets Django up only after reading its arguments.
    from escalations.models import EscalationEntry
    from escalations.selectors import QUEUE_ORDER, QueuePosition, escalation_queue

    ordered = EscalationEntry.objects.select_related("organisation", "product").order_by(*QUEUE_ORDER)
    results.offset_rows = max(0, results.entries - 1000)
    position = QueuePosition.of(ordered[results.offset_rows - 1])
    by_offset, by_position = [], []
    for _ in range(runs):
        started = time.perf_counter()
        offset_page = list(ordered[results.offset_rows : results.offset_rows + 26])
        by_offset.append(time.perf_counter() - started)
        started = time.perf_counter()
        keyset_page = escalation_queue(after=position)
        by_position.append(time.perf_counter() - started)
    if [e.pk for e in offset_page[:25]] != [e.pk for e in keyset_page.entries]:
        raise RuntimeError("offset and position found different rows for the same page")
    results.offset_sql = Figures(tuple(by_offset))
    results.keyset_sql = Figures(tuple(by_position))


# --- docs/benchmarks.md -----------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def history_row(results: EscalationResults, today: dt.date, where: str) -> str:
    first = results.scenarios[0]
    deep = results.scenarios[1]
    list_queries = max(s.list_queries for s in results.scenarios)
    queries = max(s.queries for s in results.scenarios)
    slowest = max(s.figures.p95 for s in results.scenarios)
    return (
        f"| {today.isoformat()} | {where} | {results.organisations} | {results.entries:,} | {list_queries} | "
        f"{queries} | {_ms(first.figures.median)} | {_ms(deep.figures.median)} | {_ms(slowest)} |"
    )


def earlier_rows(text: str) -> list[str]:
    return history_rows(text, HISTORY_START, HISTORY_END)


def _plan_summary(plan: str) -> str:
    """How PostgreSQL found the page's rows, in a few words: the index it read, and any sort."""
    import re

    scans = re.findall(r"(Index (?:Only )?Scan(?: Backward)?|Bitmap Index Scan) (?:using|on) (\w+)", plan)
    used = [f"{kind.lower()} `{name}`" for kind, name in scans if name.startswith("escalation")]
    if not used:
        used = [f"{kind.lower()} `{name}`" for kind, name in scans if "escalationentry" in name]
    sort = re.search(r"Sort Method: (\w+)", plan)
    words = ", ".join(used) or "no index"
    return f"{words}, then a {sort.group(1)} sort of the matches" if sort else f"{words}, in the queue's order"


def section(results: EscalationResults, today: dt.date, where: str, earlier: list[str], load: float) -> str:
    rows = "\n".join([*earlier, history_row(results, today, where)])
    detail = "\n".join(
        f"| {s.label} | {s.rows} | {s.list_queries} | {s.queries} | {_ms(s.figures.median)} | {_ms(s.figures.p95)} "
        f"| {s.list_ms.median * 1000:.2f} | {_plan_summary(s.plan)} |"
        for s in results.scenarios
    )
    search_path = max(s.search_path_sets for s in results.scenarios)
    requests = len(results.scenarios[0].figures.samples)
    verdict = (
        "Every page read the index with exactly one query."
        if results.passes
        else "**Not every page read the index with one query.**"
    )
    deep = results.scenarios[1]
    return f"""## The professionals' queue

`bench/escalations.py` fills the cross-tenant escalation index with {results.entries:,} escalated
questions of {results.organisations} active care organisations (registry rows only: the queue never
visits an organisation's schema), spread over every product of the catalogue, with one in ten
urgent and escalation times over two weeks. It then asks for the queue at `/escalations/` through
the whole Django stack, as a professional signed in on the portal with a verified second factor,
{requests} times per page after a warm-up. Each page holds 25 questions and is found by its position
in the queue's order (keyset paging on priority, escalation time and id): the query asks for 26 rows
to learn whether a next page exists, and never counts. Run it on its own with
`python -m bench.escalations`; each run adds a row below.

{HISTORY_START}
{HISTORY_HEADER}
{rows}
{HISTORY_END}

"List queries per page" counts the statements that read the index, in one request of each page
(the highest of all pages); it must be 1. "Queries per request" is every statement of that request:
besides the list, the session, the user and the device of the second factor. The filter choices
(organisations and products) come from the cache, which holds them for a minute; filling it costs two
small queries once a minute. django-tenants also sends `SET search_path` before statements
({search_path} per request here); those are not counted.

### The latest run in detail

{today.isoformat()}, {where}, PostgreSQL {results.server_version}, Python {platform.python_version()},
load average {load:.2f} at the start; seeding took {results.seed_seconds:.1f} s.

| Page | Rows | List queries | Queries | Median ms | p95 ms | List SQL median ms | How PostgreSQL finds the rows |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |
{detail}

- {verdict}
- The deep page's list query took {deep.list_ms.median * 1000:.2f} ms against
  {results.scenarios[0].list_ms.median * 1000:.2f} ms for the first page: the position is compared as a row
  value, `(priority_rank, escalated_at, id) > (...)`, which PostgreSQL reads from the index as a
  range instead of skipping rows as an offset would. For comparison, through the ORM with the rows
  built into objects: the same 25 rows with `OFFSET {results.offset_rows:,}` took
  {results.offset_sql.median * 1000:.2f} ms, by position {results.keyset_sql.median * 1000:.2f} ms
  (medians of {len(results.offset_sql.samples)}).
- Filtered by both organisation and product, PostgreSQL may combine the two foreign-key indexes
  and sort the matches: one organisation's escalated questions about one product, a handful.
- "Median ms" and "p95 ms" are the whole request in the test client (middleware, view, template);
  "List SQL" is the list query alone, timed around the database driver's call.
- Peak RSS of the benchmark process: {results.peak_rss_mb:.0f} MB.
"""


def _marker(edge: str, name: str = SECTION) -> str:
    return f"<!-- bench:section:{name}:{edge} -->"


def write_section(text: str, body: str, name: str = SECTION) -> str:
    """The page with a benchmark's section (this one's unless named) replaced, or added at the end;
    the rest unchanged."""
    start, end = _marker("start", name), _marker("end", name)
    block = f"{start}\n{body.strip()}\n{end}\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        return f"{before}{block}{chr(10) + after if after else ''}"
    return f"{text.rstrip()}\n\n{block}" if text.strip() else block


def main(argv: list[str] | None = None) -> int:
    # Imported here: bench.run imports this module for `make bench`.
    from bench.run import start

    parser = argparse.ArgumentParser(prog="python -m bench.escalations")
    parser.add_argument("--organisations", type=int, default=ORGANISATIONS)
    parser.add_argument("--entries", type=int, default=ENTRIES)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up requests per page")
    parser.add_argument("--explain", action="store_true", help="print the plan of each page's list query")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)

    load, today, where = start()
    # Imported here: only now is Django set up.
    from bench import provisioning

    with provisioning.bench_database(BENCH_DATABASE) as name:
        print(f"[bench] database {name}: fresh")
        results = run(
            organisations=args.organisations, entries=args.entries, requests=args.requests, warmup=args.warmup
        )
    print(f"[bench] database {name}: dropped")
    if args.explain:
        for scenario in results.scenarios:
            print(f"-- {scenario.label}\n{scenario.list_sql}\n{scenario.plan}\n")
    print("[bench] escalations: " + ("one list query on every page" if results.passes else "MORE THAN ONE LIST QUERY"))
    if not args.no_write:
        text = DOC.read_text() if DOC.is_file() else ""
        DOC.write_text(write_section(text, section(results, today, where, earlier_rows(text), load)))
        print(f"[bench] wrote {DOC.relative_to(ROOT)}")
    return 0 if results.passes else 1


if __name__ == "__main__":
    sys.exit(main())
