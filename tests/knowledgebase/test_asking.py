"""Suggestions while asking, with and without JavaScript, and the deflection they count."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from knowledgebase import counts
from knowledgebase.models import AskFlow, FlowSuggestion
from tenants.models import Product
from tests.knowledgebase.conftest import shared_published
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def to_question(client) -> None:
    client.get("/questions/ask/")
    product = Product.objects.get(slug="beeldbel-tablet").pk
    assert client.post("/questions/ask/product/", {"product": product}).url == "/questions/ask/question/"


def test_live_suggestions_appear_after_three_characters(client_a, org_a):
    shared_published("Hoe zet ik het geluid harder?")
    to_question(client_a)
    page = client_a.get("/questions/ask/question/").content.decode()
    assert 'hx-get="/instructions/suggest/"' in page and 'id="kb-suggestions"' in page
    assert client_a.get("/instructions/suggest/", {"subject": "ge", "body": ""}).content.decode().strip() == ""
    found = client_a.get("/instructions/suggest/", {"subject": "geluid harder", "body": ""}).content.decode()
    assert "Hoe zet ik het geluid harder?" in found and 'data-announce="1 instruction found"' in found


def test_opening_a_suggestion_that_solves_it_files_no_question(client_a, org_a):
    shared = shared_published("Hoe zet ik het geluid harder?")
    to_question(client_a)
    client_a.get("/instructions/suggest/", {"subject": "geluid harder", "body": ""})
    page = client_a.get(f"/instructions/shared/{shared.pk}/").content.decode()
    assert "This solves my question" in page and "I want to ask a question anyway" in page
    done = client_a.post(f"/instructions/shared/{shared.pk}/helped/", {"helped": "yes"}).content.decode()
    assert "We did not send it." in done
    with tenant_context(org_a):
        assert not Ticket.objects.exists()
        flow = AskFlow.objects.get()
        assert flow.outcome == "solved"
        assert FlowSuggestion.objects.filter(flow=flow, opened=True, solved=True).count() == 1
        [figures] = counts.deflection_by_product(counts.this_month())
        assert (figures.shown, figures.opened, figures.solved, figures.asked) == (1, 1, 1, 0)


def test_without_javascript_the_matches_come_before_the_next_step(client_a, org_a):
    shared_published("Hoe zet ik het geluid harder?")
    to_question(client_a)
    sent = client_a.post("/questions/ask/question/", {"subject": "Geluid harder zetten", "body": "Het is te zacht."})
    assert sent.url == "/instructions/while-asking/"
    page = client_a.get(sent.url).content.decode()
    assert "Hoe zet ik het geluid harder?" in page and 'href="/questions/ask/for_whom/"' in page


def test_without_javascript_a_match_solves_the_question_from_the_list(client_a, org_a):
    shared = shared_published("Hoe zet ik het geluid harder?")
    to_question(client_a)
    client_a.post("/questions/ask/question/", {"subject": "Geluid harder zetten", "body": "Het is te zacht."})
    page = client_a.get("/instructions/while-asking/").content.decode()
    action = f'action="/instructions/shared/{shared.pk}/helped/"'
    assert action in page and "This solves my question" in page and "I want to ask a question anyway" in page
    done = client_a.post(f"/instructions/shared/{shared.pk}/helped/", {"helped": "yes"})
    assert (
        "Good that your question is solved" in done.content.decode() and "We did not send it." in done.content.decode()
    )
    assert client_a.get("/instructions/while-asking/").url == "/questions/ask/"  # the flow has ended
    assert client_a.get("/questions/ask/check/").url == "/questions/ask/product/"  # nothing left to send
    with tenant_context(org_a):
        assert not Ticket.objects.exists()
        assert AskFlow.objects.get().outcome == "solved"
        assert FlowSuggestion.objects.filter(opened=True, solved=True, instruction_id=shared.pk).count() == 1
        [figures] = counts.deflection_by_product(counts.this_month())
        assert (figures.shown, figures.opened, figures.solved, figures.asked) == (1, 1, 1, 0)  # as with a live list
        [helped] = counts.feedback_by_instruction(counts.this_month())
        assert (helped["instruction_id"], helped["yes"], helped["no"]) == (shared.pk, 1, 0)


def test_asking_anyway_is_counted_and_loses_nothing(client_a, org_a):
    shared_published("Hoe zet ik het geluid harder?")
    to_question(client_a)
    client_a.post("/questions/ask/question/", {"subject": "Geluid harder zetten", "body": "Het is te zacht."})
    assert 'href="/questions/ask/for_whom/"' in client_a.get("/instructions/while-asking/").content.decode()
    assert client_a.get("/questions/ask/for_whom/").status_code == 200
    client_a.post("/questions/ask/for_whom/", {"for_whom": "me"})
    client_a.post(
        "/questions/ask/contact/",
        {"contact_method": "call_back", "contact_name": "Piet", "contact_phone": "0612345678"},
    )
    check = client_a.get("/questions/ask/check/").content.decode()
    assert "Geluid harder zetten" in check and "Het is te zacht." in check
    assert client_a.post("/questions/ask/check/").url == "/questions/ask/sent/"
    with tenant_context(org_a):
        ticket = Ticket.objects.get()
        assert (ticket.subject, ticket.body) == ("Geluid harder zetten", "Het is te zacht.")
        assert AskFlow.objects.get().outcome == "asked"
        assert not FlowSuggestion.objects.filter(solved=True).exists()


def test_the_suggestions_keep_what_was_typed(client_a, org_a):
    shared_published("Hoe zet ik het geluid harder?")
    to_question(client_a)
    client_a.get("/instructions/suggest/", {"subject": "geluid harder", "body": "mijn tekst"})
    page = client_a.get("/questions/ask/question/").content.decode()
    assert 'value="geluid harder"' in page and "mijn tekst" in page


def test_an_instruction_link_starts_a_question_with_the_product_chosen(client_a, org_a):
    product = Product.objects.get(slug="beeldbel-tablet").pk
    assert client_a.get(f"/questions/ask/?product={product}").url == "/questions/ask/question/"
    assert client_a.get("/questions/ask/?product=999999").url == "/questions/ask/product/"
