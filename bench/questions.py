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
import logging
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bench.provisioning import Figures, history_rows, peak_rss_mb
from bench.throughput import CONCURRENCY, WORKERS, Throughput

SMALL, LARGE = 1_000, 100_000
MAX_RATIO = 1.5
# Enough volunteers that nobody holds more open questions than the organisation allows: 12 for
# the small organisation, one per 100 questions for the large one.
MIN_VOLUNTEERS = 12
SPAN_DAYS = 3 * 365
# The newest questions are mostly open, older ones mostly solved or closed. The newest are the
# share of a month in three years, but at least enough that the small organisation fills the
# first page (50 rows) of every view measured: both sizes then render the same rows, and the
# comparison is about the questions behind the page, not about the page.
RECENT_SHARE = 30 / SPAN_DAYS
MIN_RECENT = 600
SEARCH_TERM = "batterij"
# django-helpdesk 2.6.1 on the same machine shape, with 100,000 tickets: 31 to 39 requests a
# second on its ticket page, about 3 on its ticket list. Ours should serve at least twice the
# best of the first and twenty times the second, through gunicorn on loopback.
PEER_TICKET_PAGE, PEER_TICKET_LIST = 39.0, 3.0
THROUGHPUT_TARGETS = {"Question page": 2 * PEER_TICKET_PAGE, "Queue": 20 * PEER_TICKET_LIST}

# --- What people ask, in Dutch, per product ---------------------------------------------------

SUBJECTS: dict[str, list[str]] = {
    "beeldbel-tablet": [
        "Ik zie mijn dochter niet",
        "Geen geluid bij het bellen",
        "Tablet wil niet opladen",
        "Scherm blijft zwart",
        "Wachtwoord vergeten",
        "Beeld hapert tijdens het gesprek",
        "Tablet maakt geen verbinding met wifi",
        "Ik hoor de beltoon niet",
        "Hoe voeg ik een contact toe?",
        "De camera doet het niet",
        "Batterij van de tablet is snel leeg",
    ],
    "medicijndispenser": [
        "Dispenser piept de hele nacht",
        "Hoe vul ik de dispenser bij?",
        "Pillen komen er niet uit",
        "Melding gemiste dosis klopt niet",
        "Tijd van de medicijnen veranderen",
        "Klep zit vast",
        "Batterij bijna leeg",
        "Dispenser geeft geen melding meer",
    ],
    "persoonlijk-alarm": [
        "Alarmknop gaat vanzelf af",
        "Melding dat de batterij leeg is",
        "De centrale hoort mij niet",
        "Knop drukt moeilijk",
        "Alarm werkt niet in de tuin",
        "Hoe test ik het alarm?",
        "Polsband is kapot",
    ],
    "dagplanner-app": [
        "Afspraak staat er niet in",
        "App start niet na de update",
        "Kan ik foto's toevoegen?",
        "Herinnering komt te laat",
        "Ik kan niet inloggen in de app",
        "Planning van morgen is leeg",
        "Letters zijn te klein",
    ],
    "slimme-sensoren": [
        "Sensor geeft vals alarm",
        "Deurmelding klopt niet",
        "Valsensor reageert niet",
        "Sensor knippert rood",
        "Melding komt niet bij mijn dochter aan",
        "Batterij van de sensor vervangen",
    ],
}

DETAILS: dict[str, list[str]] = {
    "beeldbel-tablet": [
        "Als mijn zoon belt, blijft het scherm zwart.",
        "Ik hoor wel iets, maar het beeld bevriest steeds.",
        "Het lampje van de lader blijft uit.",
        "Er staat een melding over de wifi op het scherm.",
        "Ik weet het wachtwoord niet meer en de tablet vraagt erom.",
        "De batterij is na een uur al leeg.",
    ],
    "medicijndispenser": [
        "Hij piept, ook als ik de pillen al genomen heb.",
        "De apotheek bracht nieuwe rollen, maar die passen niet.",
        "Het klepje gaat niet meer open.",
        "Op het schermpje staat dat de batterij bijna leeg is.",
        "De melding komt om acht uur, maar ik neem ze om negen uur.",
    ],
    "persoonlijk-alarm": [
        "Mijn moeder drukt niet, toch belt de centrale.",
        "Het kastje zegt dat de batterij leeg is.",
        "Als ik op de knop druk, hoor ik niemand.",
        "In de tuin doet het alarm het niet.",
        "De band om mijn pols is gescheurd.",
    ],
    "dagplanner-app": [
        "De fysiotherapeut komt dinsdag, maar dat staat er niet in.",
        "Sinds de update blijft het scherm wit.",
        "De herinnering komt pas als de afspraak al begonnen is.",
        "Ik zie de letters niet goed, ze zijn te klein.",
        "De app vraagt om een code die ik niet heb.",
    ],
    "slimme-sensoren": [
        "De sensor in de gang gaat af terwijl er niemand is.",
        "Mijn dochter krijgt geen bericht als de deur open staat.",
        "Het rode lampje knippert de hele dag.",
        "Ik weet niet welke batterij erin moet.",
        "Toen mijn vader viel, kwam er geen melding.",
    ],
}

GENERAL = [
    "Sinds gisteren werkt het niet meer.",
    "Het werkte vorige week nog goed.",
    "Ik heb het apparaat al uit en weer aan gezet.",
    "Het gebeurt vooral 's avonds.",
    "Kunt u mij bellen? Ik lees niet zo goed.",
    "De thuiszorg zei dat ik het hier moest vragen.",
    "Ik woon alleen en maak me een beetje zorgen.",
    "Mijn buurman heeft al gekeken, maar hij weet het ook niet.",
    "Ik ben vaak thuis, behalve op woensdagmiddag.",
    "Wie kan mij hiermee helpen?",
    "Mijn kleinzoon komt zaterdag, misschien kan hij helpen.",
    "Ik heb de handleiding gelezen, maar ik snap het niet.",
]

TOPICS = ["", "", "Bediening", "Storing", "Instellen", "Opladen", "Inloggen"]

HELPER_REPLIES = [
    "Goedemiddag, dank u voor uw vraag. Wilt u het apparaat een keer uit en aan zetten?",
    "Ik heb met de leverancier gebeld. Er komt morgen iemand langs.",
    "Kunt u een foto sturen van wat er op het scherm staat?",
    "Ik bel u vanmiddag even op, dan lopen we het samen door.",
    "Het probleem is bekend. Na de nieuwe update werkt het weer.",
    "Goed dat u het meldt. Ik heb de instelling voor u aangepast.",
]
REQUESTER_REPLIES = [
    "Dank u wel, het werkt weer!",
    "Dat heb ik gedaan, maar het werkt nog steeds niet.",
    "Ik heb een foto gemaakt, maar ik weet niet hoe ik die stuur.",
    "Morgen ben ik de hele dag thuis.",
    "Mijn dochter heeft het nu ingesteld. Het gaat goed.",
]
NOTES = [
    "Gebeld met mevrouw, morgen nog eens proberen.",
    "Leverancier gemaild over dit probleem.",
    "Lijkt op de storing van vorige maand.",
    "Dochter is contactpersoon, liever haar bellen.",
]

FIRST_NAMES = ["Gerrit", "Anja", "Sanne", "Henk", "Fatima", "Joke", "Kees", "Mohammed", "Ria", "Bram", "Truus", "Sem"]
LAST_NAMES = ["Bakker", "Visser", "Smit", "de Vries", "El Amrani", "Jansen", "de Boer", "Mulder", "Bos", "Yilmaz"]

# Status of an old question and of a recent one, with weights.
OLD_STATUSES = (("closed", 900), ("resolved", 60), ("waiting_for_requester", 20), ("in_progress", 15), ("new", 5))
RECENT_STATUSES = (("new", 25), ("in_progress", 25), ("waiting_for_requester", 15), ("resolved", 20), ("closed", 15))
CAUSES = ("explanation", "product_fault", "device_internet", "account", "wish", "other")


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
class Seeded:
    """What one organisation holds after seeding."""

    questions: int = 0
    open_questions: int = 0
    messages: int = 0
    events: int = 0
    reads: int = 0
    search_hits: int = 0
    search_hits_open: int = 0
    seconds: float = 0.0


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

    @property
    def passes(self) -> bool:
        return all(page.passes for page in self.pages)

    @property
    def throughput_reached(self) -> bool:
        return bool(self.throughput) and all(
            load.per_second >= THROUGHPUT_TARGETS[load.label] for load in self.throughput
        )


# --- Seeding ----------------------------------------------------------------------------------


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    total = sum(weight for _, weight in choices)
    pick = rng.randrange(total)
    for value, weight in choices:
        if pick < weight:
            return value
        pick -= weight
    raise AssertionError("unreachable")


def _qualified(schema: str, model: Any) -> str:
    from django.db import connection

    return f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name(model._meta.db_table)}"


def _copy(schema: str, model: Any, rows: list[dict[str, Any]]) -> None:
    """COPY `rows` into the model's table in `schema`. Fields a row leaves out get their default,
    so a field added later does not break the seeding."""
    from django.db import connection, models

    if not rows:
        return
    given = list(rows[0])
    rest = [
        f
        for f in model._meta.concrete_fields
        if f.attname not in given and not f.primary_key and not isinstance(f, models.GeneratedField)
    ]
    defaults = [f.get_default() for f in rest]
    column_of = {f.attname: f.column for f in model._meta.concrete_fields}
    columns = [column_of[name] for name in given] + [f.column for f in rest]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    connection.ensure_connection()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY {_qualified(schema, model)} ({quoted}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([*row.values(), *defaults])


class Seeder:
    """Builds one organisation's questions, conversations, history and read markers."""

    def __init__(
        self, *, count: int, now: datetime, products: list[Any], volunteers: list[Any], requesters: list[Any], cap: int
    ):
        self.count = count
        self.now = now
        self.products = products
        self.volunteers = volunteers
        self.me = volunteers[0]
        self.requesters = requesters
        self.rng = random.Random(20260101)  # the same data every run
        self.cap = cap  # open questions a volunteer may hold
        self.held: dict[int, int] = {}  # open questions per volunteer
        self.tickets: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.reads: list[dict[str, Any]] = []

    def build(self) -> None:
        # Imported here: bench.run sets Django up only after reading its arguments.
        from tickets.models import FIRST_NUMBER

        start = self.now - timedelta(days=SPAN_DAYS)
        step = (self.now - timedelta(minutes=30) - start) / self.count
        recent = max(round(self.count * RECENT_SHARE), MIN_RECENT)
        for index in range(self.count):
            created = start + step * index + timedelta(seconds=self.rng.randrange(0, 600))
            self._ticket(
                pk=index + 1, number=FIRST_NUMBER + index + 1, created=created, recent=index >= self.count - recent
            )

    def _person(self) -> tuple[Any | None, str, str, str]:
        rng = self.rng
        if rng.random() < 0.7:
            requester = rng.choice(self.requesters)
            return requester, requester.full_name, requester.email or "", ""
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if rng.random() < 0.5:
            return None, name, "", f"06{rng.randrange(10_000_000, 99_999_999)}"
        return None, name, f"{name.split()[0].lower()}{rng.randrange(1000)}@voorbeeld.nl", ""

    def _ticket(self, *, pk: int, number: int, created: datetime, recent: bool) -> None:
        rng = self.rng
        product = rng.choice(self.products)
        subjects = SUBJECTS.get(product.slug, SUBJECTS["beeldbel-tablet"])
        details = DETAILS.get(product.slug, DETAILS["beeldbel-tablet"])
        subject = rng.choice(subjects)
        body = " ".join([rng.choice(details), *rng.sample(GENERAL, rng.randint(1, 3))])
        status = _weighted(rng, RECENT_STATUSES if recent else OLD_STATUSES)
        requester, contact_name, contact_email, contact_phone = self._person()
        relation = _weighted(rng, (("", 70), ("informal_carer", 20), ("care_staff", 10)))
        assignee = None
        if status != "new" and rng.random() < {"in_progress": 0.95, "waiting_for_requester": 0.85}.get(status, 0.9):
            assignee = self._helper(holds_open=status in ("in_progress", "waiting_for_requester"))
        answered = status != "new"
        first_response = created + timedelta(minutes=rng.randrange(5, 2880)) if answered else None
        resolved = first_response + timedelta(hours=rng.randrange(1, 96)) if status in ("resolved", "closed") else None
        closed = resolved + timedelta(days=rng.randrange(1, 14)) if status == "closed" else None
        last = min(closed or resolved or first_response or created, self.now)
        escalated = status != "new" and rng.random() < 0.03
        tier = "professional" if escalated and status in ("in_progress", "waiting_for_requester") else "volunteer"
        self.tickets.append(
            {
                "id": pk,
                "number": number,
                "requester_id": requester.pk if requester else None,
                "contact_name": contact_name,
                "contact_email": contact_email,
                "contact_phone": contact_phone,
                "contact_method": "call_back" if contact_phone else ("email" if contact_email else "website"),
                "on_behalf_of_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if relation else "",
                "on_behalf_relation": relation,
                "product_id": product.pk,
                "topic": rng.choice(TOPICS),
                "channel": _weighted(rng, (("web", 60), ("phone", 25), ("in_person", 10), ("email", 5))),
                "subject": subject,
                "body": body,
                "priority": "urgent" if rng.random() < 0.08 else "normal",
                "status": status,
                "assignee_id": assignee.pk if assignee else None,
                "created_at": created,
                "updated_at": last,
                "first_response_at": min(first_response, self.now) if first_response else None,
                "resolved_at": min(resolved, self.now) if resolved else None,
                "closed_at": min(closed, self.now) if closed else None,
                "bottleneck_cause": rng.choice(CAUSES) if resolved else "",
                "tier": tier,
                "escalated_at": first_response if escalated else None,
                "escalation_reason": "too_difficult" if escalated else "",
                "escalated_by_id": assignee.pk if escalated and assignee else None,
                "is_worry": False,
            }
        )
        self._history(self.tickets[-1], assignee, resolved, closed)

    def _helper(self, *, holds_open: bool) -> Any | None:
        """A volunteer; for an open question one who may hold another (the organisation's limit,
        one less for the benchmark's volunteer, who takes one more question through the services)."""
        me_room = self.cap - 1 - self.held.get(self.me.pk, 0)
        if holds_open and me_room > 0 and self.rng.random() < 0.5:
            # The benchmark's volunteer holds as many open questions as allowed at either size,
            # so the "mine" view lists the same at both.
            self.held[self.me.pk] = self.held.get(self.me.pk, 0) + 1
            return self.me
        for _ in range(20):
            volunteer = self.rng.choice(self.volunteers)
            if not holds_open:
                return volunteer
            room = self.cap - (1 if volunteer is self.me else 0)
            if self.held.get(volunteer.pk, 0) < room:
                self.held[volunteer.pk] = self.held.get(volunteer.pk, 0) + 1
                return volunteer
        return None

    def _event(self, ticket: int, at: datetime, kind: str, actor: Any | None, to: str = "", before: str = "") -> None:
        self.events.append(
            {
                "ticket_id": ticket,
                "actor_id": actor.pk if actor else None,
                "actor_name": actor.full_name if actor else "",
                "kind": kind,
                "from_value": before,
                "to_value": to,
                "at": min(at, self.now),
            }
        )

    def _message(self, ticket: int, at: datetime, author: Any | None, name: str, body: str, **flags: bool) -> None:
        self.messages.append(
            {
                "ticket_id": ticket,
                "author_id": author.pk if author else None,
                "author_name": name,
                "body": body,
                "is_internal": flags.get("is_internal", False),
                "from_requester": flags.get("from_requester", False),
                "created_at": min(at, self.now),
            }
        )

    def _history(
        self, ticket: dict[str, Any], assignee: Any | None, resolved: datetime | None, closed: datetime | None
    ) -> None:
        rng, pk, status = self.rng, ticket["id"], ticket["status"]
        created, first_response, last = ticket["created_at"], ticket["first_response_at"], ticket["updated_at"]
        self._event(pk, created, "created", None, to="new")
        if assignee is not None:
            self._event(pk, created + timedelta(minutes=1), "claimed", assignee, to=assignee.full_name)
            self._event(pk, created + timedelta(minutes=1), "status", assignee, to="in_progress", before="new")
        if first_response is not None and rng.random() < 0.75:
            # A conversation: a reply, sometimes an answer back and forth, sometimes a note.
            helper = assignee or rng.choice(self.volunteers)
            at = first_response
            for turn in range(rng.randint(1, 4)):
                if turn % 2 == 0:
                    self._message(pk, at, helper, helper.full_name, rng.choice(HELPER_REPLIES))
                    self._event(pk, at, "replied", helper)
                else:
                    self._message(
                        pk, at, None, ticket["contact_name"], rng.choice(REQUESTER_REPLIES), from_requester=True
                    )
                    self._event(pk, at, "replied", None)
                at += timedelta(minutes=rng.randrange(10, 600))
            if rng.random() < 0.2:
                self._message(pk, at, helper, helper.full_name, rng.choice(NOTES), is_internal=True)
                self._event(pk, at, "note", helper)
        if status == "waiting_for_requester":
            self._event(pk, last, "status", assignee, to=status, before="in_progress")
        if resolved is not None:
            self._event(pk, resolved, "status", assignee, to="resolved", before="in_progress")
        if closed is not None:
            self._event(pk, closed, "status", None, to="closed", before="resolved")
        # Read markers: helpers saw most of their own questions as they are now, the benchmark's
        # volunteer also some of the others; the rest show as "new for you".
        if assignee is not None and rng.random() < 0.8:
            self.reads.append({"user_id": assignee.pk, "ticket_id": pk, "seen_at": last})
        elif assignee is not self.me and status != "closed" and rng.random() < 0.3:
            self.reads.append({"user_id": self.me.pk, "ticket_id": pk, "seen_at": last})


def _people(count: int) -> tuple[list[Any], list[Any]]:
    """Volunteers and requesters of the current schema."""
    # Imported here: bench.run sets Django up only after reading its arguments.
    from helpdesk.accounts.models import Role, User

    people = []
    for role, kind, number in (
        (Role.VOLUNTEER, "vrijwilliger", max(count // 100, MIN_VOLUNTEERS)),
        (Role.REQUESTER, "vrager", max(count // 50, 10)),
    ):
        for index in range(number):
            user = User(
                email=f"{kind}{index}@bench.example",
                full_name=f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {LAST_NAMES[(index // 3) % len(LAST_NAMES)]}",
                role=role,
            )
            user.set_unusable_password()
            people.append(user)
    User.objects.bulk_create(people, batch_size=2000)
    volunteers = list(User.objects.filter(role=Role.VOLUNTEER).order_by("pk"))
    return volunteers, list(User.objects.filter(role=Role.REQUESTER).order_by("pk"))


def seed(organisation: Any, count: int) -> tuple[Any, int, Seeded]:
    """Fills the organisation with `count` questions; returns its volunteer (the one who signs in),
    the number of a question with a conversation, and what was seeded."""
    from django.contrib.postgres.search import SearchQuery
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    # Imported here: bench.run sets Django up only after reading its arguments.
    from escalations.services import escalation_index_reconcile
    from tickets import services
    from tickets.models import OPEN_STATUSES, Message, ReferenceCounter, Ticket, TicketEvent, TicketRead

    started = time.perf_counter()
    schema = organisation.schema_name
    with tenant_context(organisation):
        products = list(organisation.active_products().order_by("pk"))
        volunteers, requesters = _people(count)
        seeder = Seeder(
            count=count,
            now=timezone.now(),
            products=products,
            volunteers=volunteers,
            requesters=requesters,
            cap=organisation.max_open_per_volunteer,
        )
        seeder.build()
        _copy(schema, Ticket, seeder.tickets)
        _copy(schema, Message, seeder.messages)
        _copy(schema, TicketEvent, seeder.events)
        _copy(schema, TicketRead, seeder.reads)
        with connection.cursor() as cursor:
            table = _qualified(schema, Ticket)
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, count])
        ReferenceCounter.objects.update_or_create(
            pk=1, defaults={"last_number": max(t["number"] for t in seeder.tickets)}
        )
        # The index of questions with the professionals, as the hourly reconcile would fill it
        # (quietly: that it finds every row missing is the point here).
        index_log = logging.getLogger("escalations.services")
        index_log.disabled = True
        try:
            escalation_index_reconcile(organisation=organisation)
        finally:
            index_log.disabled = False

        # One question with a conversation, through the services the way people make one.
        volunteer, requester = volunteers[0], requesters[0]
        ticket = services.ticket_create(
            actor=requester,
            requester=requester,
            product=products[0],
            subject="Ik zie mijn kleinzoon niet als hij belt",
            body="Het scherm blijft zwart. Ik hoor hem wel. De batterij is vol.",
        )
        services.ticket_claim(ticket=ticket, actor=volunteer)
        services.reply_post(ticket=ticket, actor=volunteer, body=HELPER_REPLIES[0])
        services.reply_post(ticket=ticket, actor=requester, body=REQUESTER_REPLIES[1])
        services.note_add(ticket=ticket, actor=volunteer, body=NOTES[0])
        services.reply_post(ticket=ticket, actor=volunteer, body=HELPER_REPLIES[3])
        services.reply_post(ticket=ticket, actor=requester, body=REQUESTER_REPLIES[3])

        with connection.cursor() as cursor:
            for model in (Ticket, Message, TicketEvent, TicketRead):
                cursor.execute(f"VACUUM ANALYZE {_qualified(schema, model)}")
        search = SearchQuery(SEARCH_TERM, config="dutch", search_type="websearch")
        seeded = Seeded(
            questions=Ticket.objects.count(),
            open_questions=Ticket.objects.filter(status__in=OPEN_STATUSES).count(),
            messages=Message.objects.count(),
            events=TicketEvent.objects.count(),
            reads=TicketRead.objects.count(),
            search_hits=Ticket.objects.filter(search=search).count(),
            search_hits_open=Ticket.objects.filter(search=search, status__in=OPEN_STATUSES).count(),
        )
    connection.set_schema_to_public()
    seeded.seconds = time.perf_counter() - started
    return volunteer, ticket.number, seeded


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
    throughput_seconds: float = 20.0,
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
    for size, (slug, prefix) in ((SMALL, ("klein", "KLN")), (LARGE, ("groot", "GRT"))):
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
        say(f"seeding {size:,} questions in {organisation.schema_name} ...")
        volunteer, numbers[size], results.seeded[size] = seed(organisation, size)
        seeded = results.seeded[size]
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
    if throughput_seconds:
        results.throughput = _throughput(organisations[LARGE], clients[LARGE], numbers[LARGE], throughput_seconds, say)
    results.peak_rss_mb = peak_rss_mb()
    return results


def _throughput(organisation: Any, client: Any, number: int, seconds: float, say: Callable[[str], None]) -> list:
    from bench import throughput

    # Imported here: bench.run sets Django up only after reading its arguments.
    from tests.signing_in import session_key

    say(
        f"throughput at {LARGE:,}: gunicorn with {WORKERS} sync workers, {CONCURRENCY} requests at once, "
        f"{seconds:g} s per page ..."
    )
    cookie = session_key(client)
    pages = [
        throughput.Page("Question page", organisation.host, f"/questions/{number}/", cookie),
        throughput.Page("Queue", organisation.host, "/questions/", cookie),
    ]
    measured = throughput.run(pages, seconds=seconds)
    for load in measured:
        target = THROUGHPUT_TARGETS[load.label]
        say(
            f"  {load.label:<34} {load.per_second:6.1f} requests/s (target {target:g})   "
            f"median {load.latency.median * 1000:6.1f} ms   p95 {load.latency.p95 * 1000:6.1f} ms   "
            f"errors {load.errors}"
        )
    return measured


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


def throughput_section(results: QuestionResults) -> str:
    if not results.throughput:
        return "The load through gunicorn was not measured in this run (`--throughput-seconds 0`)."
    table = "\n".join(
        f"| {load.label} | {load.per_second:.1f} | {THROUGHPUT_TARGETS[load.label]:g} | "
        f"{_ms(load.latency.median)} | {_ms(load.latency.p95)} | {load.answered:,} | {load.errors} |"
        for load in results.throughput
    )
    reached = "Both reach their target." if results.throughput_reached else "**Not every page reaches its target.**"
    seconds = results.throughput[0].seconds
    return f"""### Requests per second through gunicorn

The same volunteer's session, now over HTTP on loopback (`bench/throughput.py`): gunicorn with
{WORKERS} sync workers and DEBUG off, on the organisation with {LARGE:,} questions; {CONCURRENCY} threads in the
benchmark's process, each with a keep-alive connection, ask for one page again and again without
pausing, for about {seconds:.0f} s after a warm-up. The load generator shares the machine's cores
with gunicorn and PostgreSQL. The target compares with django-helpdesk 2.6.1 on the same machine
shape with 100,000 tickets, which served 31–{PEER_TICKET_PAGE:.0f} requests a second on its ticket page
and about {PEER_TICKET_LIST:.0f} on its ticket list: at least twice the best of the first for the
question page, twenty times the second for the queue. Every question page request writes its
audit row and read marker, as it does for a person.

| Page | Requests/s | Target | Median ms | p95 ms | Answered | Errors |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
{table}

{reached}"""


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

"Rows" and "Queries" are at {SMALL:,} / at {LARGE:,}. The question page's queries include the
`BEGIN` and `COMMIT` of its two writes (the access log row, the read marker) and the sealing of
the access log's hash chain after the commit (docs/decisions.md #17); the tests, which run inside
a rolled-back transaction, count only the request's own statements
(tests/tickets/test_question_page_queries.py).
{verdict}

{throughput_section(results)}

What keeps the queue flat: the open queue and the view of one status read their page in order
from the indexes `ticket_open_queue` and `ticket_status_queue` (unassigned first, oldest first),
instead of joining and sorting every match; the count for the paginator is one index scan. The
question page reads one question, its conversation and its history by their indexes.
"""
