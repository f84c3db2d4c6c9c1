"""Escalation through the ticket services, and the index row they write in the same transaction."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django_tenants.utils import tenant_context

from escalations.models import EscalationEntry
from escalations.services import escalation_index_reconcile
from escalations.tasks import reconcile_escalation_index
from helpdesk.accounts.models import Role
from tests.factories import UserFactory, ticket_make, ticket_solve
from tickets import services
from tickets.models import BottleneckCause, EscalationReason, Message, Priority, Status, Ticket, TicketEvent, Tier
from tickets.selectors import QueueFilters, queue_for

pytestmark = pytest.mark.django_db


def entry(ticket: Ticket) -> EscalationEntry | None:
    return EscalationEntry.objects.filter(organisation__schema_name=connection.schema_name, ticket_id=ticket.pk).first()


def test_a_volunteer_escalates_with_a_reason_and_still_follows_it(in_org, volunteer_a):
    ticket = services.ticket_claim(ticket=ticket_make(), actor=volunteer_a)
    ticket = services.ticket_escalate(
        ticket=ticket, actor=volunteer_a, reason=EscalationReason.NEEDS_SUPPLIER, note="Leverancier moet kijken"
    )
    assert ticket.tier == Tier.PROFESSIONAL
    assert ticket.assignee is None
    assert ticket.escalated_by == volunteer_a
    assert ticket.escalation_reason == EscalationReason.NEEDS_SUPPLIER
    assert Message.objects.get(ticket=ticket, is_internal=True).body == "Leverancier moet kijken"
    assert TicketEvent.objects.filter(ticket=ticket, kind="escalated", to_value="needs_supplier").exists()
    row = entry(ticket)
    assert row is not None
    assert (row.reference, row.status, row.priority, row.reason) == (
        ticket.reference,
        ticket.status,
        ticket.priority,
        "needs_supplier",
    )
    # The escalating volunteer still finds it under "mine".

    assert ticket in queue_for(volunteer_a, QueueFilters(mine=True))


def test_escalating_twice_or_a_closed_question_is_refused(in_org, volunteer_a):
    ticket = services.ticket_escalate(ticket=ticket_make(), actor=volunteer_a, reason=EscalationReason.TOO_DIFFICULT)
    with pytest.raises(services.TicketWithProfessionals):
        services.ticket_escalate(ticket=ticket, actor=volunteer_a, reason=EscalationReason.TOO_DIFFICULT)
    closed = services.ticket_close(ticket=ticket_make(), actor=volunteer_a, reason="other")
    with pytest.raises(services.TicketClosed):
        services.ticket_escalate(ticket=closed, actor=volunteer_a, reason=EscalationReason.TOO_DIFFICULT)
    with pytest.raises(services.TicketError):
        services.ticket_escalate(ticket=ticket_make(), actor=volunteer_a, reason=EscalationReason.WAITED_TOO_LONG)


def test_volunteers_cannot_claim_an_escalated_question(in_org, volunteer_a):
    ticket = services.ticket_escalate(ticket=ticket_make(), actor=volunteer_a, reason=EscalationReason.TOO_MUCH_NOW)
    with pytest.raises(services.TicketWithProfessionals):
        services.ticket_claim(ticket=ticket, actor=volunteer_a)


def test_a_professional_takes_over_answers_and_resolves(in_org, volunteer_a, professional_a):
    ticket = services.ticket_escalate(ticket=ticket_make(), actor=volunteer_a, reason=EscalationReason.TOO_DIFFICULT)
    ticket = services.ticket_take_over(ticket=ticket, actor=professional_a)
    assert ticket.assignee == professional_a
    assert ticket.status == Status.IN_PROGRESS
    row = entry(ticket)
    assert (row.taken_by_id, row.taken_by_name, row.status) == (4242, "Pieter Professional", Status.IN_PROGRESS)
    services.reply_post(ticket=ticket, actor=professional_a, body="Zet de tablet uit en aan.")
    ticket = ticket_solve(ticket=ticket, actor=professional_a, cause=BottleneckCause.EXPLANATION)
    assert entry(ticket) is None, "a solved question leaves the professionals' queue"
    # The requester says they still need help: it comes back, still with the professionals.
    ticket = services.ticket_requester_needs_help(ticket=ticket, actor=None)
    assert entry(ticket).status == Status.IN_PROGRESS


def test_only_professionals_take_over_and_only_escalated_questions(in_org, volunteer_a, professional_a):
    ticket = ticket_make()
    with pytest.raises(services.TicketError):
        services.ticket_take_over(ticket=ticket, actor=professional_a)
    escalated = services.ticket_escalate(ticket=ticket, actor=volunteer_a, reason=EscalationReason.TOO_DIFFICULT)
    with pytest.raises(services.TicketError):
        services.ticket_take_over(ticket=escalated, actor=volunteer_a)
    other = UserFactory(role=Role.PROFESSIONAL, requester_kind="", public_user_id=77)
    services.ticket_take_over(ticket=escalated, actor=professional_a)
    with pytest.raises(services.TicketAlreadyClaimed):
        services.ticket_take_over(ticket=escalated, actor=other)


def test_hand_back_needs_a_note_and_returns_the_question_to_the_queue(in_org, volunteer_a, professional_a):
    ticket = services.ticket_escalate(ticket=ticket_make(), actor=volunteer_a, reason=EscalationReason.TOO_DIFFICULT)
    ticket = services.ticket_take_over(ticket=ticket, actor=professional_a)
    with pytest.raises(services.TicketError):
        services.ticket_hand_back(ticket=ticket, actor=professional_a, note="   ")
    ticket = services.ticket_hand_back(ticket=ticket, actor=professional_a, note="Kan een vrijwilliger uitleggen")
    assert (ticket.tier, ticket.assignee, ticket.status) == (Tier.VOLUNTEER, None, Status.NEW)
    assert entry(ticket) is None
    assert Message.objects.filter(ticket=ticket, is_internal=True, body="Kan een vrijwilliger uitleggen").exists()
    assert services.ticket_claim(ticket=ticket, actor=volunteer_a).assignee == volunteer_a


def test_a_worry_goes_straight_to_the_professionals_and_tells_the_contact_person(
    in_org, volunteer_a, django_capture_on_commit_callbacks
):
    in_org.contact_person_email = "contact@zorg.example"
    in_org.contact_person_name = "Carla Contact"
    in_org.save()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_mark_worry(ticket=ticket_make(), actor=volunteer_a)
    assert ticket.is_worry and ticket.priority == Priority.URGENT and ticket.tier == Tier.PROFESSIONAL
    assert ticket.escalation_reason == EscalationReason.SAFETY_WORRY
    row = entry(ticket)
    assert row.is_worry and row.priority_rank == 0
    worry_mail = [m for m in mail.outbox if m.to == ["contact@zorg.example"]]
    assert len(worry_mail) == 1
    assert ticket.reference in worry_mail[0].subject
    # Marking again changes nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_mark_worry(ticket=ticket, actor=volunteer_a)
    assert len([m for m in mail.outbox if m.to == ["contact@zorg.example"]]) == 1


def test_a_worry_chosen_when_asking_escalates_at_once_without_telling_volunteers(
    in_org, volunteer_a, django_capture_on_commit_callbacks
):
    in_org.contact_person_email = "contact@zorg.example"
    in_org.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_make(is_worry=True, contact_email="riet@example.org")
    assert ticket.tier == Tier.PROFESSIONAL
    assert ticket.escalation_reason == EscalationReason.REQUESTER_WORRY
    assert entry(ticket) is not None
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["contact@zorg.example", "riet@example.org"]


def test_without_a_contact_person_a_worry_still_escalates(in_org, volunteer_a):
    ticket = services.ticket_mark_worry(ticket=ticket_make(), actor=volunteer_a)
    assert entry(ticket) is not None


def test_the_cap_stops_a_volunteer_taking_more_than_the_organisation_allows(in_org, volunteer_a):
    in_org.max_open_per_volunteer = 2
    in_org.save()
    for _ in range(2):
        services.ticket_claim(ticket=ticket_make(), actor=volunteer_a)
    with pytest.raises(services.TicketCapReached) as refused:
        services.ticket_claim(ticket=ticket_make(), actor=volunteer_a)
    assert refused.value.limit == 2
    # Solving one frees a place.
    held = Ticket.objects.filter(assignee=volunteer_a).first()
    ticket_solve(ticket=held, actor=volunteer_a, cause=BottleneckCause.OTHER)
    assert services.ticket_claim(ticket=ticket_make(), actor=volunteer_a).assignee == volunteer_a


def test_the_index_lives_in_public_and_other_organisations_do_not_see_each_others_rows(
    org_a, org_b, volunteer_a, volunteer_b
):
    with tenant_context(org_a):
        reference_a = services.ticket_escalate(
            ticket=ticket_make(), actor=volunteer_a, reason="too_difficult"
        ).reference
    with tenant_context(org_b):
        ticket_b = services.ticket_escalate(ticket=ticket_make(), actor=volunteer_b, reason="too_difficult")
        reference_b = ticket_b.reference
        # The same ticket id in two schemas gives two rows, one per organisation.
        assert EscalationEntry.objects.filter(organisation=org_b).count() == 1
    rows = EscalationEntry.objects.filter(organisation__in=[org_a, org_b]).order_by("organisation__slug")
    assert [(row.organisation.slug, row.reference) for row in rows] == [
        ("test-a", reference_a),
        ("test-b", reference_b),
    ]


def test_reconcile_repairs_missing_extra_and_changed_rows_and_reports_them(in_org, volunteer_a):
    kept = services.ticket_escalate(ticket=ticket_make(), actor=volunteer_a, reason="too_difficult")
    lost = services.ticket_escalate(ticket=ticket_make(), actor=volunteer_a, reason="too_difficult")
    stale = services.ticket_escalate(ticket=ticket_make(), actor=volunteer_a, reason="too_difficult")
    # Drift made behind the services' back.
    EscalationEntry.objects.filter(ticket_id=lost.pk, organisation=in_org).delete()
    EscalationEntry.objects.filter(ticket_id=stale.pk, organisation=in_org).update(status="resolved", priority="urgent")
    ghost = EscalationEntry.objects.get(ticket_id=kept.pk, organisation=in_org)
    ghost.pk = None
    ghost.ticket_id = 999999
    ghost.save()

    drift = escalation_index_reconcile()
    assert (drift.missing, drift.extra, drift.changed) == ([lost.pk], [999999], [stale.pk])
    rows = EscalationEntry.objects.filter(organisation=in_org)
    assert sorted(rows.values_list("ticket_id", flat=True)) == sorted([kept.pk, lost.pk, stale.pk])
    assert rows.get(ticket_id=stale.pk).status == stale.status
    assert escalation_index_reconcile().total == 0, "a second run finds nothing left to repair"


def test_the_reconcile_task_reports_drift_per_organisation(in_org, volunteer_a):

    ticket = services.ticket_escalate(ticket=ticket_make(), actor=volunteer_a, reason="too_difficult")
    EscalationEntry.objects.filter(ticket_id=ticket.pk, organisation=in_org).delete()
    assert reconcile_escalation_index() == {"test-a": 1}
    assert reconcile_escalation_index() == {}


def test_volunteers_follow_an_escalated_question_but_do_not_answer_or_change_it(in_org, volunteer_a, professional_a):
    ticket = services.ticket_escalate(ticket=ticket_make(), actor=volunteer_a, reason=EscalationReason.TOO_DIFFICULT)
    refused = [
        lambda: services.reply_post(ticket=ticket, actor=volunteer_a, body="Probeer dit"),
        lambda: ticket_solve(ticket=ticket, actor=volunteer_a, cause=BottleneckCause.OTHER),
        lambda: services.ticket_set_waiting(ticket=ticket, actor=volunteer_a),
        lambda: services.ticket_close(ticket=ticket, actor=volunteer_a, reason="other"),
        lambda: services.ticket_change_topic(ticket=ticket, actor=volunteer_a, topic="Wifi"),
    ]
    for attempt in refused:
        with pytest.raises(services.TicketWithProfessionals):
            attempt()
    assert services.note_add(ticket=ticket, actor=volunteer_a, body="Ik ken mevrouw, bel na 10 uur").is_internal
    # The requester and the professionals still write.
    services.reply_post(ticket=ticket, actor=None, body="Nog steeds zwart")
    services.reply_post(ticket=ticket, actor=professional_a, body="Ik bel u vandaag")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


def test_the_queue_puts_what_a_volunteer_can_take_first(in_org, volunteer_a):

    escalated = services.ticket_escalate(ticket=ticket_make(subject="Oud"), actor=volunteer_a, reason="too_difficult")
    waiting = ticket_make(subject="Nieuw")
    assert list(queue_for(volunteer_a)) == [waiting, escalated]
    assert list(queue_for(volunteer_a, QueueFilters(unassigned=True))) == [waiting]
    assert list(queue_for(volunteer_a, QueueFilters(with_professionals=True))) == [escalated]
