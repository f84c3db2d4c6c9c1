"""Every page of the foundation answers, for the right people, on the right host."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from helpdesk.accounts.models import Role
from helpdesk.views import server_error
from tests.signing_in import sign_in


def test_unknown_host_gets_friendly_not_found(db, client):
    response = client.get("/", HTTP_HOST="nobody.localhost")
    assert response.status_code == 404
    assert b"We cannot find this helpdesk" in response.content or b"helpdesk niet vinden" in response.content


def test_tenant_home_shows_organisation_name(client_a, org_a):
    response = client_a.get("/")
    assert response.status_code == 200
    assert org_a.name.encode() in response.content


def test_portal_redirects_strangers_to_sign_in(portal_client):
    response = portal_client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


@pytest.mark.parametrize("path", ["/account/sign-in/", "/account/sign-in/sent/"])
def test_tenant_public_pages_answer(client_a, path):
    assert client_a.get(path).status_code == 200


def test_manager_sees_people_page(client_a, org_a, make_user):
    manager = make_user(org_a, role=Role.MANAGER)
    sign_in(client_a, org_a, manager)
    with schema_context(org_a.schema_name):
        response = client_a.get("/account/people/")
    assert response.status_code == 200


def test_server_error_page_gives_a_phone_number_without_the_database(rf, settings):

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert settings.HELP_PHONE.encode() in response.content
    assert b"Er ging iets mis" in response.content
