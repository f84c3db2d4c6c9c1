"""Asking a question as an end user: one question per page, no account, check answers, confirmation."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.models import Product
from tests.conftest import sign_in
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def product_pk(slug: str = "beeldbel-tablet") -> str:
    return str(Product.objects.get(slug=slug).pk)


def walk(client, *, contact: dict[str, str] | None = None, question: dict[str, str] | None = None):
    """Answers all four question pages; returns the response of the last one."""
    assert client.get("/questions/ask/").url == "/questions/ask/product/"
    assert client.post("/questions/ask/product/", {"product": product_pk()}).url == "/questions/ask/question/"
    data = {"subject": "Tablet blijft zwart", "body": "Ik zie niets als ik bel.", "website": ""}
    assert client.post("/questions/ask/question/", {**data, **(question or {})}).url == "/questions/ask/for_whom/"
    response = client.post(
        "/questions/ask/for_whom/",
        {"for_whom": "other", "on_behalf_of_name": "Oma Jansen", "on_behalf_relation": "informal_carer"},
    )
    assert response.url == "/questions/ask/contact/"
    answers = {"contact_method": "call_back", "contact_name": "Piet Jansen", "contact_phone": "06 1111 2222"}
    return client.post("/questions/ask/contact/", contact if contact is not None else answers)


def test_a_stranger_asks_a_question_and_gets_a_reference(client_a, org_a):
    assert walk(client_a).url == "/questions/ask/check/"
    check = client_a.get("/questions/ask/check/").content.decode()
    assert "Check your answers" in check and "Oma Jansen" in check and "06 1111 2222" in check
    response = client_a.post("/questions/ask/check/")
    assert response.url == "/questions/ask/sent/"
    with tenant_context(org_a):
        ticket = Ticket.objects.get()
        assert ticket.requester is None and ticket.channel == "web"
        assert (ticket.contact_name, ticket.contact_method, ticket.contact_phone) == (
            "Piet Jansen",
            "call_back",
            "06 1111 2222",
        )
        assert (ticket.on_behalf_of_name, ticket.on_behalf_relation) == ("Oma Jansen", "informal_carer")
    done = client_a.get("/questions/ask/sent/").content.decode()
    assert f"TSA-{ticket.number}" in done and "We call you back" in done
    assert "0800" in done or "Call" in done


def test_each_page_has_one_heading_a_back_link_and_a_step_count(client_a):
    client_a.get("/questions/ask/")
    page = client_a.get("/questions/ask/product/").content.decode()
    assert page.count("<h1>") == 1 and "Which product is your question about?" in page
    assert "Step 1 of 4" in page and 'class="back-link"' in page
    assert 'type="radio" name="product"' in page and "tile__picture" in page


def test_no_skipping_ahead_by_address(client_a):
    client_a.get("/questions/ask/")
    assert client_a.get("/questions/ask/contact/").url == "/questions/ask/product/"
    assert client_a.get("/questions/ask/check/").url == "/questions/ask/product/"
    assert client_a.get("/questions/ask/sent/").url == "/questions/ask/"
    assert client_a.get("/questions/ask/nonsense/").status_code == 404


def test_a_rejected_page_keeps_what_was_typed_and_says_what_is_wrong(client_a):
    client_a.get("/questions/ask/")
    client_a.post("/questions/ask/product/", {"product": product_pk()})
    response = client_a.post("/questions/ask/question/", {"subject": "Mijn <b>tablet</b>", "body": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and "There is a problem" in html
    assert 'href="#id_body"' in html and 'aria-invalid="true"' in html
    assert 'value="Mijn &lt;b&gt;tablet&lt;/b&gt;"' in html


def test_a_product_of_another_organisation_is_refused(client_a):
    client_a.get("/questions/ask/")
    response = client_a.post("/questions/ask/product/", {"product": product_pk("medicijndispenser")})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()


def test_answer_on_the_website_needs_a_way_to_open_it_later(client_a):
    response = walk(client_a, contact={"contact_method": "website", "contact_name": "Piet"})
    assert response.status_code == 200
    assert "Write your e-mail address or phone number" in response.content.decode()


def test_changing_an_answer_returns_to_the_check_page_and_keeps_the_rest(client_a, org_a):
    walk(client_a)
    client_a.get("/questions/ask/check/")
    page = client_a.get("/questions/ask/question/").content.decode()
    assert 'value="Tablet blijft zwart"' in page
    response = client_a.post("/questions/ask/question/", {"subject": "Nieuw onderwerp", "body": "Meer tekst"})
    assert response.url == "/questions/ask/check/"
    client_a.post("/questions/ask/check/")
    with tenant_context(org_a):
        ticket = Ticket.objects.get()
        assert ticket.subject == "Nieuw onderwerp" and ticket.contact_name == "Piet Jansen"


def test_a_robot_filling_the_hidden_field_files_nothing(client_a, org_a):
    walk(client_a, question={"website": "http://spam.example"})
    response = client_a.post("/questions/ask/check/")
    assert response.url == "/questions/ask/"
    with tenant_context(org_a):
        assert not Ticket.objects.exists()


def test_too_many_questions_from_one_address_are_slowed_down(client_a, org_a, monkeypatch):
    from tickets.views import ask

    monkeypatch.setattr(ask, "ASK_LIMIT", 2)
    for _ in range(2):
        walk(client_a)
        assert client_a.post("/questions/ask/check/").status_code == 302
    walk(client_a)
    response = client_a.post("/questions/ask/check/")
    assert response.status_code == 429 and "Please wait a moment" in response.content.decode()
    with tenant_context(org_a):
        assert Ticket.objects.count() == 2


def test_a_signed_in_requester_is_not_asked_what_we_know(client_a, org_a, make_user):
    riet = make_user(org_a, role="requester", full_name="Riet Jansen", phone="06 9999 0000")
    sign_in(client_a, org_a, riet)
    page = walk(client_a, contact={}).content.decode()  # an empty post: only the method is asked
    assert "Your name" not in page and "Your e-mail address" not in page and "Your phone number" not in page
    assert walk(client_a, contact={"contact_method": "email"}).url == "/questions/ask/check/"
    client_a.post("/questions/ask/check/")
    with tenant_context(org_a):
        ticket = Ticket.objects.get()
        assert ticket.requester == riet and ticket.contact_email == riet.email
        assert ticket.contact_name == "Riet Jansen" and ticket.contact_phone == "06 9999 0000"
    done = client_a.get("/questions/ask/sent/").content.decode()
    assert f"/questions/{ticket.number}/follow/" in done


def test_the_confirmation_belongs_to_the_session_that_asked(client_a, org_a, make_user):
    from django.test import Client

    walk(client_a)
    client_a.post("/questions/ask/check/")
    other = Client(HTTP_HOST=org_a.host)
    assert other.get("/questions/ask/sent/").url == "/questions/ask/"
