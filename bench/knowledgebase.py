"""Whether suggestions while asking and the instruction page stay fast with 5,000 instructions.

Seeds one care organisation with 2,500 published instructions of its own and 2,500 published
shared ones (public schema) over the two products it supports, each with three steps, titles
built from everyday Dutch questions. Then requests, through the whole Django stack as a browser
without an account would: the live suggestions (`/instructions/suggest/`) for typed questions
with typos, compound words and "werkt niet" phrasing, after choosing the product; and the page of
an own and of a shared instruction. It counts the queries of one request and times a series.

The promise (docs/benchmarks.md): p95 under 50 ms, and the same number of queries whatever the
size of the knowledge base.

    python -m helpdesk.embedded exec --profile bench -- python -m bench.run --only knowledgebase
"""

from __future__ import annotations

import datetime as dt
import io
import platform
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.provisioning import Figures, peak_rss_mb

BENCH_DATABASE = "helpdesk_bench_knowledgebase"
SIZES = (500, 5_000)
P95_PROMISE = 0.050
HISTORY_START = "<!-- bench:knowledgebase-history:start -->"
HISTORY_END = "<!-- bench:knowledgebase-history:end -->"
HISTORY_HEADER = (
    "| Date | Machine | Load | Instructions | Suggestions queries | Suggestions p95 ms | Search SQL p95 ms "
    "| Page queries | Page p95 ms |\n"
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)

SUBJECTS = (
    "de tablet",
    "het geluid",
    "de oplader",
    "het scherm",
    "de wifi",
    "het alarm",
    "de knop",
    "de app",
    "de camera",
    "de batterij",
    "het wachtwoord",
    "de foto",
    "de agenda",
    "de sensor",
    "het lampje",
)
PROBLEMS = (
    "werkt niet",
    "gaat niet aan",
    "is te zacht",
    "laadt niet op",
    "blijft zwart",
    "piept steeds",
    "doet het niet meer",
    "is kwijt",
    "geeft een melding",
    "reageert niet",
    "gaat vanzelf af",
)
QUESTIONS = (
    "het geluid is te zacht",
    "geliud harder",  # a typo
    "tabletoplader",  # a compound word
    "de tablet werkt niet meer",
    "wifiwachtwoord kwijt",
    "het alarm gaat vanzelf af",
    "scherm blijft zwart",
    "camera reageert niet",
)


@dataclass
class Page:
    label: str
    queries: int = 0
    figures: Figures = field(default_factory=lambda: Figures(()))
    search_sql: Figures = field(default_factory=lambda: Figures(()))  # the search statement alone


@dataclass
class SizeResults:
    instructions: int
    suggestions: Page
    own_page: Page
    shared_page: Page
    matches: dict[str, int] = field(default_factory=dict)


@dataclass
class KnowledgebaseResults:
    sizes: list[SizeResults] = field(default_factory=list)
    server_version: str = ""
    peak_rss_mb: float = 0.0

    @property
    def passes(self) -> bool:
        largest = self.sizes[-1]
        constant = len({(s.suggestions.queries, s.own_page.queries, s.shared_page.queries) for s in self.sizes}) == 1
        fast = all(p.figures.p95 < P95_PROMISE for p in (largest.suggestions, largest.own_page, largest.shared_page))
        return constant and fast


def _organisation() -> Any:
    from django.db import connection

    # Imported here: bench.run sets Django up only after reading its arguments.
    from tenants.models import CareOrganisation, Domain, Product
    from tenants.services import organisation_provision

    organisation = CareOrganisation.objects.create(
        name="Zorggroep Bench", slug="bench-kb", schema_name="org_bench_kb", reference_prefix="BKB"
    )
    Domain.objects.create(domain=organisation.host, tenant=organisation, is_primary=True)
    organisation.products.set(Product.objects.filter(slug__in=("beeldbel-tablet", "persoonlijk-alarm")))
    organisation = organisation_provision(organisation_id=organisation.pk)
    connection.set_schema_to_public()
    return organisation


def seed(store: Any, *, count: int, products: list[Any], rng: random.Random) -> None:
    """`count` published instructions with three steps each, in bulk, with their search columns."""
    from django.db import connection
    from django.utils import timezone

    # Imported here: bench.run sets Django up only after reading its arguments.
    from knowledgebase import text
    from knowledgebase.content import RevisionStatus

    now = timezone.now()
    titles = [f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(PROBLEMS)} ({n})" for n in range(count)]
    instructions = store.instruction.objects.bulk_create(
        [store.instruction(product=rng.choice(products), title=title, published_at=now) for title in titles],
        batch_size=2000,
    )
    revisions = store.revision.objects.bulk_create(
        [
            store.revision(
                instruction=item, number=1, status=RevisionStatus.PUBLISHED, title=item.title, reviewed_at=now
            )
            for item in instructions
        ],
        batch_size=2000,
    )
    store.step.objects.bulk_create(
        [
            store.step(revision=revision, position=n, text=f"Stap {n}: druk op {rng.choice(SUBJECTS)}.")
            for revision in revisions
            for n in (1, 2, 3)
        ],
        batch_size=5000,
    )
    table, revision_table = store.instruction._meta.db_table, store.revision._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} i SET published_revision_id = r.id, "
            f"search_vector = setweight(to_tsvector('dutch', i.title), 'A') "
            f"FROM {revision_table} r WHERE r.instruction_id = i.id AND i.published_revision_id IS NULL"
        )
        cursor.executemany(
            f"UPDATE {table} SET trigram_vector = array_to_tsvector(%s::text[]) WHERE id = %s",
            [(text.trigrams(item.title), item.pk) for item in instructions],
        )
        cursor.execute(f"ANALYZE {table}")


def _get(client: Any, path: str, data: dict[str, str] | None = None) -> Any:
    response = client.get(path, data or {})
    if response.status_code != 200:
        raise RuntimeError(f"{path}: status {response.status_code}")
    return response


def _measure(label: str, call: Callable[[], Any], *, requests: int, warmup: int) -> Page:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        call()
    with CaptureQueriesContext(connection) as queries:
        call()
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET search_path")]
    samples: list[float] = []
    search_times: list[float] = []

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        """Times the search statement alone, as the database driver sees it."""
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if "websearch_to_tsquery" in sql:
                search_times.append(time.perf_counter() - started)

    with connection.execute_wrapper(timer):
        for _ in range(requests):
            started = time.perf_counter()
            call()
            samples.append(time.perf_counter() - started)
    return Page(
        label, queries=len(statements), figures=Figures(tuple(samples)), search_sql=Figures(tuple(search_times))
    )


def measure(organisation: Any, *, size: int, requests: int, warmup: int, say: Callable[[str], None]) -> SizeResults:
    from django.test import Client
    from django.test.utils import override_settings
    from django_tenants.utils import tenant_context

    # Imported here: bench.run sets Django up only after reading its arguments.
    from knowledgebase.models import Instruction
    from knowledgebase.shared.models import SharedInstruction

    client = Client(HTTP_HOST=organisation.host)
    with tenant_context(organisation):
        product = organisation.active_products().order_by("pk").first()
        own = Instruction.objects.order_by("pk").first().pk
    shared = SharedInstruction.objects.order_by("pk").first().pk
    client.get("/questions/ask/")
    client.post("/questions/ask/product/", {"product": product.pk})
    matches: dict[str, int] = {}
    turn = iter(range(10**9))

    def suggest() -> Any:
        question = QUESTIONS[next(turn) % len(QUESTIONS)]
        response = _get(client, "/instructions/suggest/", {"subject": question, "body": ""})
        matches[question] = response.content.count(b"<li>")
        return response

    with override_settings(DEBUG=False):
        results = SizeResults(
            instructions=size,
            suggestions=_measure("suggestions", suggest, requests=requests * 2, warmup=warmup),
            own_page=_measure(
                "own page", lambda: _get(client, f"/instructions/{own}/"), requests=requests, warmup=warmup
            ),
            shared_page=_measure(
                "shared page", lambda: _get(client, f"/instructions/shared/{shared}/"), requests=requests, warmup=warmup
            ),
            matches=matches,
        )
    for page in (results.suggestions, results.own_page, results.shared_page):
        search = f"  search SQL p95 {page.search_sql.p95 * 1000:5.1f} ms" if page.search_sql.samples else ""
        say(
            f"  {size:>5} instructions  {page.label:<12} queries {page.queries}  "
            f"median {page.figures.median * 1000:6.1f} ms  p95 {page.figures.p95 * 1000:6.1f} ms{search}"
        )
    return results


def run(*, requests: int = 30, warmup: int = 3, say: Callable[[str], None] = print) -> KnowledgebaseResults:
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import tenant_context

    # Imported here: bench.run sets Django up only after reading its arguments.
    from demo.load import products_ensure
    from knowledgebase.stores import OWN, SHARED

    results = KnowledgebaseResults()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        results.server_version = str(cursor.fetchone()[0]).split(" ")[0]
    say("migrate_all on an empty database ...")
    call_command("migrate_all", verbosity=0, stdout=io.StringIO())
    connection.set_schema_to_public()
    products_ensure()
    organisation = _organisation()
    products = list(organisation.active_products())
    rng = random.Random(11)
    seeded = 0
    for size in SIZES:
        half = (size - seeded) // 2
        seed(SHARED, count=half, products=products, rng=rng)
        with tenant_context(organisation):
            seed(OWN, count=half, products=products, rng=rng)
        connection.set_schema_to_public()
        seeded = size
        say(f"seeded {size:,} instructions ({size // 2:,} own, {size // 2:,} shared)")
        results.sizes.append(measure(organisation, size=size, requests=requests, warmup=warmup, say=say))
        connection.set_schema_to_public()
    results.peak_rss_mb = peak_rss_mb()
    return results


# --- docs/benchmarks.md -----------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def earlier_rows(text: str) -> list[str]:
    if HISTORY_START not in text or HISTORY_END not in text:
        return []
    block = text.split(HISTORY_START, 1)[1].split(HISTORY_END, 1)[0]
    return [line for line in block.splitlines() if line.startswith("| 2")]


def section(results: KnowledgebaseResults, today: dt.date, where: str, earlier: list[str], load: float) -> str:
    largest = results.sizes[-1]
    page_p95 = max(largest.own_page.figures.p95, largest.shared_page.figures.p95)
    row = (
        f"| {today.isoformat()} | {where} | {load:.1f} | {largest.instructions:,} | {largest.suggestions.queries} | "
        f"{_ms(largest.suggestions.figures.p95)} | {_ms(largest.suggestions.search_sql.p95)} | "
        f"{largest.own_page.queries} | {_ms(page_p95)} |"
    )
    rows = "\n".join([*earlier, row])
    detail = "\n".join(
        f"| {size.instructions:,} | {page.label} | {page.queries} | {_ms(page.figures.median)} | "
        f"{_ms(page.figures.p95)} | {_ms(page.search_sql.p95) if page.search_sql.samples else '–'} | "
        f"{len(page.figures.samples)} |"
        for size in results.sizes
        for page in (size.suggestions, size.own_page, size.shared_page)
    )
    found = ", ".join(f"“{question}”: {count}" for question, count in largest.matches.items())
    verdict = (
        "Every page answered within 50 ms at p95, with the same queries at both sizes."
        if results.passes
        else "**Not every page kept the promise (p95 under 50 ms, the same queries at both sizes).**"
    )
    return f"""## Instructions: suggestions while asking and the instruction page

`bench/knowledgebase.py` gives one care organisation {largest.instructions:,} published instructions,
half its own (its schema) and half shared (public schema), over the two products it supports,
each with three steps. A browser without an account chooses the product on the first step of
asking and then types: the live suggestions (`/instructions/suggest/`, one search over both
tables: Dutch full text with OR-ed words and word trigrams) are asked for eight questions in
turn, with a typo, compound words and "werkt niet" phrasing; then the page of an own and of a
shared instruction. Through the whole Django stack (test client), DEBUG off, after a warm-up.

Promise: p95 under 50 ms, and the same number of queries at {results.sizes[0].instructions:,} and
{largest.instructions:,} instructions. {verdict}

{HISTORY_START}
{HISTORY_HEADER}
{rows}
{HISTORY_END}

"Load" is the load average when the run started. On a machine shared with other work, a load above
the number of cores makes every request also wait for the CPU; compare rows of similar load, and
the search statement alone. The query counts are the same at both sizes.

### The latest run in detail

{today.isoformat()}, {where}, PostgreSQL {results.server_version}, Python {platform.python_version()},
load average {load:.2f} at the start. Peak RSS of the benchmark process {results.peak_rss_mb:.0f} MB.

| Instructions | Request | Queries | Median ms | p95 ms | Search SQL p95 ms | Requests |
| ---: | --- | ---: | ---: | ---: | ---: | ---: |
{detail}

Suggestions found at {largest.instructions:,} (at most five): {found}.
The queries of a suggestions request: the session, the organisation's products, and the one
search statement (then the session is saved, with the draft of the question and the shown
suggestions for the deflection count: one ask-flow row and its suggestion rows).
"""
