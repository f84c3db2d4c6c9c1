"""The queue and the question page under load through gunicorn, beside django-helpdesk.

Part of the questions benchmark (bench/questions.py). Our pages run through our gunicorn; with
`peer=True` (and wrk) django-helpdesk 2.6.1 runs beside it (bench/peer.py) on the same PostgreSQL
server, with the same number of tickets in the shape of its own benchmark data, and its ticket
page and ticket list take turns with our pages in every round. Each comparison is the median of
the rounds' ratios: ours and the peer's in the same minute, so the machine's moods divide out.
"""

from __future__ import annotations

import contextlib
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from bench.question_data import PEER_MESSAGES, PEER_OPEN_SHARE
from bench.throughput import LOAD_TOOL, ROUNDS, WORKERS, WRK, Page, Throughput

# django-helpdesk 2.6.1 on the same machine shape, with 100,000 tickets, measured before this
# benchmark ran it alongside: 31 to 39 requests a second on its ticket page, about 3 on its ticket
# list. Ours should serve at least twice the first and twenty times the second.
PEER_TICKET_PAGE, PEER_TICKET_LIST = 39.0, 3.0
PAGE_FACTOR, LIST_FACTOR = 2, 20
QUESTION_PAGE, QUEUE, PEER_SHAPE_QUEUE = "Question page", "Queue", "Queue, the peer's data shape"
PEER_PAGE, PEER_LIST = "django-helpdesk: ticket page", "django-helpdesk: ticket list"
FIXED_TARGETS = {
    QUESTION_PAGE: PAGE_FACTOR * PEER_TICKET_PAGE,
    QUEUE: LIST_FACTOR * PEER_TICKET_LIST,
    PEER_SHAPE_QUEUE: LIST_FACTOR * PEER_TICKET_LIST,
}
# Which of our pages is compared with which of the peer's, and how many times faster it must be.
PAIRS = (
    (QUESTION_PAGE, PEER_PAGE, PAGE_FACTOR),
    (QUEUE, PEER_LIST, LIST_FACTOR),
    (PEER_SHAPE_QUEUE, PEER_LIST, LIST_FACTOR),
)


@dataclass(frozen=True)
class Comparison:
    ours: str
    peer: str
    factor: int  # the target: ours at least this many times the peer's requests per second
    ratios: tuple[float, ...]  # ours / the peer's, per round

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def reached(self) -> bool:
        return self.ratio >= self.factor


def comparisons(loads: list[Throughput]) -> list[Comparison]:
    by_label = {load.label: load for load in loads}
    return [
        Comparison(
            ours, peer, factor, tuple(a / b for a, b in zip(by_label[ours].rounds, by_label[peer].rounds, strict=True))
        )
        for ours, peer, factor in PAIRS
        if ours in by_label and peer in by_label
    ]


def reached(loads: list[Throughput]) -> bool:
    compared = comparisons(loads)
    if compared:
        return all(comparison.reached for comparison in compared)
    return bool(loads) and all(
        load.per_second >= FIXED_TARGETS[load.label] for load in loads if load.label in FIXED_TARGETS
    )


@contextlib.contextmanager
def _peer_pages(peer: bool, tickets: int, say: Callable[[str], None]) -> Iterator[list[Page]]:
    if not (peer and WRK):
        if peer:
            say("  (django-helpdesk is measured with wrk only; wrk is not installed)")
        yield []
        return
    from bench.peer import peer_server

    with peer_server(tickets=tickets, open_share=PEER_OPEN_SHARE, followups=PEER_MESSAGES, say=say) as site:
        yield [
            Page(PEER_PAGE, site.host, site.ticket_path, site.cookie, port=site.port, cookie_name=site.cookie_name),
            Page(PEER_LIST, site.host, site.list_path, site.cookie, port=site.port, cookie_name=site.cookie_name),
        ]


def measure_load(
    pages: list[Page], *, seconds: float, peer: bool, tickets: int, say: Callable[[str], None]
) -> list[Throughput]:
    """Our `pages` and, with `peer`, django-helpdesk's two, in turns."""
    from bench import throughput

    say(f"throughput: gunicorn with {WORKERS} sync workers, {LOAD_TOOL}, {ROUNDS} rounds of {seconds:g} s per page ...")
    with _peer_pages(peer, tickets, say) as theirs:
        measured = throughput.run([*pages, *theirs], seconds=seconds)
    for load in measured:
        say(
            f"  {load.label:<34} {load.per_second:6.1f} requests/s   rounds "
            f"{' / '.join(f'{rate:.1f}' for rate in load.rounds)}   median {load.latency.median * 1000:6.1f} ms   "
            f"errors {load.errors}"
        )
    for comparison in comparisons(measured):
        say(f"  {comparison.ours} / {comparison.peer}: {comparison.ratio:.1f} times (target {comparison.factor})")
    return measured


def _ms(value: float) -> str:
    return f"{value * 1000:.1f}"


def load_section(loads: list[Throughput], *, large: int, seeded_peer: Any = None) -> str:
    if not loads:
        return "The load through gunicorn was not measured in this run (`--throughput-seconds 0`)."
    table = "\n".join(
        f"| {load.label} | {load.per_second:.1f} | {' / '.join(f'{rate:.1f}' for rate in load.rounds)} | "
        f"{_ms(load.latency.median)} | {_ms(load.latency.p95)} | {load.answered:,} | {load.errors} |"
        for load in loads
    )
    compared = comparisons(loads)
    if compared:
        rows = "\n".join(
            f"| {c.ours} | {c.peer} | {c.ratio:.1f} | {' / '.join(f'{r:.1f}' for r in c.ratios)} | {c.factor} | "
            f"{'yes' if c.reached else '**no**'} |"
            for c in compared
        )
        verdict = f"""| Ours | django-helpdesk | Times as many requests | Per round | Target | Reached |
| --- | --- | ---: | --- | ---: | --- |
{rows}"""
    else:
        verdict = (
            "django-helpdesk did not run beside ours in this run; the targets are its earlier figures: "
            + ", ".join(f"{label} {target:g} requests/s" for label, target in FIXED_TARGETS.items())
        )
    summary = "Every page reaches its target." if reached(loads) else "**Not every page reaches its target.**"
    seconds = loads[0].seconds
    return f"""### Requests per second through gunicorn, beside django-helpdesk

The volunteer's session over HTTP on loopback (`bench/throughput.py`, `bench/question_load.py`):
gunicorn with {WORKERS} sync workers and DEBUG off, on the organisations with {large:,} questions. Beside
it, django-helpdesk 2.6.1 (`bench/peer.py`) in its own virtualenv and gunicorn, also {WORKERS} sync
workers and DEBUG off, on a database of its own on the same PostgreSQL server, with {large:,} tickets
in the shape of its benchmark data ({PEER_OPEN_SHARE:.0%} open, {PEER_MESSAGES} follow-ups each), signed in as
a staff member. Its ticket list page is a shell that loads its rows afterwards from a JSON
endpoint (DataTables); "ticket list" is that endpoint's first page, as the page asks for it, the
part that reads the tickets. The load is {LOAD_TOOL}, one page again and again without pausing, {ROUNDS} rounds of
about {seconds:.0f} s per page after a warm-up, the pages taking turns in every round; a page's figure is
its median round. The load tool, both servers and PostgreSQL share the machine's two cores, and
the machine is shared with other work: its speed moves from minute to minute, which is why each
comparison is the median of the ratios within a round. Every question page request writes its
audit row and read marker, as it does for a person. Both servers run gunicorn.conf.py's defaults:
the application loaded once and the workers forked from it, each worker replaced after about a
thousand requests.

| Page | Requests/s | Rounds | Median ms | p95 ms | Answered | Errors |
| --- | ---: | --- | ---: | ---: | ---: | ---: |
{table}

{verdict}

{summary}"""
