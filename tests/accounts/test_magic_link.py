"""Signing in with a link by e-mail: one use, short-lived, only on the organisation that sent it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import schema_context

from helpdesk.accounts import services
from helpdesk.accounts.models import Role
from tests.conftest import current_user, link_in_mail


@pytest.fixture
def requester(make_user, org_a):
    return make_user(org_a, role=Role.REQUESTER, email="gerrit@example.org")


def ask_for_link(client, email, capture):
    with capture(execute=True):
        response = client.post("/account/sign-in/", {"link-email": email})
    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/sent/"
    return response


@pytest.fixture
def link(client_a, org_a, requester, django_capture_on_commit_callbacks):
    ask_for_link(client_a, requester.email, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    return link_in_mail(mail.outbox[0], org_a)


def test_requesting_a_link_mails_it_on_the_organisations_host(
    client_a, org_a, requester, django_capture_on_commit_callbacks
):
    ask_for_link(client_a, "Gerrit@Example.org", django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["gerrit@example.org"]
    assert link_in_mail(message, org_a).startswith("/account/sign-in/link/")


def test_opening_the_link_does_not_sign_in_so_mail_scanners_cannot_use_it(client_a, link):
    response = client_a.get(link)

    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert not current_user(client_a).is_authenticated
    assert client_a.post(link).status_code == 302  # the scanner's visit did not use the link up


def test_pressing_the_button_signs_in(client_a, link, requester):
    response = client_a.post(link)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert current_user(client_a) == requester


def test_link_works_only_once(client_a, link):
    client_a.post(link)
    client_a.post("/account/sign-out/")

    response = client_a.post(link)

    assert response.status_code == 410
    assert b"This link does not work" in response.content
    assert not current_user(client_a).is_authenticated


def test_expired_link_does_not_sign_in(client_a, link, time_machine):
    time_machine.move_to(timezone.now() + timedelta(minutes=31))

    response = client_a.post(link)

    assert response.status_code == 410
    assert not current_user(client_a).is_authenticated


def test_link_still_works_just_before_it_expires(client_a, link, time_machine):
    time_machine.move_to(timezone.now() + timedelta(minutes=29))

    assert client_a.post(link).status_code == 302


def test_unknown_address_gets_the_same_page_and_no_mail(client_a, django_capture_on_commit_callbacks):
    response = ask_for_link(client_a, "nobody@example.org", django_capture_on_commit_callbacks)

    assert client_a.get(response["Location"]).status_code == 200
    assert mail.outbox == []


def test_inactive_and_shadow_accounts_get_no_link(client_a, org_a, make_user, django_capture_on_commit_callbacks):
    make_user(org_a, email="gone@example.org", is_active=False)
    make_user(org_a, email="shadow@example.org", role=Role.PROFESSIONAL, public_user_id=4242)

    ask_for_link(client_a, "gone@example.org", django_capture_on_commit_callbacks)
    ask_for_link(client_a, "shadow@example.org", django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_invalid_address_keeps_what_was_typed_and_says_why(client_a):
    response = client_a.post("/account/sign-in/", {"link-email": "not an address"})

    assert response.status_code == 200
    assert b'value="not an address"' in response.content
    assert b"There is a problem" in response.content


def test_rate_limit_stops_a_flood_from_one_address(client_a, requester, settings, django_capture_on_commit_callbacks):
    settings.LOGIN_FAILURE_LIMIT = 3

    for _ in range(6):
        ask_for_link(client_a, requester.email, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 3


def test_rate_limit_protects_one_mailbox_from_many_addresses(
    client_a, requester, settings, django_capture_on_commit_callbacks
):
    settings.LOGIN_FAILURE_LIMIT = 3

    for number in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            client_a.post("/account/sign-in/", {"link-email": requester.email}, REMOTE_ADDR=f"10.0.0.{number}")

    assert len(mail.outbox) == 3


def test_link_from_one_organisation_does_nothing_on_another(client_a, client_b, link):
    response = client_b.post(link)

    assert response.status_code == 410
    assert not current_user(client_b).is_authenticated
    assert client_a.post(link).status_code == 302  # and it was not used up by the attempt


def test_address_of_one_organisation_gets_no_link_from_another(client_b, requester, django_capture_on_commit_callbacks):
    ask_for_link(client_b, requester.email, django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_link_made_outside_a_request_still_points_at_the_organisation(
    org_a, requester, django_capture_on_commit_callbacks
):
    """Tasks and commands select a schema by name only; the link must not fall back to the portal."""
    with schema_context(org_a.schema_name), django_capture_on_commit_callbacks(execute=True):
        assert services.magic_link_request(email=requester.email)

    assert link_in_mail(mail.outbox[0], org_a).startswith("/account/sign-in/link/")
