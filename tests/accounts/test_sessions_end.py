"""Revoking a login card, deactivating a person or a new password ends that person's sessions:
their rows leave the organisation's session table, so no browser that held one gets back in."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django_tenants.utils import schema_context

from helpdesk.accounts import services
from helpdesk.accounts.models import Role
from tests.accounts.test_user_management import edit
from tests.conftest import current_user, english_client
from tests.factories import TEST_PASSWORD
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def sessions_of(org, user) -> int:
    with schema_context(org.schema_name):
        return sum(1 for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk))


@pytest.fixture
def manager_client(org_a, manager_a):
    return sign_in(english_client(org_a.host), org_a, manager_a)


def test_revoking_the_card_signs_the_client_out(manager_client, client_a, org_a, manager_a, requester_a):
    with schema_context(org_a.schema_name):
        issued = services.login_card_issue(actor=manager_a, user=requester_a)
    assert client_a.post(f"/account/card/{issued.secret}/").status_code == 302
    assert current_user(client_a) == requester_a
    other = sign_in(english_client(org_a.host), org_a, requester_a)

    manager_client.post(f"/account/people/{requester_a.pk}/card/revoke/")

    assert not current_user(client_a).is_authenticated
    assert not current_user(other).is_authenticated
    assert sessions_of(org_a, requester_a) == 0
    assert current_user(manager_client) == manager_a


def test_a_new_card_signs_the_old_cards_browser_out(manager_client, client_a, org_a, manager_a, requester_a):
    with schema_context(org_a.schema_name):
        old = services.login_card_issue(actor=manager_a, user=requester_a)
    client_a.post(f"/account/card/{old.secret}/")

    manager_client.post(f"/account/people/{requester_a.pk}/card/")

    assert not current_user(client_a).is_authenticated


def test_a_deactivated_person_stays_signed_out_when_made_active_again(manager_client, client_a, org_a, volunteer_a):
    sign_in(client_a, org_a, volunteer_a)

    manager_client.post(f"/account/people/{volunteer_a.pk}/", edit(volunteer_a, is_active=""))
    assert sessions_of(org_a, volunteer_a) == 0
    manager_client.post(f"/account/people/{volunteer_a.pk}/", edit(volunteer_a, is_active="on"))

    assert not current_user(client_a).is_authenticated


def test_a_new_password_ends_the_other_sessions_and_keeps_the_one_that_set_it(org_a, make_user):
    person = make_user(org_a, role=Role.VOLUNTEER, requester_kind="")
    here = sign_in(english_client(org_a.host), org_a, person)
    elsewhere = sign_in(english_client(org_a.host), org_a, person)

    response = here.post(
        "/account/password/",
        {"current": TEST_PASSWORD, "password1": "Een lang wachtwoord 42", "password2": "Een lang wachtwoord 42"},
    )

    assert response.status_code == 302
    assert sessions_of(org_a, person) == 1  # before anyone comes back: the row is gone, not just stale
    assert current_user(here) == person
    assert not current_user(elsewhere).is_authenticated


def test_only_that_persons_sessions_end(org_a, manager_a, requester_a, second_requester_a):
    neighbour = sign_in(english_client(org_a.host), org_a, second_requester_a)
    sign_in(english_client(org_a.host), org_a, requester_a)
    with schema_context(org_a.schema_name):
        assert services.sessions_end(user=requester_a) == 1
    assert current_user(neighbour) == second_requester_a
