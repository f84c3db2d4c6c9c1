"""The operator's professionals hear of waiting work: at once for urgent questions and worries,
at once or in a daily digest for the rest, and a count on the portal's start page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from escalations import services as escalation_services
from escalations.models import AlertPreference
from escalations.tasks import send_professional_digests
from helpdesk.accounts.models import Role
from support import services as support_services
from tests.factories import UserFactory, ticket_make
from tests.signing_in import sign_in_operator
from tickets import services
from tickets.models import DutyPeriod, EscalationReason, Ticket, Tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    """Two professionals of the operator: one wants everything at once, one a daily digest."""
    with schema_context("public"):
        at_once = UserFactory(
            role=Role.PROFESSIONAL, requester_kind="", email="direct@example.org", full_name="Dirk Direct"
        )
        digest = UserFactory(
            role=Role.PROFESSIONAL, requester_kind="", email="digest@example.org", full_name="Dina Digest"
        )
        escalation_services.alert_preference_set(actor=digest, rest=AlertPreference.Rest.DIGEST)
    return at_once, digest


@pytest.fixture
def on_duty(in_org, volunteer_a):
    now = timezone.now()
    DutyPeriod.objects.create(
        volunteer=volunteer_a, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2)
    )


def recipients(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


def test_a_worry_reaches_every_professional_at_once(
    in_org, on_duty, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket_make(subject="Moeder valt vaak", is_worry=True)
    alerts = [m for m in mailoutbox if "professional" in m.subject]
    assert sorted(a for m in alerts for a in m.to) == ["digest@example.org", "direct@example.org"]
    assert alerts[0].subject.startswith(("Zorg om veiligheid", "Worry about safety"))
    assert "Moeder valt vaak" in alerts[0].body
    assert "/escalations/" in alerts[0].body


def test_a_question_passed_on_reaches_those_who_want_it_at_once(
    in_org, on_duty, staff, volunteer_a, mailoutbox, django_capture_on_commit_callbacks
):
    ticket = ticket_make(subject="Tablet laadt niet")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_escalate(ticket=ticket, actor=volunteer_a, reason=EscalationReason.NEEDS_SUPPLIER)
    assert recipients(mailoutbox) == ["direct@example.org"]


def test_a_request_for_advice_reaches_those_who_want_it_at_once(
    in_org, on_duty, staff, volunteer_a, mailoutbox, django_capture_on_commit_callbacks
):
    ticket = services.ticket_claim(ticket=ticket_make(), actor=volunteer_a)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        support_services.advice_ask(ticket=ticket, actor=volunteer_a, body="Is dit een fout van het apparaat?")
    assert recipients(mailoutbox) == ["direct@example.org"]
    assert "/advice/" in mailoutbox[0].body
    assert "Is dit een fout" not in mailoutbox[0].body  # the text stays in the organisation


def test_the_daily_digest_lists_what_waits_for_those_who_chose_it(
    in_org, on_duty, staff, volunteer_a, mailoutbox, django_capture_on_commit_callbacks
):
    ticket = ticket_make(subject="Alarmknop piept")
    services.ticket_escalate(ticket=ticket, actor=volunteer_a, reason=EscalationReason.TOO_DIFFICULT)
    mailoutbox.clear()
    assert send_professional_digests.delay().get() == 1
    assert recipients(mailoutbox) == ["digest@example.org"]
    assert "Alarmknop piept" in mailoutbox[0].body


def test_a_question_asked_while_nobody_is_on_duty_goes_to_the_professionals_at_once(
    nobody_on_duty_escalates, in_org, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_make(subject="Niemand is er")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.tier == Tier.PROFESSIONAL
    assert ticket.escalation_reason == EscalationReason.NOBODY_ON_DUTY
    assert "direct@example.org" in recipients(mailoutbox)


def test_the_portal_start_page_counts_what_waits_and_the_queue_says_how_long(
    org_a, staff, volunteer_a, portal_client, django_capture_on_commit_callbacks
):
    at_once, _ = staff
    with tenant_context(org_a):
        ticket = ticket_make(subject="Wacht al even")
        Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - timedelta(hours=3))
        ticket = services.ticket_escalate(
            ticket=Ticket.objects.get(pk=ticket.pk), actor=volunteer_a, reason=EscalationReason.TOO_DIFFICULT
        )
        claimed = services.ticket_claim(ticket=ticket_make(subject="Met advies"), actor=volunteer_a)
        support_services.advice_ask(ticket=claimed, actor=volunteer_a, body="Hoe zit dit?")
    browser = sign_in_operator(portal_client, at_once)
    home = browser.get("/").content.decode()
    assert "1 escalated question nobody has taken" in home or "1 geëscaleerde vraag" in home
    assert "1 request for advice" in home or "1 adviesvraag" in home
    queue = browser.get("/escalations/").content.decode()
    assert ("asked 3" in queue and "passed on 0" in queue) or ("gevraagd 3" in queue and "doorgegeven 0" in queue)
    assert browser.get("/escalations/alerts/").status_code == 200
    response = browser.post("/escalations/alerts/", {"rest": "digest"})
    assert response.status_code == 302
    with schema_context("public"):
        assert AlertPreference.objects.get(user=at_once).rest == "digest"


def test_volunteers_cannot_reach_the_alert_choice(client_a, volunteer_a, portal_client):
    assert portal_client.get("/escalations/alerts/").status_code in (302, 404)
