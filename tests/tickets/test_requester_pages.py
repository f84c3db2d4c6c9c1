"""What the requester and the people on an organisation's pages see: a worry explained, no button
pressed twice, product tiles that start a question, and a professional's way back to the portal."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from helpdesk.urls_util import portal_url
from tests.conftest import english_client
from tests.factories import ticket_make
from tests.signing_in import sign_in
from tickets import services
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db


def test_a_requester_with_a_worry_is_told_the_professionals_look_first(org_a, requester_a):
    with tenant_context(org_a):
        ticket = ticket_make(requester=requester_a, is_worry=True)
    page = sign_in(english_client(org_a.host), org_a, requester_a).get(f"/questions/{ticket.number}/follow/")
    assert "A professional of the helpdesk looks at your question first" in page.content.decode()


def test_after_this_solved_it_the_button_is_not_offered_again(org_a, requester_a, volunteer_a):
    with tenant_context(org_a):
        ticket = services.ticket_claim(ticket=ticket_make(requester=requester_a), actor=volunteer_a)
    browser = sign_in(english_client(org_a.host), org_a, requester_a)
    solved_form = f'action="/questions/{ticket.number}/follow/solved/"'
    assert solved_form in browser.get(f"/questions/{ticket.number}/follow/").content.decode()
    browser.post(f"/questions/{ticket.number}/follow/solved/")
    page = browser.get(f"/questions/{ticket.number}/follow/").content.decode()
    assert solved_form not in page
    assert f'action="/questions/{ticket.number}/follow/help/"' in page
    with tenant_context(org_a):
        assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED


def test_a_product_tile_starts_a_question_about_that_product(org_a, client_a):
    page = client_a.get("/").content.decode()
    assert 'href="/questions/ask/?product=beeldbel-tablet"' in page
    response = client_a.get("/questions/ask/?product=beeldbel-tablet")
    assert response["Location"] == "/questions/ask/question/"
    assert client_a.get("/questions/ask/question/").status_code == 200
    # An unknown or foreign product starts at the beginning, as before.
    assert client_a.get("/questions/ask/?product=<script>")["Location"] == "/questions/ask/product/"


def test_a_professional_on_an_organisations_pages_has_a_way_back_to_the_portal(org_a, professional_a, volunteer_a):
    page = sign_in(english_client(org_a.host), org_a, professional_a).get("/").content.decode()
    assert f'href="{portal_url("/")}"' in page and "Back to the portal" in page
    page = sign_in(english_client(org_a.host), org_a, volunteer_a).get("/").content.decode()
    assert "Back to the portal" not in page
