"""The operator portal lists requests for advice of every organisation; a professional opens one."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django_tenants.utils import tenant_context

from escalations.models import AdviceRequest
from helpdesk.accounts.models import Role
from helpdesk.urls_util import absolute_url
from support import services
from tests.conftest import current_user, english_client
from tests.factories import UserFactory, ticket_make
from tests.signing_in import sign_in_operator
from tickets import services as tickets

pytestmark = pytest.mark.django_db

SECRET = "Geheime tekst over mevrouw Jansen"


@pytest.fixture
def requests_in_both(org_a, org_b):
    """An open request for advice in each organisation; A's question has a subject nobody else may read."""
    numbers = {}
    for org in (org_a, org_b):
        with tenant_context(org):
            volunteer = UserFactory(role=Role.VOLUNTEER, requester_kind="", full_name="Vera Vrijwilliger")
            ticket = ticket_make(subject=SECRET, body=SECRET)
            ticket = tickets.ticket_claim(ticket=ticket, actor=volunteer)
            services.advice_ask(ticket=ticket, actor=volunteer, body=SECRET)

            numbers[org.slug] = ticket.number
    return numbers


def test_professional_sees_requests_of_every_organisation_without_personal_data(
    portal_client, professional, requests_in_both, org_a, org_b
):
    sign_in_operator(portal_client, professional)
    response = portal_client.get("/advice/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"TSA-{requests_in_both['test-a']}" in html and f"TSB-{requests_in_both['test-b']}" in html
    assert org_a.name in html and org_b.name in html
    assert SECRET not in html and "Vera Vrijwilliger" not in html
    answered = portal_client.get("/advice/?status=answered").content.decode()
    assert f"TSA-{requests_in_both['test-a']}" not in answered


def test_operator_admin_may_see_the_list_too(admin_client, requests_in_both):
    assert admin_client.get("/advice/").status_code == 200


def test_the_list_needs_the_second_factor_and_operator_staff(portal_client, professional, requests_in_both, client_a):
    assert portal_client.get("/advice/").status_code == 302  # to sign in
    sign_in_operator(portal_client, professional, verified=False)
    response = portal_client.get("/advice/")
    assert response.status_code == 302 and response["Location"] == "/account/sign-in/code/"
    assert portal_client.post("/advice/1/open/").status_code == 302
    # On an organisation's host the portal's addresses do not exist.
    assert client_a.get("/advice/").status_code == 404


def test_professional_opens_a_request_through_the_hand_off(portal_client, professional, requests_in_both, org_a):

    sign_in_operator(portal_client, professional)
    row = AdviceRequest.objects.get(organisation=org_a)
    response = portal_client.post(f"/advice/{row.pk}/open/")
    assert response.status_code == 302
    assert response["Location"].startswith(absolute_url(org_a.host, "/account/handoff/"))

    browser = english_client(org_a.host)
    arrived = browser.get(urlsplit(response["Location"]).path)
    assert arrived.status_code == 302 and arrived["Location"] == f"/questions/{row.number}/#advice"
    assert current_user(browser).role == Role.PROFESSIONAL
    page = browser.get(f"/questions/{row.number}/").content.decode()
    assert SECRET in page and "Send advice" in page


def test_opening_a_missing_request_is_404(portal_client, professional):
    sign_in_operator(portal_client, professional)
    assert portal_client.post("/advice/987654/open/").status_code == 404
    assert portal_client.get("/advice/987654/open/").status_code == 405
