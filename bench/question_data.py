"""The questions the queue benchmark seeds (bench/questions.py): Dutch texts per product, a mix
of statuses, helpers, conversations, history and read markers, written by COPY.

Two shapes: ours, in which the newest questions are mostly open and older ones mostly solved, and
the peer's (django-helpdesk's benchmark data), in which 30% of all questions are open whatever
their age and every question has three messages.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

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

# The peer's data: 30% of its 100,000 tickets open, three follow-ups each. A third organisation
# is seeded in that shape, and the queue is measured on it too.
PEER_OPEN_SHARE, PEER_MESSAGES = 0.30, 3


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
OPEN_STATUSES = (("new", 40), ("in_progress", 40), ("waiting_for_requester", 20))
SOLVED_STATUSES = (("closed", 85), ("resolved", 15))
CAUSES = ("explanation", "product_fault", "device_internet", "account", "wish", "other")


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
        self,
        *,
        count: int,
        now: datetime,
        products: list[Any],
        volunteers: list[Any],
        requesters: list[Any],
        cap: int,
        peer_shape: bool = False,
    ):
        self.count = count
        # The peer's shape: PEER_OPEN_SHARE of all questions open, whatever their age, and
        # PEER_MESSAGES messages on every one.
        self.peer_shape = peer_shape
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
        if self.peer_shape:
            opened = rng.random() < PEER_OPEN_SHARE
            status = _weighted(rng, OPEN_STATUSES if opened else SOLVED_STATUSES)
        else:
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

    def _exactly(self, ticket: dict[str, Any], assignee: Any | None) -> None:
        """PEER_MESSAGES messages: the asker's follow-ups while nobody answered, else turn about."""
        rng, pk = self.rng, ticket["id"]
        helper = assignee or rng.choice(self.volunteers)
        at = ticket["first_response_at"] or ticket["created_at"] + timedelta(minutes=5)
        for turn in range(PEER_MESSAGES):
            if ticket["first_response_at"] is not None and turn % 2 == 0:
                self._message(pk, at, helper, helper.full_name, rng.choice(HELPER_REPLIES))
                self._event(pk, at, "replied", helper)
            else:
                self._message(pk, at, None, ticket["contact_name"], rng.choice(REQUESTER_REPLIES), from_requester=True)
                self._event(pk, at, "replied", None)
            at += timedelta(minutes=rng.randrange(10, 600))

    def _history(
        self, ticket: dict[str, Any], assignee: Any | None, resolved: datetime | None, closed: datetime | None
    ) -> None:
        rng, pk, status = self.rng, ticket["id"], ticket["status"]
        created, first_response, last = ticket["created_at"], ticket["first_response_at"], ticket["updated_at"]
        self._event(pk, created, "created", None, to="new")
        if assignee is not None:
            self._event(pk, created + timedelta(minutes=1), "claimed", assignee, to=assignee.full_name)
            self._event(pk, created + timedelta(minutes=1), "status", assignee, to="in_progress", before="new")
        if self.peer_shape:
            self._exactly(ticket, assignee)
        elif first_response is not None and rng.random() < 0.75:
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


def seed(organisation: Any, count: int, *, peer_shape: bool = False) -> tuple[Any, int, Seeded]:
    """Fills the organisation with `count` questions (in the peer's shape with `peer_shape`);
    returns its volunteer (the one who signs in), the number of a question with a conversation,
    and what was seeded."""
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
            peer_shape=peer_shape,
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
