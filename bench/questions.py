"""Whether the volunteers' queue and the question page stay fast as an organisation's questions grow.

Two organisations on the database that `bench_database()` set up: a small one with 1,000
questions and a large one with 100,000, seeded the same way. Each page is requested through the
whole Django stack (the test client on the organisation's host, signed in as a volunteer), in
turns: small, large, large, small, ... so that whatever else the machine does slows both alike.

For every page the benchmark counts the SQL queries of one request and times a series of
requests after a warm-up. The promise: the number of queries does not depend on the number of
questions, and a page at 100,000 takes at most 1.5 times as long as at 1,000.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import question_load
from bench.provisioning import Figures, history_rows, peak_rss_mb
from bench.question_data import MIN_RECENT, MIN_VOLUNTEERS, PEER_MESSAGES, PEER_OPEN_SHARE, SEARCH_TERM, Seeded, seed
from bench.throughput import Throughput

SMALL, LARGE = 1_000, 100_000
PEER = -LARGE  # the key of the organisation of LARGE questions in the peer's shape
MAX_RATIO = 1.5
# --- Results ---------------------------------------------------------------------------------


@dataclass
class PageRun:
    """One page at one size: its queries and its times."""

    queries: int  # SQL statements of one request, without django-tenants' SET search_path
    figures: Figures
    rows: int = 0  # questions listed on the page
    search_path_sets: int = 0


@dataclass
class Page:
    label: str
    runs: dict[int, PageRun] = field(default_factory=dict)
    # Per round, the time at LARGE over the time at SMALL, of two requests right after each other.
    pair_ratios: tuple[float, ...] = ()

    @property
    def queries_equal(self) -> bool:
        return len({run.queries for run in self.runs.values()}) == 1

    @property
    def ratio(self) -> float:
        """The median of the paired ratios: steadier than a ratio of medians on a busy machine,
        because both requests of a pair see the same load."""
        return statistics.median(self.pair_ratios)

    @property
    def passes(self) -> bool:
        return self.queries_equal and self.ratio <= MAX_RATIO


@dataclass
class QuestionResults:
    requests: int
    warmup: int
    pages: list[Page] = field(default_factory=list)
    seeded: dict[int, Seeded] = field(default_factory=dict)
    migrate_all_seconds: float = 0.0
    server_version: str = ""
    peak_rss_mb: float = 0.0
    plans: list[str] = field(default_factory=list)
    throughput: list[Throughput] = field(default_factory=list)
    # The queue's pages once more, the small organisation against one of LARGE in the peer's shape.
    peer_pages: list[Page] = field(default_factory=list)
    peer_seeded: Seeded | None = None

    @property
    def passes(self) -> bool:
        return all(page.passes for page in [*self.pages, *self.peer_pages])

    @property
    def throughput_reached(self) -> bool:
        return question_load.reached(self.throughput)


# --- Measuring --------------------------------------------------------------------------------


def _client(organisation: Any, volunteer: Any) -> Any:
    """A browser on the organisation's host, signed in as the volunteer (as the tests sign in)."""
    from django.test import Client

    # Imported here: bench.run sets Django up only after reading its arguments.
    from tests.signing_in import sign_in

    return sign_in(Client(HTTP_HOST=organisation.host), organisation, volunteer)


@dataclass
class Target:
    """A page to measure: its label and, per organisation size, what to request."""

    label: str
    path: Callable[[int], str]
    headers: dict[str, str] = field(default_factory=dict)
    expect: bytes = b""


def _get(client: Any, target: Target, size: int) -> Any:
    response = client.get(target.path(size), headers=target.headers)
    if response.status_code != 200:
        raise RuntimeError(f"{target.label} at {size}: status {response.status_code}, not 200")
    if target.expect and target.expect not in response.content:
        raise RuntimeError(f"{target.label} at {size}: the page lacks {target.expect!r}")
    return response


def _explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def measure(
    targets: list[Target],
    clients: dict[int, Any],
    organisations: dict[int, Any],
    *,
    requests: int,
    warmup: int,
    explain: bool,
    show_queries: bool = False,
    say: Callable[[str], None],
) -> tuple[list[Page], list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings
    from django_tenants.utils import tenant_context

    pages, plans = [], []
    # What the seeding left behind is garbage now; collect it once and keep the collector from
    # walking Django's long-lived objects during the timed requests, as a preloaded server does.
    gc.collect()
    gc.freeze()
    # Production runs with DEBUG off; with it on, Django would also keep every query in memory.
    with override_settings(DEBUG=False):
        for target in targets:
            page = Page(target.label)
            for _ in range(warmup):
                for size in (SMALL, LARGE):
                    _get(clients[size], target, size)
            counted: dict[int, int] = {}
            sets: dict[int, int] = {}
            captured: dict[int, list[dict[str, str]]] = {}
            rows: dict[int, int] = {}
            for size in (SMALL, LARGE):
                with CaptureQueriesContext(connection) as queries:
                    response = _get(clients[size], target, size)
                captured[size] = [q for q in queries.captured_queries if not q["sql"].startswith("SET search_path")]
                counted[size] = len(captured[size])
                sets[size] = len(queries.captured_queries) - counted[size]
                rows[size] = response.content.count(b'<th scope="row">')
            samples: dict[int, list[float]] = {SMALL: [], LARGE: []}
            for round_ in range(requests):
                # Turn about, so a busy moment of the machine does not fall on one size only.
                for size in (SMALL, LARGE) if round_ % 2 == 0 else (LARGE, SMALL):
                    started = time.perf_counter()
                    _get(clients[size], target, size)
                    samples[size].append(time.perf_counter() - started)
            for size in (SMALL, LARGE):
                page.runs[size] = PageRun(counted[size], Figures(tuple(samples[size])), rows[size], sets[size])
            page.pair_ratios = tuple(large / small for small, large in zip(samples[SMALL], samples[LARGE], strict=True))
            pages.append(page)
            say(
                f"  {target.label:<34} queries {counted[SMALL]:>2} / {counted[LARGE]:>2} (+{sets[LARGE]} SET)   "
                f"median {page.runs[SMALL].figures.median * 1000:6.1f} / {page.runs[LARGE].figures.median * 1000:6.1f} ms"
                f"   ratio {page.ratio:4.2f} {'ok' if page.passes else 'TOO SLOW OR MORE QUERIES'}"
            )
            if show_queries:
                plans.append(
                    f"-- {target.label}: {counted[LARGE]} queries at {LARGE:,}\n"
                    + "\n".join(f"{float(q['time']) * 1000:6.2f} ms  {q['sql'][:160]}" for q in captured[LARGE])
                )
            if explain:
                slowest = sorted(captured[LARGE], key=lambda q: float(q["time"]), reverse=True)[:3]
                with tenant_context(organisations[LARGE]):
                    for query in slowest:
                        if query["sql"].lstrip().upper().startswith("SELECT"):
                            plans.append(
                                f"-- {target.label}, {query['time']} s\n{query['sql']}\n{_explain(query['sql'])}"
                            )
                connection.set_schema_to_public()
    return pages, plans


def targets(numbers: dict[int, int], product_pk: int) -> list[Target]:
    return [
        Target("Queue", lambda size: "/questions/", expect=b"queue-rows"),
        Target("Queue, search", lambda size: f"/questions/?q={SEARCH_TERM}", expect=b"queue-rows"),
        Target("Queue, one product", lambda size: f"/questions/?product={product_pk}", expect=b"queue-rows"),
        Target("Queue, nobody has taken", lambda size: "/questions/?unassigned=on", expect=b"queue-rows"),
        Target("Queue, mine", lambda size: "/questions/?mine=on", expect=b"queue-rows"),
        Target("Queue, page 2", lambda size: "/questions/?page=2", expect=b"queue-rows"),
        Target("Queue, closed questions", lambda size: "/questions/?status=closed", expect=b"queue-rows"),
        Target("Queue rows (htmx refresh)", lambda size: "/questions/", {"HX-Request": "true"}, b"queue-rows"),
        Target("Question page", lambda size: f"/questions/{numbers[size]}/", expect=b"<h1>"),
    ]


def run(
    *,
    requests: int = 30,
    warmup: int = 3,
    explain: bool = False,
    show_queries: bool = False,
    throughput_seconds: float = 10.0,
    peer: bool = True,
    say: Callable[[str], None] = print,
) -> QuestionResults:
    """Measures everything; the caller has set up the database. `throughput_seconds` per page
    under load through gunicorn (0: no load)."""
    import io

    from django.core.management import call_command
    from django.db import connection

    # Imported here: bench.run sets Django up only after reading its arguments.
    from demo.load import products_ensure
    from tenants.models import CareOrganisation, Product
    from tenants.services import organisation_create, organisation_provision

    results = QuestionResults(requests=requests, warmup=warmup)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        results.server_version = str(cursor.fetchone()[0]).split(" ")[0]
    say("migrate_all on an empty database ...")
    started = time.perf_counter()
    call_command("migrate_all", verbosity=0, stdout=io.StringIO())
    results.migrate_all_seconds = time.perf_counter() - started
    products_ensure()
    products = list(Product.objects.order_by("pk"))

    organisations: dict[int, Any] = {}
    clients: dict[int, Any] = {}
    numbers: dict[int, int] = {}
    for size, (slug, prefix) in ((SMALL, ("klein", "KLN")), (LARGE, ("groot", "GRT")), (PEER, ("zwaar", "ZWR"))):
        organisation = organisation_create(
            actor=None,
            name=f"Benchmark zorggroep {slug}",
            slug=f"bench-{slug}",
            reference_prefix=prefix,
            manager_email=f"manager@bench-{slug}.example",
            products=products,
        )
        organisation = organisation_provision(organisation_id=organisation.pk)
        connection.set_schema_to_public()
        if organisation.status != CareOrganisation.Status.ACTIVE:
            raise RuntimeError(f"{slug} did not become active: {organisation.provisioning_error}")
        # Nobody keeps duty here; the measured question stays with the volunteers, who take it.
        CareOrganisation.objects.filter(pk=organisation.pk).update(escalate_when_nobody_on_duty=False)
        organisation.escalate_when_nobody_on_duty = False
        count, shape = (LARGE, "the peer's shape") if size == PEER else (size, "ours")
        say(f"seeding {count:,} questions in {organisation.schema_name}, {shape} ...")
        volunteer, numbers[size], seeded = seed(organisation, count, peer_shape=size == PEER)
        if size == PEER:
            results.peer_seeded = seeded
        else:
            results.seeded[size] = seeded
        say(
            f"  {seeded.questions:,} questions ({seeded.open_questions:,} open), {seeded.messages:,} messages, "
            f"{seeded.events:,} history lines in {seeded.seconds:.1f} s; "
            f"'{SEARCH_TERM}' finds {seeded.search_hits:,} ({seeded.search_hits_open:,} open)"
        )
        organisations[size] = organisation
        clients[size] = _client(organisation, volunteer)

    say(f"measuring: {warmup} warm-up and {requests} timed requests per page and size (small / large)")
    results.pages, results.plans = measure(
        targets(numbers, products[0].pk),
        clients,
        organisations,
        requests=requests,
        warmup=warmup,
        explain=explain,
        show_queries=show_queries,
        say=say,
    )
    say(f"the queue's pages again: {SMALL:,} against {LARGE:,} in the peer's shape")
    results.peer_pages, _ = measure(
        [target for target in targets(numbers, products[0].pk) if target.label.startswith("Queue")],
        {SMALL: clients[SMALL], LARGE: clients[PEER]},
        {SMALL: organisations[SMALL], LARGE: organisations[PEER]},
        requests=requests,
        warmup=warmup,
        explain=False,
        say=say,
    )
    if throughput_seconds:
        results.throughput = _throughput(organisations, clients, numbers[LARGE], throughput_seconds, peer, say)
    results.peak_rss_mb = peak_rss_mb()
    return results


def _throughput(
    organisations: dict[int, Any],
    clients: dict[int, Any],
    number: int,
    seconds: float,
    peer: bool,
    say: Callable[[str], None],
) -> list:
    from bench.throughput import Page as LoadPage

    # Imported here: bench.run sets Django up only after reading its arguments.
    from tests.signing_in import session_key

    large, shaped = organisations[LARGE], organisations[PEER]
    cookie = session_key(clients[LARGE])
    pages = [
        LoadPage(question_load.QUESTION_PAGE, large.host, f"/questions/{number}/", cookie),
        LoadPage(question_load.QUEUE, large.host, "/questions/", cookie),
        LoadPage(question_load.PEER_SHAPE_QUEUE, shaped.host, "/questions/", session_key(clients[PEER])),
    ]
    return question_load.measure_load(pages, seconds=seconds, peer=peer, tickets=LARGE, say=say)


# --- The section of docs/benchmarks.md -------------------------------------------------------

HISTORY_START = "<!-- bench:questions-history:start -->"
HISTORY_END = "<!-- bench:questions-history:end -->"
HISTORY_HEADER = (
    "| Date | Machine | Queue ms 1k | Queue ms 100k | Search ms 100k | Question ms 100k | Worst ratio | Queries equal |\n"
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
)


def _ms(value: float) -> str:
    return f"{value * 1000:.1f}"


def history_row(results: QuestionResults, today: Any, where: str) -> str:
    by_label = {page.label: page for page in results.pages}
    worst = max(results.pages, key=lambda page: page.ratio)
    equal = all(page.queries_equal for page in results.pages)
    return (
        f"| {today.isoformat()} | {where} | {_ms(by_label['Queue'].runs[SMALL].figures.median)} | "
        f"{_ms(by_label['Queue'].runs[LARGE].figures.median)} | "
        f"{_ms(by_label['Queue, search'].runs[LARGE].figures.median)} | "
        f"{_ms(by_label['Question page'].runs[LARGE].figures.median)} | "
        f"{worst.ratio:.2f} ({worst.label.lower()}) | {'yes' if equal else 'no'} |"
    )


def peer_section(results: QuestionResults) -> str:
    if not results.peer_pages or results.peer_seeded is None:
        return ""
    peer = results.peer_seeded
    table = "\n".join(
        f"| {page.label} | {_rows(page)} | {page.runs[SMALL].queries} / {page.runs[LARGE].queries} | "
        f"{_ms(page.runs[SMALL].figures.median)} | {_ms(page.runs[LARGE].figures.median)} | "
        f"{_ms(page.runs[LARGE].figures.p95)} | {page.ratio:.2f} | {'yes' if page.passes else '**no**'} |"
        for page in results.peer_pages
    )
    return f"""### The queue in the peer's data shape

A third organisation holds {peer.questions:,} questions in the shape of the peer's data:
{PEER_OPEN_SHARE:.0%} open whatever their age ({peer.open_questions:,}), and {PEER_MESSAGES} messages on every
question ({peer.messages:,} in all; seeded in {peer.seconds:.1f} s). The queue's pages are measured again,
the organisation of {SMALL:,} against this one, in the same way.

| Page | Rows | Queries | Median ms 1k | Median ms peer's shape | p95 ms peer's shape | Ratio | Within |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |
{table}"""


def earlier_rows(text: str) -> list[str]:
    return history_rows(text, HISTORY_START, HISTORY_END)


def _rows(page: Page) -> str:
    small, large = page.runs[SMALL].rows, page.runs[LARGE].rows
    return f"{small} / {large}" if small or large else "–"


def section(results: QuestionResults, today: Any, where: str, earlier: list[str], load: float) -> str:
    small, large = results.seeded[SMALL], results.seeded[LARGE]
    rows = "\n".join([*earlier, history_row(results, today, where)])
    table = "\n".join(
        f"| {page.label} | {_rows(page)} | "
        f"{page.runs[SMALL].queries} / {page.runs[LARGE].queries} | "
        f"{_ms(page.runs[SMALL].figures.median)} | {_ms(page.runs[SMALL].figures.p95)} | "
        f"{_ms(page.runs[LARGE].figures.median)} | {_ms(page.runs[LARGE].figures.p95)} | "
        f"{page.ratio:.2f} | {'yes' if page.passes else '**no**'} |"
        for page in results.pages
    )
    search_path = next((p.runs[LARGE].search_path_sets for p in results.pages if p.label == "Question page"), 0)
    verdict = (
        f"Every page keeps its number of queries and stays within {MAX_RATIO} times its time."
        if results.passes
        else f"**Not every page keeps its number of queries and stays within {MAX_RATIO} times its time.**"
    )
    return f"""## The queue and the question page with 100,000 questions

`bench/questions.py` provisions two organisations on a fresh database and seeds one with {SMALL:,}
questions and the other with {LARGE:,}, the same way: COPY of generated rows, then `VACUUM ANALYZE`.
The questions are spread over three years. The newest are mostly open and the older ones mostly
solved or closed; the newest are the share of one month, but at least {MIN_RECENT}, so that the small
organisation, too, fills the first page of every view measured: both sizes render the same rows,
and the comparison is about the questions behind the page. The texts are Dutch, per product, so
the search has real words to stem. There is a mix of products, channels, priorities and helpers
(one volunteer per 100 questions, at least {MIN_VOLUNTEERS}, none holding more open questions than the
organisation allows), conversations with replies and internal notes on three quarters of the
answered questions, their history, and read markers. One more question gets a conversation
through the services; its page is the question page measured.

Each page is requested with Django's test client on the organisation's host, signed in as a
volunteer: the whole stack of middleware, view and template, without a network. Per page and
size, one request counts the SQL statements (`CaptureQueriesContext`, without the
`SET search_path` that django-tenants sends when the schema changes: {search_path} on the question
page); then, after {results.warmup} warm-up requests, {results.requests} timed requests
per size alternate between the two organisations. DEBUG is off while timing. "Ratio" pairs each
request at {LARGE:,} with the one at {SMALL:,} next to it and takes the median of those ratios,
which a busy moment of the machine moves less than a ratio of medians. The promise: equal
queries, and a ratio of at most {MAX_RATIO}. `python -m bench.run --only questions` runs this
benchmark alone (`--explain` prints the plans of the slowest queries, `--check` fails when a page
breaks the promise); each run adds a row below.

{HISTORY_START}
{HISTORY_HEADER}
{rows}
{HISTORY_END}

### The latest run in detail

{today.isoformat()}, {where}, PostgreSQL {results.server_version}, load average {load:.2f} at the start.

| | {SMALL:,} | {LARGE:,} |
| --- | ---: | ---: |
| Questions | {small.questions:,} | {large.questions:,} |
| Open questions | {small.open_questions:,} | {large.open_questions:,} |
| Messages | {small.messages:,} | {large.messages:,} |
| History lines | {small.events:,} | {large.events:,} |
| Questions with "{SEARCH_TERM}" (open ones) | {small.search_hits:,} ({small.search_hits_open:,}) | {large.search_hits:,} ({large.search_hits_open:,}) |
| Seeding, seconds | {small.seconds:.1f} | {large.seconds:.1f} |

| Page | Rows | Queries | Median ms 1k | p95 ms 1k | Median ms 100k | p95 ms 100k | Ratio | Within |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
{table}

"Rows" and "Queries" are at {SMALL:,} / at {LARGE:,}. The question page's queries include its two
writes, the access log row and the read marker, in one transaction (its `BEGIN` and `COMMIT` are
counted too: one wait for the disk instead of two);
the access log is sealed by a beat task every minute, not by the page (docs/decisions.md #17).
Neither page asks the database for its session or for the host's organisation: both come from
Redis, and the database stays the copy that counts (docs/decisions.md #23).
The same count is checked for every role and state by tests/tickets/test_question_page_queries.py.
{verdict}

{peer_section(results)}

{question_load.load_section(results.throughput, large=LARGE)}

What keeps the queue flat: the open queue and the view of one status read their page in order
from the indexes `ticket_open_queue` and `ticket_status_queue` (unassigned first, oldest first),
instead of joining and sorting every match; the paginator counts at most 1,001 matches
(`tickets/views/paging.py`), so a search or "nobody has taken" among 30,000 open questions
counts no more rows than among a thousand, and the page says "more than 1,000"; it counts without
the joins its rows need. The queue reads only the columns its rows show, the product's and the
helper's names as two columns of the row. The question page reads one question, its conversation and its
history by their indexes. Both pages below the site's frame are Jinja2 (docs/decisions.md #22),
and their forms share one masked CSRF token per request.
"""
