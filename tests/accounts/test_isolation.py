"""Whatever belongs to organisation A (people, sessions, links, cards) counts for nothing elsewhere."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django_tenants.utils import schema_context

from helpdesk.accounts import services
from helpdesk.accounts.models import LoginToken, Role
from helpdesk.middleware import SESSION_SCHEMA_KEY
from tests.conftest import current_user
from tests.factories import TEST_PASSWORD
from tests.signing_in import session_key, sign_in, sign_in_operator

SHARED_PK = 4711  # a user number that exists in both organisations, for different people


# Here the cast's two managers are made with one user number, so that anything of A which leaked
# into B would name a real person there.
@pytest.fixture
def manager_a(make_user, org_a):
    return make_user(org_a, pk=SHARED_PK, role=Role.MANAGER, requester_kind="", full_name="Marieke Manager")


@pytest.fixture
def manager_b(make_user, org_b):
    return make_user(org_b, pk=SHARED_PK, role=Role.MANAGER, requester_kind="", full_name="Bas Bakker")


def test_person_of_a_cannot_sign_in_on_b(client_b, manager_a):
    response = client_b.post("/account/sign-in/", {"staff-email": manager_a.email, "staff-password": TEST_PASSWORD})

    assert response.status_code == 200
    assert not current_user(client_b).is_authenticated


def test_session_cookie_of_a_counts_for_nothing_on_b(client_a, client_b, org_a, manager_a, manager_b):
    sign_in(client_a, org_a, manager_a)
    client_b.cookies[settings.SESSION_COOKIE_NAME] = session_key(client_a)

    assert not current_user(client_b).is_authenticated
    assert client_b.get("/account/people/").status_code == 302
    assert current_user(client_a) == manager_a  # and A's own session is untouched


def test_session_cookie_of_a_counts_for_nothing_on_the_portal(client_a, portal_client, org_a, manager_a):
    sign_in(client_a, org_a, manager_a)
    portal_client.cookies[settings.SESSION_COOKIE_NAME] = session_key(client_a)

    response = portal_client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_portal_session_counts_for_nothing_on_an_organisation(portal_client, client_a, operator_admin):
    sign_in_operator(portal_client, operator_admin)
    assert portal_client.get("/").status_code == 200
    client_a.cookies[settings.SESSION_COOKIE_NAME] = session_key(portal_client)

    assert not current_user(client_a).is_authenticated


def test_magic_link_of_a_does_nothing_on_b(client_a, client_b, org_a, requester_a):
    with schema_context(org_a.schema_name):
        issued = services.token_issue(user=requester_a, purpose=LoginToken.Purpose.MAGIC_LINK)
    path = f"/account/sign-in/link/{issued.secret}/"

    assert client_b.post(path).status_code == 410
    assert not current_user(client_b).is_authenticated
    assert client_a.post(path).status_code == 302


def test_login_card_of_a_does_nothing_on_b(client_b, org_a, manager_a, requester_a):
    with schema_context(org_a.schema_name):
        issued = services.login_card_issue(actor=manager_a, user=requester_a)

    assert client_b.post(f"/account/card/{issued.secret}/").status_code == 410
    assert not current_user(client_b).is_authenticated


def test_signing_in_ties_the_session_to_the_schema(client_a, org_a, manager_a):
    client_a.post("/account/sign-in/", {"staff-email": manager_a.email, "staff-password": TEST_PASSWORD})

    with schema_context(org_a.schema_name):
        assert client_a.session[SESSION_SCHEMA_KEY] == org_a.schema_name


def test_session_claiming_another_schema_is_dropped(client_b, org_a, org_b, manager_b):
    """A shared session store could hand B a session made on A; B must not trust it."""
    sign_in(client_b, org_b, manager_b)
    key = session_key(client_b)
    with schema_context(org_b.schema_name):
        session = client_b.session
        session[SESSION_SCHEMA_KEY] = org_a.schema_name
        session.save()

    assert not current_user(client_b).is_authenticated
    with schema_context(org_b.schema_name):
        assert not Session.objects.filter(session_key=key).exists()


def test_session_without_a_schema_is_dropped(client_a, org_a, manager_a):
    sign_in(client_a, org_a, manager_a)
    with schema_context(org_a.schema_name):
        session = client_a.session
        del session[SESSION_SCHEMA_KEY]
        session.save()

    assert not current_user(client_a).is_authenticated
    assert client_a.get("/account/people/").status_code == 302
