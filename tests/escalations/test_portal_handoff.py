"""From the professionals' queue to the question's own page, through the single-use hand-off."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django_tenants.utils import schema_context, tenant_context

from helpdesk.accounts.models import AuditEvent, Role, User
from helpdesk.urls_util import absolute_url
from tests.conftest import current_user, english_client
from tests.factories import UserFactory, ticket_make, ticket_solve
from tests.signing_in import sign_in_operator
from tickets import services
from tickets.models import EscalationReason

pytestmark = pytest.mark.django_db


@pytest.fixture
def professional_client(portal_client, professional):
    return sign_in_operator(portal_client, professional)


def escalated(organisation):
    with tenant_context(organisation):
        volunteer = UserFactory(role=Role.VOLUNTEER, requester_kind="")
        ticket = services.ticket_escalate(ticket=ticket_make(), actor=volunteer, reason=EscalationReason.TOO_DIFFICULT)
        return ticket, ticket.reference


def press(client, organisation, number: int, *, take: bool):
    return client.post(f"/escalations/{organisation.pk}/{number}/open/", {"take": "1" if take else "0"})


def handoff_path(response, organisation) -> str:
    """The hand-off address on the organisation's host that the portal sent the browser to."""
    assert response.status_code == 302
    target = response["Location"]
    assert target.startswith(absolute_url(organisation.host, "/account/handoff/")), target
    return urlsplit(target).path


def test_take_over_lands_on_the_question_ready_to_take_it(professional_client, professional, org_a, client_a):
    ticket, reference = escalated(org_a)

    path = handoff_path(press(professional_client, org_a, ticket.number, take=True), org_a)
    arrived = client_a.get(path)

    assert arrived.status_code == 302
    assert arrived["Location"] == f"/questions/{ticket.number}/?take=1"
    shadow = current_user(client_a)
    assert shadow.role == Role.PROFESSIONAL
    assert shadow.public_user_id == professional.pk
    page = client_a.get(arrived["Location"])
    assert page.status_code == 200
    assert reference.encode() in page.content
    with schema_context("public"):
        event = AuditEvent.objects.get(action="escalation_take_over_started")
    assert event.actor_id == professional.pk
    assert event.data == {"reference": reference, "number": ticket.number}
    assert event.target_id == str(org_a.pk)


def test_open_lands_on_the_question_without_taking_it(professional_client, org_b, client_b):
    ticket, _reference = escalated(org_b)

    path = handoff_path(press(professional_client, org_b, ticket.number, take=False), org_b)
    arrived = client_b.get(path)

    assert arrived["Location"] == f"/questions/{ticket.number}/"
    with schema_context("public"):
        assert AuditEvent.objects.filter(action="escalation_opened").count() == 1
    with tenant_context(org_b):
        ticket.refresh_from_db()
        assert ticket.assignee is None  # opening alone changes nothing


def test_each_row_goes_to_its_own_organisation(professional_client, org_a, org_b, client_a, client_b):
    ticket_a, _ = escalated(org_a)
    ticket_b, _ = escalated(org_b)

    path_b = handoff_path(press(professional_client, org_b, ticket_b.number, take=True), org_b)

    assert client_a.get(path_b).status_code == 410  # a hand-off for B does nothing on A
    assert not current_user(client_a).is_authenticated
    assert client_b.get(path_b).status_code == 302
    path_a = handoff_path(press(professional_client, org_a, ticket_a.number, take=True), org_a)
    assert client_a.get(path_a)["Location"] == f"/questions/{ticket_a.number}/?take=1"


def test_the_hand_off_works_once(professional_client, org_a, client_a):
    ticket, _ = escalated(org_a)
    path = handoff_path(press(professional_client, org_a, ticket.number, take=True), org_a)
    client_a.get(path)

    assert english_client(org_a.host).get(path).status_code == 410


def test_a_question_no_longer_escalated_is_not_opened(professional_client, org_a):
    ticket, _ = escalated(org_a)
    with tenant_context(org_a):
        ticket_solve(ticket=ticket, actor=None, cause="explanation")

    response = press(professional_client, org_a, ticket.number, take=True)

    assert response.status_code == 302
    assert response["Location"] == "/escalations/"
    follow = professional_client.get("/escalations/")
    assert b"no longer waits for a professional" in follow.content
    with schema_context("public"):
        assert not AuditEvent.objects.filter(action__startswith="escalation_").exists()


def test_no_hand_off_to_an_organisation_that_is_not_active(professional_client, org_a):
    ticket, _ = escalated(org_a)
    org_a.status = org_a.Status.SUSPENDED
    org_a.save(update_fields=["status"])

    assert press(professional_client, org_a, ticket.number, take=True).status_code == 404


def test_no_hand_off_for_an_organisation_that_does_not_exist(professional_client):
    assert professional_client.post("/escalations/999999/1001/open/", {"take": "1"}).status_code == 404


def test_no_hand_off_without_the_second_factor(portal_client, professional, org_a):
    ticket, _ = escalated(org_a)
    sign_in_operator(portal_client, professional, verified=False)

    response = press(portal_client, org_a, ticket.number, take=True)

    assert response["Location"] == "/account/sign-in/code/"
    with schema_context(org_a.schema_name):
        assert not User.objects.filter(public_user_id=professional.pk).exists()


def test_no_hand_off_for_strangers(portal_client, org_a):
    ticket, _ = escalated(org_a)

    response = press(portal_client, org_a, ticket.number, take=True)

    assert response["Location"].startswith("/account/sign-in/")


def test_opening_needs_a_post(professional_client, org_a):
    ticket, _ = escalated(org_a)

    assert professional_client.get(f"/escalations/{org_a.pk}/{ticket.number}/open/").status_code == 405
