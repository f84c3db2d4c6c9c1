"""Questions through their life: filing, taking, answering, notes, every status change and history."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import AuditEvent, Role
from tenants.models import Product
from tests.factories import UserFactory, ticket_make, ticket_solve
from tickets import services
from tickets.models import FIRST_NUMBER, BottleneckCause, InvalidTransition, Status, Ticket, TicketEvent
from tickets.selectors import messages_for
from tickets.tasks import close_resolved_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_volunteer(in_org):
    return UserFactory(role=Role.VOLUNTEER, requester_kind="", full_name="Otto Ander")


def history(ticket: Ticket) -> list[tuple[str, str, str]]:
    return list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", "from_value", "to_value"))


# --- Filing ------------------------------------------------------------------------------------------


def test_reference_numbers_are_unique_increasing_and_use_the_prefix(in_org, requester_a):
    tickets = [ticket_make(requester=requester_a) for _ in range(3)]
    numbers = [t.number for t in tickets]
    assert numbers == sorted(set(numbers))
    assert numbers[1] == numbers[0] + 1 and numbers[2] == numbers[1] + 1
    assert numbers[0] > FIRST_NUMBER
    assert re.fullmatch(r"TSA-\d{4,}", tickets[0].reference)
    assert tickets[0].reference == f"TSA-{numbers[0]}"


def test_each_organisation_counts_its_own_numbers(org_a, org_b):
    with tenant_context(org_a):
        a_first = ticket_make().number
        a_second = ticket_make().number
    with tenant_context(org_b):
        b_ticket = ticket_make()
        assert b_ticket.reference.startswith("TSB-")
        b_first = b_ticket.number
    assert a_second == a_first + 1
    assert b_first <= a_second  # B's counter did not move with A's


def test_filing_fills_contact_details_from_the_account_and_writes_history_and_audit(in_org, requester_a):
    ticket = ticket_make(requester=requester_a, subject="Alarm piept")
    assert ticket.status == Status.NEW
    assert ticket.contact_name == "Riet Vraagsteller"
    assert ticket.contact_email == requester_a.email
    assert ticket.contact_phone == "06 1234 5678"
    assert history(ticket) == [("created", "", "new")]
    assert AuditEvent.objects.filter(action="ticket_created", target_id=str(ticket.pk), actor=requester_a).exists()


def test_phone_intake_without_account_on_behalf_of_someone(in_org, volunteer_a):
    ticket = ticket_make(
        actor=volunteer_a,
        contact_name="Piet de Zoon",
        contact_phone="020 123 4567",
        contact_method="call_back",
        on_behalf_of_name="Mevrouw de Vries",
        on_behalf_relation="informal_carer",
        channel="phone",
        priority="urgent",
    )
    assert ticket.requester is None
    assert ticket.channel == "phone" and ticket.priority == "urgent"
    assert ticket.on_behalf_relation == "informal_carer"
    assert TicketEvent.objects.get(ticket=ticket).actor == volunteer_a


def test_a_product_the_organisation_does_not_support_is_refused(in_org, requester_a):
    assert not in_org.products.filter(slug="medicijndispenser").exists()
    with pytest.raises(services.TicketError):
        ticket_make(requester=requester_a, product_slug="medicijndispenser")


def test_hostile_text_is_stored_exactly_as_typed(in_org, requester_a, volunteer_a):
    hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> & \"quotes\" {{ 7*7 }}"
    ticket = ticket_make(requester=requester_a, subject=hostile[:200], body=hostile)
    message = services.reply_post(ticket=ticket, actor=volunteer_a, body=hostile)
    ticket.refresh_from_db()
    message.refresh_from_db()
    assert ticket.body == hostile
    assert message.body == hostile


# --- Taking a question -------------------------------------------------------------------------------


def test_claiming_assigns_and_starts_work(in_org, requester_a, volunteer_a):
    ticket = ticket_make(requester=requester_a)
    claimed = services.ticket_claim(ticket=ticket, actor=volunteer_a)
    assert claimed.assignee == volunteer_a
    assert claimed.status == Status.IN_PROGRESS
    assert history(claimed)[1:] == [("claimed", "", "Vera Vrijwilliger"), ("status", "new", "in_progress")]
    assert AuditEvent.objects.filter(action="ticket_claimed", actor=volunteer_a).exists()


def test_a_second_claim_is_told_who_has_it(in_org, requester_a, volunteer_a, other_volunteer):
    ticket = ticket_make(requester=requester_a)
    services.ticket_claim(ticket=ticket, actor=volunteer_a)
    with pytest.raises(services.TicketAlreadyClaimed) as refused:
        services.ticket_claim(ticket=ticket, actor=other_volunteer)
    assert refused.value.assignee == volunteer_a
    ticket.refresh_from_db()
    assert ticket.assignee == volunteer_a


def test_claiming_your_own_question_again_changes_nothing(in_org, requester_a, volunteer_a):
    ticket = ticket_make(requester=requester_a)
    services.ticket_claim(ticket=ticket, actor=volunteer_a)
    before = len(history(ticket))
    services.ticket_claim(ticket=ticket, actor=volunteer_a)
    assert len(history(ticket)) == before


def test_a_closed_question_cannot_be_claimed(in_org, requester_a, volunteer_a):
    ticket = services.ticket_close(ticket=ticket_make(requester=requester_a), actor=volunteer_a, reason="other")
    with pytest.raises(services.TicketClosed):
        services.ticket_claim(ticket=ticket, actor=volunteer_a)


def test_releasing_gives_the_question_back_to_the_queue(in_org, requester_a, volunteer_a):
    ticket = services.ticket_claim(ticket=ticket_make(requester=requester_a), actor=volunteer_a)
    released = services.ticket_release(ticket=ticket, actor=volunteer_a)
    assert released.assignee is None
    assert released.status == Status.NEW
    assert history(released)[-2:] == [("assignee", "Vera Vrijwilliger", ""), ("status", "in_progress", "new")]


# --- Conversation ------------------------------------------------------------------------------------


def test_first_public_reply_sets_first_response_and_starts_work(in_org, requester_a, volunteer_a):
    ticket = ticket_make(requester=requester_a)
    message = services.reply_post(ticket=ticket, actor=volunteer_a, body="Zet de tablet uit en aan.")
    ticket.refresh_from_db()
    assert ticket.first_response_at == message.created_at
    assert ticket.status == Status.IN_PROGRESS
    assert not message.from_requester and not message.is_internal
    services.reply_post(ticket=ticket, actor=volunteer_a, body="Lukt het?")
    ticket.refresh_from_db()
    assert ticket.first_response_at == message.created_at
    assert ("replied", "", "") in history(ticket)


def test_a_reply_from_the_requester_is_not_a_first_response(in_org, requester_a):
    ticket = ticket_make(requester=requester_a)
    message = services.reply_post(ticket=ticket, actor=requester_a, body="Nog een foto erbij.")
    ticket.refresh_from_db()
    assert message.from_requester
    assert ticket.first_response_at is None
    assert ticket.status == Status.NEW


@pytest.mark.parametrize("state", ["waiting", "resolved"])
def test_a_reply_from_the_requester_reopens(in_org, requester_a, volunteer_a, state):
    ticket = services.ticket_claim(ticket=ticket_make(requester=requester_a), actor=volunteer_a)
    if state == "waiting":
        ticket = services.ticket_set_waiting(ticket=ticket, actor=volunteer_a)
    else:
        ticket = ticket_solve(ticket=ticket, actor=volunteer_a, cause=BottleneckCause.EXPLANATION)
    services.reply_post(ticket=ticket, actor=requester_a, body="Het werkt nog steeds niet.")
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.resolved_at is None
    assert history(ticket)[-1] == ("status", ticket_status_before(state), "in_progress")


def ticket_status_before(state: str) -> str:
    return {"waiting": "waiting_for_requester", "resolved": "resolved"}[state]


def test_an_anonymous_reply_counts_as_the_requester(in_org, volunteer_a):
    ticket = services.ticket_claim(ticket=ticket_make(), actor=volunteer_a)
    ticket = services.ticket_set_waiting(ticket=ticket, actor=volunteer_a)
    message = services.reply_post(ticket=ticket, actor=None, body="Ja, dat is goed.")
    ticket.refresh_from_db()
    assert message.from_requester and message.author_name == "Mevrouw Jansen"
    assert ticket.status == Status.IN_PROGRESS


def test_nobody_writes_in_a_closed_question(in_org, requester_a, volunteer_a):
    ticket = services.ticket_close(ticket=ticket_make(requester=requester_a), actor=volunteer_a, reason="other")
    with pytest.raises(services.TicketClosed):
        services.reply_post(ticket=ticket, actor=requester_a, body="Hallo?")


def test_internal_notes_never_reach_the_requester(in_org, requester_a, volunteer_a):
    ticket = ticket_make(requester=requester_a)
    services.reply_post(ticket=ticket, actor=volunteer_a, body="Openbaar antwoord")
    note = services.note_add(ticket=ticket, actor=volunteer_a, body="Vraag dit aan de leverancier")
    assert note.is_internal
    public = [m.body for m in messages_for(ticket, include_internal=False)]
    everything = [m.body for m in messages_for(ticket, include_internal=True)]
    assert public == ["Openbaar antwoord"]
    assert everything == ["Openbaar antwoord", "Vraag dit aan de leverancier"]
    assert history(ticket)[-1] == ("note", "", "")


def test_the_requester_gets_an_email_for_a_public_reply_only(
    in_org, requester_a, volunteer_a, mailoutbox, django_capture_on_commit_callbacks
):
    ticket = ticket_make(requester=requester_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.note_add(ticket=ticket, actor=volunteer_a, body="Intern: geheim")
        services.reply_post(ticket=ticket, actor=volunteer_a, body="Zet de tablet <b>uit</b> en aan.")
        services.reply_post(ticket=ticket, actor=requester_a, body="Dank je")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [requester_a.email]
    assert ticket.reference in mail.subject
    assert "Zet de tablet <b>uit</b> en aan." in mail.body
    assert "geheim" not in mail.body


def test_no_email_without_an_address(in_org, volunteer_a, mailoutbox, django_capture_on_commit_callbacks):
    ticket = ticket_make(contact_phone="020 123 4567", contact_method="call_back")
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_post(ticket=ticket, actor=volunteer_a, body="Ik bel u zo.")
    assert mailoutbox == []


# --- Status changes ----------------------------------------------------------------------------------


def test_waiting_resolve_close_and_reopen_keep_timestamps_and_history(in_org, requester_a, volunteer_a):
    ticket = services.ticket_claim(ticket=ticket_make(requester=requester_a), actor=volunteer_a)
    ticket = services.ticket_set_waiting(ticket=ticket, actor=volunteer_a)
    assert ticket.status == Status.WAITING
    ticket = ticket_solve(ticket=ticket, actor=volunteer_a, cause=BottleneckCause.DEVICE_INTERNET)
    assert ticket.status == Status.RESOLVED and ticket.resolved_at is not None
    assert ticket.bottleneck_cause == "device_internet"
    ticket = services.ticket_close(ticket=ticket, actor=None, reason="other")
    assert ticket.status == Status.CLOSED and ticket.closed_at is not None
    ticket = services.ticket_reopen(ticket=ticket, actor=requester_a)
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.resolved_at is None and ticket.closed_at is None
    assert [h for h in history(ticket) if h[0] == "status"] == [
        ("status", "new", "in_progress"),
        ("status", "in_progress", "waiting_for_requester"),
        ("status", "waiting_for_requester", "resolved"),
        ("status", "resolved", "closed"),
        ("status", "closed", "in_progress"),
    ]
    actions = set(AuditEvent.objects.filter(target_id=str(ticket.pk)).values_list("action", flat=True))
    assert {"ticket_waiting", "ticket_resolved", "ticket_closed", "ticket_reopened"} <= actions


def test_closing_an_unsolved_question_also_sets_resolved_at(in_org, requester_a, volunteer_a):
    ticket = services.ticket_close(ticket=ticket_make(requester=requester_a), actor=volunteer_a, reason="other")
    assert ticket.resolved_at is not None and ticket.closed_at is not None


def test_resolving_needs_a_known_cause(in_org, requester_a, volunteer_a):
    ticket = ticket_make(requester=requester_a)
    with pytest.raises(services.TicketError):
        ticket_solve(ticket=ticket, actor=volunteer_a, cause="bad luck")
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        (Status.NEW, Status.WAITING, True),
        (Status.NEW, Status.RESOLVED, True),
        (Status.WAITING, Status.NEW, False),
        (Status.RESOLVED, Status.WAITING, False),
        (Status.CLOSED, Status.RESOLVED, False),
        (Status.CLOSED, Status.WAITING, False),
        (Status.CLOSED, Status.IN_PROGRESS, True),
        (Status.RESOLVED, Status.IN_PROGRESS, True),
    ],
)
def test_the_transition_table(start, to, allowed):
    ticket = Ticket(status=start)
    assert ticket.can_change_to(to) is allowed
    if not allowed:
        with pytest.raises(InvalidTransition):
            ticket.check_transition(to)


def test_a_refused_transition_changes_nothing(in_org, requester_a, volunteer_a):
    ticket = services.ticket_close(ticket=ticket_make(requester=requester_a), actor=volunteer_a, reason="other")
    events = len(history(ticket))
    with pytest.raises(InvalidTransition):
        services.ticket_set_waiting(ticket=ticket, actor=volunteer_a)
    with pytest.raises(InvalidTransition):
        services.ticket_reopen(ticket=ticket_make(requester=requester_a), actor=volunteer_a)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert len(history(ticket)) == events


# --- Product and topic --------------------------------------------------------------------------------


def test_changing_product_and_topic_is_recorded(in_org, requester_a, volunteer_a):
    ticket = ticket_make(requester=requester_a)
    alarm = Product.objects.get(slug="persoonlijk-alarm")
    ticket = services.ticket_change_product(ticket=ticket, actor=volunteer_a, product=alarm)
    ticket = services.ticket_change_topic(ticket=ticket, actor=volunteer_a, topic="Batterij")
    assert ticket.product == alarm and ticket.topic == "Batterij"
    assert history(ticket)[-2:] == [("product", "Beeldbel-tablet", "Persoonlijk alarm"), ("topic", "", "Batterij")]
    with pytest.raises(services.TicketError):
        services.ticket_change_product(
            ticket=ticket, actor=volunteer_a, product=Product.objects.get(slug="medicijndispenser")
        )


def test_a_staff_look_is_written_to_the_audit_log(in_org, requester_a, volunteer_a):
    ticket = ticket_make(requester=requester_a)
    services.ticket_record_view(ticket=ticket, actor=volunteer_a)
    event = AuditEvent.objects.get(action="ticket_viewed")
    assert event.actor == volunteer_a and event.target_id == str(ticket.pk)
    assert event.data["reference"] == ticket.reference


# --- The requester's own buttons ------------------------------------------------------------------------


def test_this_solved_it_resolves_an_open_question_and_closes_a_solved_one(in_org, requester_a, volunteer_a):
    ticket = services.ticket_set_waiting(ticket=ticket_make(requester=requester_a), actor=volunteer_a)
    ticket = services.ticket_requester_solved(ticket=ticket, actor=requester_a)
    assert ticket.status == Status.RESOLVED and ticket.bottleneck_cause == ""
    # Said once, the button is not offered again, and saying it again changes nothing.
    assert not ticket.can_say_solved
    ticket = services.ticket_requester_solved(ticket=ticket, actor=requester_a)
    assert ticket.status == Status.RESOLVED
    # A question a helper solved: the requester's "this solved it" closes it.
    helper_solved = ticket_solve(
        ticket=services.ticket_claim(ticket=ticket_make(requester=requester_a), actor=volunteer_a), actor=volunteer_a
    )
    assert helper_solved.can_say_solved
    helper_solved = services.ticket_requester_solved(ticket=helper_solved, actor=requester_a)
    assert helper_solved.status == Status.CLOSED
    assert history(ticket)[-1:] == [("status", "waiting_for_requester", "resolved")]


@pytest.mark.parametrize("state", ["waiting", "resolved", "closed"])
def test_i_still_need_help_brings_the_question_back(in_org, requester_a, volunteer_a, state):
    ticket = ticket_make(requester=requester_a)
    if state == "waiting":
        ticket = services.ticket_set_waiting(ticket=ticket, actor=volunteer_a)
    elif state == "resolved":
        ticket = ticket_solve(ticket=ticket, actor=volunteer_a, cause=BottleneckCause.OTHER)
    else:
        ticket = services.ticket_close(ticket=ticket, actor=volunteer_a, reason="other")
    ticket = services.ticket_requester_needs_help(ticket=ticket, actor=requester_a)
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.resolved_at is None and ticket.closed_at is None


# --- Closing solved questions nobody reacted to ----------------------------------------------------------


def test_solved_questions_without_reaction_close_after_the_period(in_org, requester_a, volunteer_a):
    from datetime import timedelta

    from django.utils import timezone

    old = ticket_solve(ticket=ticket_make(requester=requester_a), actor=volunteer_a, cause="other")
    Ticket.objects.filter(pk=old.pk).update(resolved_at=timezone.now() - timedelta(days=15))
    recent = ticket_solve(ticket=ticket_make(requester=requester_a), actor=volunteer_a, cause="other")
    waiting = services.ticket_set_waiting(ticket=ticket_make(requester=requester_a), actor=volunteer_a)

    assert services.tickets_close_unanswered_resolved(older_than=timedelta(days=14)) == 1
    assert services.tickets_close_unanswered_resolved(older_than=timedelta(days=14)) == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    waiting.refresh_from_db()
    assert old.status == Status.CLOSED and old.closed_at is not None
    assert recent.status == Status.RESOLVED and waiting.status == Status.WAITING
    event = TicketEvent.objects.filter(ticket=old).last()
    assert (event.kind, event.from_value, event.to_value, event.actor) == ("status", "resolved", "closed", None)
    assert AuditEvent.objects.filter(action="ticket_closed_automatically", target_id=str(old.pk)).exists()


def test_the_auto_close_task_visits_every_organisation(org_a, org_b):
    from datetime import timedelta

    from django.utils import timezone

    made = {}
    for organisation in (org_a, org_b):
        with tenant_context(organisation):
            ticket = ticket_solve(ticket=ticket_make(), actor=None, cause="other")
            Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - timedelta(days=30))
            made[organisation.slug] = ticket.pk
    assert close_resolved_questions.apply().get() == 2
    for organisation in (org_a, org_b):
        with tenant_context(organisation):
            assert Ticket.objects.get(pk=made[organisation.slug]).status == Status.CLOSED


def test_solved_questions_close_after_their_organisations_own_number_of_days(org_a, org_b):
    """A waits 3 days, B 10: after 5 days A's solved question is closed and B's is not yet."""
    from datetime import timedelta

    from django.utils import timezone

    org_a.auto_close_days, org_b.auto_close_days = 3, 10
    org_a.save(update_fields=["auto_close_days"])
    org_b.save(update_fields=["auto_close_days"])
    solved = {}
    for organisation in (org_a, org_b):
        with tenant_context(organisation):
            ticket = ticket_solve(ticket=ticket_make(), actor=None, cause="other")
            Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - timedelta(days=5))
            solved[organisation] = ticket.pk

    assert close_resolved_questions.apply().get() == 1

    with tenant_context(org_a):
        assert Ticket.objects.get(pk=solved[org_a]).status == Status.CLOSED
    with tenant_context(org_b):
        assert Ticket.objects.get(pk=solved[org_b]).status == Status.RESOLVED
        Ticket.objects.filter(pk=solved[org_b]).update(resolved_at=timezone.now() - timedelta(days=11))
    assert close_resolved_questions.apply().get() == 1
    with tenant_context(org_b):
        assert Ticket.objects.get(pk=solved[org_b]).status == Status.CLOSED
