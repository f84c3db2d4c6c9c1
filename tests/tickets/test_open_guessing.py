"""Guessing the contact of one question is slowed per address, per question and per organisation,
and the real asker is never locked out: the paused page gives the phone number and e-mails the
question's own link to the address given with it."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import tenant_context

from tests.conftest import english_client
from tests.factories import ticket_make
from tickets.views import requester

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(org_a):
    with tenant_context(org_a):
        return ticket_make(contact_name="Piet", contact_email="piet@example.org", contact_phone="0612345678")


def guess(org, number: int, contact: str, *, address: str):
    browser = english_client(org.host)
    return browser, browser.post(
        "/questions/open/", {"reference": str(number), "contact": contact}, REMOTE_ADDR=address
    )


def test_guesses_from_many_addresses_pause_the_check_of_that_question(org_a, asked, settings):
    for i in range(requester.QUESTION_FAILURE_LIMIT):
        _, response = guess(org_a, asked.number, f"guess{i}@example.org", address=f"10.0.0.{i}")
        assert response.status_code == 200
    # The right contact from yet another address: the check is paused, so even a right guess
    # confirms nothing.
    _, response = guess(org_a, asked.number, "piet@example.org", address="10.0.1.1")
    page = response.content.decode()
    assert response.status_code == 429
    assert "Please wait a moment" in page and settings.HELP_PHONE in page
    assert "Send me the link again" in page


def test_other_questions_still_open(org_a, asked):
    with tenant_context(org_a):
        other = ticket_make(contact_name="Ans", contact_email="ans@example.org")
    for i in range(requester.QUESTION_FAILURE_LIMIT):
        guess(org_a, asked.number, f"guess{i}@example.org", address=f"10.0.0.{i}")
    _, response = guess(org_a, other.number, "ans@example.org", address="10.0.2.1")
    assert response.status_code == 302 and response.url == f"/questions/{other.number}/follow/"


def test_the_real_asker_gets_the_link_by_e_mail(org_a, asked, mailoutbox, django_capture_on_commit_callbacks):
    for i in range(requester.QUESTION_FAILURE_LIMIT):
        guess(org_a, asked.number, f"guess{i}@example.org", address=f"10.0.0.{i}")
    browser, response = guess(org_a, asked.number, "piet@example.org", address="10.0.3.1")
    assert response.status_code == 429

    with django_capture_on_commit_callbacks(execute=True):
        sent = browser.post("/questions/open/send-link/", {"reference": str(asked.number)})
    assert sent.status_code == 429 and "we sent the link" in sent.content.decode()
    assert [mail.to for mail in mailoutbox] == [["piet@example.org"]]
    link = re.search(r"https?://\S+/questions/open/\S+", mailoutbox[0].body).group(0)
    assert browser.get("/" + link.split("/", 3)[3]).url == f"/questions/{asked.number}/follow/"
    assert browser.get(f"/questions/{asked.number}/follow/").status_code == 200

    # Pressing again (or a stranger pressing for this number) sends nothing more for a while.
    with django_capture_on_commit_callbacks(execute=True):
        again = browser.post("/questions/open/send-link/", {"reference": str(asked.number)})
    assert again.status_code == 429 and len(mailoutbox) == 1


def test_the_link_is_sent_only_to_the_questions_own_address(
    org_a, asked, mailoutbox, django_capture_on_commit_callbacks
):
    browser = english_client(org_a.host)
    with django_capture_on_commit_callbacks(execute=True):
        browser.post("/questions/open/send-link/", {"reference": str(asked.number), "email": "evil@example.org"})
        browser.post("/questions/open/send-link/", {"reference": "99999"})
    assert [mail.to for mail in mailoutbox] == [["piet@example.org"]]


def test_guesses_spread_over_questions_and_addresses_pause_the_organisation(org_a, asked, monkeypatch):
    monkeypatch.setattr(requester, "ORGANISATION_FAILURE_LIMIT", 3)
    for i in range(3):
        guess(org_a, 5000 + i, "guess@example.org", address=f"10.0.4.{i}")
    _, response = guess(org_a, asked.number, "piet@example.org", address="10.0.5.1")
    assert response.status_code == 429
