"""The professional hand-off: from the portal to an organisation's host, once, quickly, and only there."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from helpdesk.accounts.models import AuditEvent, HandoffNonce, Role, User
from helpdesk.urls_util import absolute_url
from tests.conftest import current_user, english_client
from tests.signing_in import sign_in, sign_in_operator


def open_organisation(client, organisation) -> str:
    """Presses "Open as professional" and returns the hand-off path on the organisation's host."""
    response = client.post(f"/organisations/{organisation.pk}/open/")
    assert response.status_code == 302
    target = response["Location"]
    assert target.startswith(absolute_url(organisation.host, "/account/handoff/"))
    return urlsplit(target).path


@pytest.fixture
def professional_client(portal_client, professional):
    return sign_in_operator(portal_client, professional)


def test_professional_arrives_signed_in_as_a_shadow_account(professional_client, client_a, org_a, professional):
    path = open_organisation(professional_client, org_a)

    response = client_a.get(path)

    assert response.status_code == 302
    assert response["Location"] == "/"
    shadow = current_user(client_a)
    assert shadow.role == Role.PROFESSIONAL
    assert shadow.public_user_id == professional.pk
    assert shadow.full_name == professional.full_name
    assert shadow.email is None
    with schema_context(org_a.schema_name):
        event = AuditEvent.objects.get(action="handoff_used")
    assert event.actor_id == shadow.pk
    assert event.data["public_email"] == professional.email
    assert event.data["professional_public_id"] == professional.pk
    with schema_context("public"):
        assert AuditEvent.objects.filter(action="handoff_created", actor=professional).exists()


def test_operator_admin_may_open_an_organisation_too(admin_client, client_a, org_a):
    assert client_a.get(open_organisation(admin_client, org_a)).status_code == 302


def test_second_hand_off_reuses_the_shadow_account(professional_client, org_a, professional):
    for _ in range(2):
        english_client(org_a.host).get(open_organisation(professional_client, org_a))

    with schema_context(org_a.schema_name):
        assert User.objects.filter(public_user_id=professional.pk).count() == 1
        assert AuditEvent.objects.filter(action="handoff_used").count() == 2


def test_hand_off_works_only_once(professional_client, client_a, org_a):
    path = open_organisation(professional_client, org_a)
    client_a.get(path)
    other = english_client(org_a.host)

    response = other.get(path)

    assert response.status_code == 410
    assert not current_user(other).is_authenticated


def test_expired_hand_off_fails(professional_client, client_a, org_a, time_machine):
    path = open_organisation(professional_client, org_a)
    time_machine.move_to(timezone.now() + timedelta(seconds=61))

    assert client_a.get(path).status_code == 410
    assert not current_user(client_a).is_authenticated


def test_hand_off_for_a_fails_on_b(professional_client, client_a, client_b, org_a, org_b, professional):
    path = open_organisation(professional_client, org_a)

    assert client_b.get(path).status_code == 410
    assert not current_user(client_b).is_authenticated
    with schema_context(org_b.schema_name):
        assert not User.objects.filter(public_user_id=professional.pk).exists()
        assert not HandoffNonce.objects.exists()
    assert client_a.get(path).status_code == 302  # the attempt on B did not use it up


def test_forged_hand_off_fails(client_a):
    assert client_a.get("/account/handoff/not-a-real-token/").status_code == 410


def test_no_hand_off_without_a_verified_second_factor(portal_client, professional, org_a):
    sign_in_operator(portal_client, professional, verified=False)

    # Every portal page answers the same: first the code, then the page (helpdesk.decorators.portal_page).
    response = portal_client.post(f"/organisations/{org_a.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/account/sign-in/code/"


def test_no_hand_off_for_strangers(portal_client, org_a):
    response = portal_client.post(f"/organisations/{org_a.pk}/open/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_no_hand_off_to_an_organisation_that_is_not_active(professional_client, org_a):
    org_a.status = org_a.Status.SUSPENDED
    org_a.save(update_fields=["status"])

    assert professional_client.post(f"/organisations/{org_a.pk}/open/").status_code == 404


def test_no_hand_off_to_an_organisation_that_does_not_exist(professional_client):
    assert professional_client.post("/organisations/999999/open/").status_code == 404


def test_manager_of_an_organisation_gets_no_hand_off(client_a, org_a, manager_a):
    sign_in(client_a, org_a, manager_a)

    # The portal's address does not exist on an organisation's host.
    assert client_a.post(f"/organisations/{org_a.pk}/open/").status_code == 404
