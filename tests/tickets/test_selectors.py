"""The volunteers' queue: order, filters, Dutch full-text search and a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpdesk.accounts.models import Role
from tenants.models import Product
from tests.conftest import english_client
from tests.factories import UserFactory, ticket_make, ticket_solve
from tests.signing_in import sign_in
from tickets import services
from tickets.models import BottleneckCause, Status, Ticket
from tickets.selectors import QueueFilters, queue_for, queue_rows, tickets_of_requester

pytestmark = pytest.mark.django_db


def aged(ticket: Ticket, minutes: int) -> Ticket:
    Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    return ticket


def refs(tickets) -> list[int]:
    return [t.number for t in tickets]


def test_unassigned_first_then_oldest_first(in_org, volunteer_a):
    old_taken = aged(ticket_make(subject="oud, in behandeling"), 90)
    services.ticket_claim(ticket=old_taken, actor=volunteer_a)
    new_free = aged(ticket_make(subject="nieuw"), 5)
    old_free = aged(ticket_make(subject="oud"), 60)
    newer_taken = aged(ticket_make(subject="nieuwer, in behandeling"), 30)
    services.ticket_claim(ticket=newer_taken, actor=volunteer_a)
    assert refs(queue_for(volunteer_a)) == refs([old_free, new_free, old_taken, newer_taken])


def test_urgent_questions_and_worries_come_first_and_the_page_says_so(in_org, org_a, volunteer_a, requester_a):
    old_free = aged(ticket_make(subject="oud"), 60)
    worry = aged(ticket_make(subject="zorg", is_worry=True), 10)  # with the professionals now
    urgent_taken = aged(ticket_make(subject="dringend", priority="urgent"), 5)
    services.ticket_claim(ticket=urgent_taken, actor=volunteer_a)
    urgent_free = aged(ticket_make(subject="dringend en vrij", priority="urgent"), 1)
    assert refs(queue_for(volunteer_a)) == refs([urgent_free, worry, urgent_taken, old_free])
    page = sign_in(english_client(org_a.host), org_a, volunteer_a).get("/questions/").content.decode()
    assert "urgent questions and worries about safety first" in page
    assert page.index("dringend en vrij") < page.index("zorg") < page.index(">TSA-" + str(old_free.number))


def test_the_queue_holds_open_questions_unless_a_status_is_asked(in_org, volunteer_a):
    open_ticket = ticket_make()
    solved = ticket_solve(ticket=ticket_make(), actor=volunteer_a, cause=BottleneckCause.OTHER)
    closed = services.ticket_close(ticket=ticket_make(), actor=volunteer_a, reason="other")
    assert refs(queue_for(volunteer_a)) == [open_ticket.number]
    assert refs(queue_for(volunteer_a, QueueFilters(status=Status.RESOLVED))) == [solved.number]
    assert refs(queue_for(volunteer_a, QueueFilters(status=Status.CLOSED))) == [closed.number]
    assert refs(queue_for(volunteer_a, QueueFilters(status="nonsense"))) == [open_ticket.number]


def test_filters_for_mine_unassigned_and_product(in_org, volunteer_a):
    other = UserFactory(role=Role.VOLUNTEER, requester_kind="")
    mine = services.ticket_claim(ticket=ticket_make(), actor=volunteer_a)
    theirs = services.ticket_claim(ticket=ticket_make(), actor=other)
    free_alarm = ticket_make(product_slug="persoonlijk-alarm")
    alarm = Product.objects.get(slug="persoonlijk-alarm")
    assert refs(queue_for(volunteer_a, QueueFilters(mine=True))) == [mine.number]
    assert refs(queue_for(volunteer_a, QueueFilters(unassigned=True))) == [free_alarm.number]
    assert refs(queue_for(volunteer_a, QueueFilters(product=alarm.pk))) == [free_alarm.number]
    assert theirs.number in refs(queue_for(volunteer_a))


@pytest.mark.parametrize(
    ("stored", "asked"),
    [
        ("Mijn printer print niet", "printers"),
        ("De tablet blijft zwart", "tablets"),
        ("Het alarm gaat steeds af", "alarmen"),
        ("Ik kan niet inloggen op de app", "INLOGGEN"),
    ],
)
def test_search_uses_dutch_stemming(in_org, volunteer_a, stored, asked):
    wanted = ticket_make(subject="Vraag", body=stored)
    ticket_make(subject="Iets anders", body="De medicijnen komen te laat")
    assert refs(queue_for(volunteer_a, QueueFilters(q=asked))) == [wanted.number]


def test_search_looks_in_the_subject_too(in_org, volunteer_a):
    wanted = ticket_make(subject="Knop van de polsband", body="Hij doet niets.")
    assert refs(queue_for(volunteer_a, QueueFilters(q="polsbanden"))) == [wanted.number]


def test_search_by_reference_number_in_any_spelling(in_org, volunteer_a):
    wanted = ticket_make()
    ticket_make()
    for asked in (wanted.reference, wanted.reference.lower(), f"tsa {wanted.number}", str(wanted.number)):
        assert refs(queue_for(volunteer_a, QueueFilters(q=asked))) == [wanted.number], asked


def test_hostile_search_text_is_just_text(in_org, volunteer_a):
    ticket_make(body="gewone vraag")
    for asked in ("'; DROP TABLE tickets_ticket; --", "a & | ! (", '"unclosed', "<script>"):
        assert list(queue_for(volunteer_a, QueueFilters(q=asked))) == []


def queries_of(action) -> list[str]:
    """The SQL that `action` ran, without django-tenants' setting of the search path."""
    with CaptureQueriesContext(connection) as captured:
        action()
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SET search_path")]


def test_the_queue_costs_one_query_however_many_rows(in_org, volunteer_a):
    for _ in range(3):
        services.ticket_claim(ticket=ticket_make(requester=UserFactory()), actor=volunteer_a)

    def render_rows() -> None:
        # What a row of the queue shows (jinja2_templates/tickets/queue_rows.html).
        for t in queue_rows(queue_for(volunteer_a)):
            str(
                (
                    t.reference,
                    t.subject,
                    t.product_name,
                    t.assignee_name,
                    t.status_label,
                    t.is_urgent,
                )
            )
            str((t.is_worry, t.is_with_professionals, t.unread, t.created_at))

    assert len(queries_of(render_rows)) == 1
    for _ in range(5):
        ticket_make(requester=UserFactory())
    assert len(queries_of(render_rows)) == 1


def test_a_requester_sees_only_their_own_questions_newest_first(in_org, requester_a, second_requester_a):
    first = aged(ticket_make(requester=requester_a), 10)
    second = ticket_make(requester=requester_a)
    ticket_make(requester=second_requester_a)
    assert refs(tickets_of_requester(requester_a)) == [second.number, first.number]


def test_unread_until_the_helper_opens_it_and_again_after_new_activity(in_org, volunteer_a, requester_a):
    ticket = ticket_make(requester=requester_a)

    def unread() -> bool:
        return queue_for(volunteer_a).get(pk=ticket.pk).unread

    assert unread()
    services.ticket_mark_read(ticket=ticket, user=volunteer_a)
    assert not unread()
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now() + timedelta(seconds=1))
    assert unread()
    services.ticket_mark_read(ticket=ticket, user=volunteer_a)
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now() - timedelta(seconds=1))
    assert not unread()
    other = UserFactory(role=Role.VOLUNTEER, requester_kind="")
    assert queue_for(other).get(pk=ticket.pk).unread
