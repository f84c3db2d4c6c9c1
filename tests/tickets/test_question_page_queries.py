"""The helpers' question page costs a fixed, small number of SQL queries.

For every staff role that sees the page and the main states of a question, the page is counted
twice: a question with one message in an organisation of 10 questions, then a question with 50
messages (answers, replies, internal notes), their history, calls, photos, held answers and advice
in an organisation of 1,000. Both must cost the same number of queries, at most `MAX_QUERIES`,
counting the audit row and the read marker the page writes, not counting the `SET search_path`
that django-tenants sends when the schema changes. A query per message, per history line, per
held answer or per question of the organisation turns these tests red.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import Role
from satisfaction.models import SurveyAnswer
from support.models import AdviceMessage, Level, PendingReply
from support.services import advice_ask, volunteer_level_set
from tenants.models import Product
from tests.factories import conversation_fill, questions_bulk, ticket_make
from tests.signing_in import sign_in
from tickets import services
from tickets.models import EscalationReason, Ticket

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15
SMALL, LARGE = 1, 50  # messages in the conversation
ROLES = ("volunteer", "trainee", "experienced volunteer", "manager", "professional")
STATES = ("open", "claimed", "held answer", "escalated", "solved")


@pytest.fixture
def cast(org_a, volunteer_a, trainee_a, manager_a, professional_a, requester_a, make_user):
    """The viewers by role, and a colleague volunteer who works questions the viewer cannot."""
    experienced = make_user(org_a, role=Role.VOLUNTEER, requester_kind="", full_name="Eva Ervaren")
    colleague = make_user(org_a, role=Role.VOLUNTEER, requester_kind="", full_name="Carla Collega")
    with tenant_context(org_a):
        volunteer_level_set(
            actor=manager_a,
            volunteer=experienced,
            product=Product.objects.get(slug="beeldbel-tablet"),
            level=Level.EXPERIENCED,
        )
    return {
        "volunteer": volunteer_a,
        "trainee": trainee_a,
        "experienced volunteer": experienced,
        "manager": manager_a,
        "professional": professional_a,
        "colleague": colleague,
        "requester": requester_a,
    }


def _works(viewer) -> bool:
    return viewer.role in (Role.VOLUNTEER, Role.PROFESSIONAL)


def question(state: str, viewer, cast: dict, *, size: int) -> Ticket:
    """A question in `state` with a conversation of `size` messages, in the current schema."""
    requester, trainee = cast["requester"], cast["trainee"]
    ticket = ticket_make(requester=requester, subject=f"{state}, {size} berichten")
    helper = viewer if _works(viewer) else cast["colleague"]
    if state == "held answer":
        helper = trainee
    if state == "escalated" and viewer.role != Role.VOLUNTEER:
        helper = cast["colleague"]  # a volunteer passes their own question on
    if state != "open":
        ticket = services.ticket_claim(ticket=ticket, actor=helper)
    conversation_fill(ticket, helper=helper, size=size)
    if helper.role == Role.VOLUNTEER and state in ("claimed", "held answer"):
        thread = advice_ask(ticket=ticket, actor=helper, body="Wat raadt u aan?")
        AdviceMessage.objects.bulk_create(
            AdviceMessage(thread=thread, author=helper, author_name=helper.full_name, body=f"Nog iets {index}")
            for index in range(size - 1)
        )
    if state == "held answer":
        services.reply_send(ticket=ticket, actor=trainee, body="Zet de tablet uit en weer aan.")
        PendingReply.objects.bulk_create(
            PendingReply(ticket=ticket, author=trainee, body=f"Nog een antwoord {index}", status=status)
            for index, status in enumerate([PendingReply.Status.RETURNED] * (size // 10))
        )
    if state == "escalated":
        ticket = services.ticket_escalate(
            ticket=ticket, actor=helper, reason=EscalationReason.TOO_DIFFICULT, note="Lastig"
        )
    if state == "solved":
        ticket = services.ticket_resolve(ticket=ticket, actor=helper, cause="explanation")
        now = timezone.now()
        SurveyAnswer.objects.create(
            ticket=ticket,
            help_score=4,
            technology_score=3,
            comment="Fijn geholpen",
            product=ticket.product,
            tier=ticket.tier,
            answered_at=now,
            changed_at=now,
        )
    return ticket


def counted(client, ticket: Ticket) -> list[str]:
    """The statements of one look at the page, after a first look filled the caches, without
    `SET search_path`. The page's one transaction counts as the two statements it sends: in a
    test's own transaction a savepoint and its release, in production `BEGIN` and `COMMIT`."""
    assert client.get(f"/questions/{ticket.number}/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/questions/{ticket.number}/")
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET search_path")]


def _listing(statements: list[str]) -> str:
    return "\n".join(f"{index + 1:>2}. {sql[:150]}" for index, sql in enumerate(statements))


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_question_page_queries_are_few_and_do_not_grow(client_a, org_a, cast, role, state):
    viewer = cast[role]
    if state == "claimed" and not _works(viewer):
        pytest.skip("only helpers claim questions; the manager's view of a claimed one is the colleague's case")
    client = sign_in(client_a, org_a, viewer)
    with tenant_context(org_a):
        questions_bulk(10)
        small = question(state, viewer, cast, size=SMALL)
    at_small = counted(client, small)
    with tenant_context(org_a):
        questions_bulk(990, first_number=600_000)
        large = question(state, viewer, cast, size=LARGE)
        assert Ticket.objects.count() >= 1_000
        assert large.messages.count() >= LARGE
    at_large = counted(client, large)
    assert len(at_small) <= MAX_QUERIES, _listing(at_small)
    assert len(at_small) == len(at_large), f"1 message:\n{_listing(at_small)}\n\n50 messages:\n{_listing(at_large)}"
    # The question brings the names of its people; only the signed-in person is read on their own
    # (a field the page uses but the question's query left out would read an account again).
    accounts = [sql for sql in at_large if sql.startswith('SELECT "accounts_user"')]
    assert len(accounts) == 1, _listing(accounts)


def test_manager_sees_a_claimed_question_in_as_few_queries(client_a, org_a, cast):
    """The manager reads a question a volunteer has taken: no forms, the same reads."""
    client = sign_in(client_a, org_a, cast["manager"])
    with tenant_context(org_a):
        small = question("claimed", cast["colleague"], cast, size=SMALL)
        large = question("claimed", cast["colleague"], cast, size=LARGE)
    at_small, at_large = counted(client, small), counted(client, large)
    assert len(at_small) == len(at_large) <= MAX_QUERIES, _listing(at_large)


def test_search_path_is_set_once_on_the_page(client_a, org_a, cast):
    """One `SET search_path`, for the organisation: after the first request the host's
    organisation comes from the `shared` cache (tenants/hosts.py), with no query on public."""
    client = sign_in(client_a, org_a, cast["volunteer"])
    with tenant_context(org_a):
        ticket = question("claimed", cast["volunteer"], cast, size=LARGE)
    client.get(f"/questions/{ticket.number}/")
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/questions/{ticket.number}/")
    sets = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SET search_path")]
    assert sets == [f'SET search_path = "{org_a.schema_name}","public"']
