""" "Heeft dit geholpen?" counts one person once: a repeat changes the answer, a flood is refused."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from knowledgebase import feedback
from knowledgebase.models import AskFlow, Feedback
from tests.conftest import english_client
from tests.knowledgebase.conftest import own_published, shared_published
from tests.knowledgebase.test_asking import to_question

pytestmark = pytest.mark.django_db


def answers(org) -> list[tuple[bool, str]]:
    with tenant_context(org):
        return sorted(Feedback.objects.values_list("helped", "reason"))


def helped_url(instruction, source: str = "own") -> str:
    return f"/instructions/{source}/{instruction.pk}/helped/"


def test_the_same_browser_answering_again_changes_its_answer(client_a, org_a):
    instruction = own_published(org_a, "De tablet gaat niet aan")
    for _ in range(3):
        assert client_a.post(helped_url(instruction), {"helped": "yes"}).status_code == 200
    assert answers(org_a) == [(True, "")]
    client_a.post(helped_url(instruction), {"helped": "no"})
    for reason in ("unclear", "device", "device"):
        client_a.post(helped_url(instruction), {"reason": reason})
    assert answers(org_a) == [(False, "device")]
    client_a.post(helped_url(instruction), {"helped": "yes"})
    assert answers(org_a) == [(True, "")]  # the reason went with the "no"


def test_the_same_browser_counts_again_the_next_day(client_a, org_a, monkeypatch):
    instruction = own_published(org_a, "De tablet gaat niet aan")
    client_a.post(helped_url(instruction), {"helped": "yes"})
    monkeypatch.setattr(feedback, "_today", lambda: "2999-01-01")
    client_a.post(helped_url(instruction), {"helped": "yes"})
    assert answers(org_a) == [(True, ""), (True, "")]


def test_a_browser_answers_each_instruction_once(client_a, org_a):
    first = own_published(org_a, "De tablet gaat niet aan")
    second = shared_published("Hoe zet ik het geluid harder?")
    client_a.post(helped_url(first), {"helped": "yes"})
    client_a.post(helped_url(second, "shared"), {"helped": "no"})
    client_a.post(helped_url(first), {"helped": "yes"})
    assert answers(org_a) == [(False, ""), (True, "")]


def test_a_reason_without_an_answer_of_this_browser_changes_nothing(client_a, org_a):
    instruction = own_published(org_a, "De tablet gaat niet aan")
    english_client(org_a.host).post(helped_url(instruction), {"helped": "no"})
    for _ in range(3):
        assert client_a.post(helped_url(instruction), {"reason": "pictures"}).status_code == 200
    assert answers(org_a) == [(False, "")]


def test_opening_the_address_with_get_never_counts(client_a, org_a):
    instruction = own_published(org_a, "De tablet gaat niet aan")
    assert client_a.get(helped_url(instruction), {"helped": "yes"}).status_code == 405
    assert client_a.head(helped_url(instruction)).status_code == 405
    assert answers(org_a) == []


def test_a_flood_from_one_address_is_refused_kindly(org_a, monkeypatch):
    monkeypatch.setattr(feedback, "ADDRESS_LIMIT", 3)
    instruction = own_published(org_a, "De tablet gaat niet aan")
    other = own_published(org_a, "Het scherm blijft zwart")
    for _ in range(3):  # new browsers each time, as a script that drops its cookies would be
        assert Client(HTTP_HOST=org_a.host).post(helped_url(instruction), {"helped": "yes"}).status_code == 200
    refused = Client(HTTP_HOST=org_a.host).post(helped_url(instruction), {"helped": "no"})
    assert refused.status_code == 429
    assert "we hebben al veel antwoorden" in refused.content.decode()  # Dutch, the default
    assert answers(org_a) == [(True, "")] * 3
    # Another instruction, or another address, still counts.
    assert Client(HTTP_HOST=org_a.host).post(helped_url(other), {"helped": "yes"}).status_code == 200
    elsewhere = Client(HTTP_HOST=org_a.host, REMOTE_ADDR="192.0.2.7")
    assert elsewhere.post(helped_url(instruction), {"helped": "yes"}).status_code == 200
    assert len(answers(org_a)) == 5


def test_ending_ones_own_ask_flow_is_never_refused(client_a, org_a, monkeypatch):
    monkeypatch.setattr(feedback, "ADDRESS_LIMIT", 1)
    shared = shared_published("Hoe zet ik het geluid harder?")
    english_client(org_a.host).post(helped_url(shared, "shared"), {"helped": "yes"})
    to_question(client_a)
    client_a.get("/instructions/suggest/", {"subject": "geluid harder", "body": ""})
    done = client_a.post(helped_url(shared, "shared"), {"helped": "yes"})
    assert done.status_code == 200 and "We did not send it." in done.content.decode()
    with tenant_context(org_a):
        assert AskFlow.objects.get().outcome == "solved"
        assert Feedback.objects.count() == 1  # the flood limit still held for the count itself
