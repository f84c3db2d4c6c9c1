"""Following a question without an account: the magic link, or the number plus a contact check."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import Role
from tests.conftest import english_client
from tests.factories import UserFactory, ticket_make
from tests.tickets.test_ask import walk
from tickets import services
from tickets.models import Status
from tickets.tokens import follow_token_make
from tickets.views import requester

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(org_a):
    with tenant_context(org_a):
        volunteer = UserFactory(role=Role.VOLUNTEER, requester_kind="")
        ticket = ticket_make(contact_name="Piet Jansen", contact_email="Piet@Example.org", contact_phone="06-1234 5678")
        services.reply_post(ticket=ticket, actor=volunteer, body="Staat de stekker erin?")
        services.note_add(ticket=ticket, actor=volunteer, body="Geheime notitie")
        services.ticket_set_waiting(ticket=ticket, actor=volunteer)
    return ticket


@pytest.mark.parametrize(
    ("reference", "contact"),
    [
        ("TSA-{n}", "piet@example.org"),
        ("tsa {n}", "PIET@EXAMPLE.ORG"),
        (" {n} ", "0612345678"),
        ("TSA{n}", "06 12 34 56 78"),
    ],
)
def test_number_and_contact_open_the_question(client_a, asked, reference, contact):
    response = client_a.post("/questions/open/", {"reference": reference.format(n=asked.number), "contact": contact})
    assert response.url == f"/questions/{asked.number}/follow/"
    page = client_a.get(response.url).content.decode()
    assert "Staat de stekker erin?" in page and "Geheime notitie" not in page


@pytest.mark.parametrize("contact", ["someone@example.org", "0699999999", "1234", ""])
def test_a_wrong_contact_opens_nothing(client_a, asked, contact):
    response = client_a.post("/questions/open/", {"reference": f"TSA-{asked.number}", "contact": contact})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert client_a.get(f"/questions/{asked.number}/follow/").status_code == 404


def test_guessing_is_slowed_down(client_a, asked, monkeypatch):

    monkeypatch.setattr(requester, "OPEN_FAILURE_LIMIT", 3)
    for _ in range(3):
        client_a.post("/questions/open/", {"reference": f"TSA-{asked.number}", "contact": "x@example.org"})
    response = client_a.post("/questions/open/", {"reference": f"TSA-{asked.number}", "contact": "piet@example.org"})
    assert response.status_code == 429


def test_an_anonymous_reply_reopens_and_solved_works(client_a, org_a, asked):
    client_a.post("/questions/open/", {"reference": str(asked.number), "contact": "piet@example.org"})
    client_a.post(f"/questions/{asked.number}/follow/", {"body": "Ja, de stekker zit erin."})
    with tenant_context(org_a):
        asked.refresh_from_db()
        assert asked.status == Status.IN_PROGRESS
        assert asked.messages.filter(from_requester=True, author__isnull=True).count() == 1
    client_a.post(f"/questions/{asked.number}/follow/solved/")
    with tenant_context(org_a):
        asked.refresh_from_db()
        assert asked.status == Status.RESOLVED


def test_the_confirmation_mail_carries_a_link_that_opens_the_question(
    org_a, mailoutbox, django_capture_on_commit_callbacks
):
    with tenant_context(org_a), django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_make(contact_name="Piet", contact_email="piet@example.org")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["piet@example.org"] and f"TSA-{ticket.number}" in mail.subject
    link = re.search(r"https?://\S+", mail.body).group(0)
    path = "/" + link.split("/", 3)[3]
    browser = english_client(org_a.host)
    assert browser.get(path).url == f"/questions/{ticket.number}/follow/"
    assert browser.get(f"/questions/{ticket.number}/follow/").status_code == 200
    assert Client(HTTP_HOST=org_a.host).get(f"/questions/{ticket.number}/follow/").status_code == 404


def test_each_answer_is_mailed_with_a_link_that_opens_the_question(
    org_a, mailoutbox, django_capture_on_commit_callbacks
):
    with tenant_context(org_a):
        volunteer = UserFactory(role=Role.VOLUNTEER, requester_kind="")
        ticket = ticket_make(contact_name="Piet", contact_email="piet@example.org")
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.note_add(ticket=ticket, actor=volunteer, body="Geheime notitie")
            services.reply_post(ticket=ticket, actor=volunteer, body="Zit de stekker erin?")
    assert len(mailoutbox) == 1, "one mail for the answer, none for the internal note"
    mail = mailoutbox[0]
    assert "Zit de stekker erin?" in mail.body and "Geheime notitie" not in mail.body
    link = re.search(r"https?://\S+/questions/open/\S+", mail.body).group(0)
    browser = english_client(org_a.host)
    assert browser.get("/" + link.split("/", 3)[3]).url == f"/questions/{ticket.number}/follow/"
    assert "Zit de stekker erin?" in browser.get(f"/questions/{ticket.number}/follow/").content.decode()


def test_the_history_names_a_requester_who_answered_without_an_account(client_a, org_a, asked):
    client_a.post("/questions/open/", {"reference": str(asked.number), "contact": "piet@example.org"})
    client_a.post(f"/questions/{asked.number}/follow/", {"body": "Ja."})
    with tenant_context(org_a):
        assert asked.events.filter(kind="replied").last().actor_name == "Piet Jansen"


def test_a_forged_or_foreign_link_opens_nothing(client_a, client_b, org_a, asked):
    with tenant_context(org_a):
        token = follow_token_make(asked.pk)
    assert client_a.get(f"/questions/open/{token[:-2]}xx/").status_code == 400
    # A link of organisation A used on organisation B's host.
    assert client_b.get(f"/questions/open/{token}/").status_code == 400


def test_a_question_asked_in_this_browser_can_be_followed_right_away(client_a, org_a):

    walk(client_a)
    client_a.post("/questions/ask/check/")
    done = client_a.get("/questions/ask/sent/").content.decode()
    number = re.search(r"TSA-(\d+)", done).group(1)
    assert f"/questions/{number}/follow/" in done
    assert client_a.get(f"/questions/{number}/follow/").status_code == 200


def test_the_follow_page_shows_the_question_and_messages_as_text(client_a, org_a):
    """Whatever the asker or a helper typed is shown as text, never run as HTML."""
    with tenant_context(org_a):
        volunteer = UserFactory(role=Role.VOLUNTEER, requester_kind="")
        ticket = ticket_make(
            subject="<script>alert(1)</script>",
            body="Mijn <b>tablet</b>\n<img src=x onerror=alert(2)>",
            contact_name="<i>Piet</i>",
            contact_email="piet@example.org",
        )
        services.reply_post(ticket=ticket, actor=volunteer, body="Druk op <b>aan</b>.<script>alert(3)</script>")
    client_a.post("/questions/open/", {"reference": str(ticket.number), "contact": "piet@example.org"})
    client_a.post(f"/questions/{ticket.number}/follow/", {"body": "Het <u>scherm</u> blijft zwart"})

    html = client_a.get(f"/questions/{ticket.number}/follow/").content.decode()

    for raw, shown in [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("Mijn <b>tablet</b>", "Mijn &lt;b&gt;tablet&lt;/b&gt;"),
        ("<img src=x onerror=alert(2)>", "&lt;img src=x onerror=alert(2)&gt;"),
        ("Druk op <b>aan</b>.<script>alert(3)</script>", "Druk op &lt;b&gt;aan&lt;/b&gt;.&lt;script&gt;alert(3)"),
        ("Het <u>scherm</u>", "Het &lt;u&gt;scherm&lt;/u&gt;"),
        ("<i>Piet</i>", "&lt;i&gt;Piet&lt;/i&gt;"),
    ]:
        assert raw not in html
        assert shown in html
