"""A saved reply joins what the helper typed: appended without JavaScript, never replacing it."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tests.conftest import english_client
from tests.factories import ticket_make
from tests.signing_in import sign_in
from tickets import services
from tickets.models import Message

pytestmark = pytest.mark.django_db

SAVED = "Zet het apparaat uit en weer aan."


def test_put_in_the_answer_keeps_the_typed_text_and_sends_nothing(org_a, manager_a, volunteer_a, requester_a):
    with tenant_context(org_a):
        ticket = ticket_make(requester=requester_a)
        saved = services.saved_reply_create(actor=manager_a, title="Uit en aan", body=SAVED)
    browser = sign_in(english_client(org_a.host), org_a, volunteer_a)
    page = browser.get(f"/questions/{ticket.number}/").content.decode()
    # One form: the saved reply travels with the typed text.
    form = page.split(f'action="/questions/{ticket.number}/reply/"', 1)[1].split("</form>", 1)[0]
    assert 'name="saved"' in form and 'name="insert"' in form and "data-insert-saved" in form
    response = browser.post(
        f"/questions/{ticket.number}/reply/", {"body": "Goedemiddag mevrouw,", "saved": saved.pk, "insert": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Goedemiddag mevrouw,\n\n{SAVED}</textarea>" in html
    with tenant_context(org_a):
        assert not Message.objects.filter(ticket=ticket).exists()


def test_an_unknown_saved_reply_leaves_the_text_as_it_was(org_a, volunteer_a, requester_a):
    with tenant_context(org_a):
        ticket = ticket_make(requester=requester_a)
    browser = sign_in(english_client(org_a.host), org_a, volunteer_a)
    response = browser.post(f"/questions/{ticket.number}/reply/", {"body": "Mijn tekst", "saved": "999", "insert": "1"})
    assert response.status_code == 200 and "Mijn tekst</textarea>" in response.content.decode()
    response = browser.post(f"/questions/{ticket.number}/reply/", {"body": "x", "saved": "<b>", "insert": "1"})
    assert response.status_code == 200
