"""The question page masks its CSRF token once for all of its forms
(helpdesk.context_processors.csrf_once), and that one token still guards every form."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_tenants.utils import tenant_context

from tests.factories import ticket_make
from tests.signing_in import sign_in
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def guarded(client_a, org_a, volunteer_a):
    """A volunteer's browser whose forms the CSRF check really guards (the test client skips it)."""
    client_a.handler.enforce_csrf_checks = True
    return sign_in(client_a, org_a, volunteer_a)


@pytest.fixture
def ticket(org_a, requester_a) -> Ticket:
    with tenant_context(org_a):
        return ticket_make(requester=requester_a, subject="Tablet blijft zwart")


def _page_tokens(client, org, ticket: Ticket) -> list[str]:
    with tenant_context(org):
        path = reverse("tickets:detail", args=[ticket.number])
    return TOKEN.findall(client.get(path).content.decode())


def test_every_form_of_the_page_carries_the_same_masked_token(guarded, org_a, ticket):
    first = _page_tokens(guarded, org_a, ticket)
    assert len(first) >= 5  # claim, answer, note, escalate, worry, product...
    assert len(set(first)) == 1
    # The next answer masks the secret afresh: the value changes from page to page.
    second = _page_tokens(guarded, org_a, ticket)
    assert len(set(second)) == 1
    assert second[0] != first[0]


def test_the_shared_token_is_accepted_and_a_forged_one_refused(guarded, org_a, ticket):
    token = _page_tokens(guarded, org_a, ticket)[0]
    with tenant_context(org_a):
        claim = reverse("tickets:claim", args=[ticket.number])
    forged = guarded.post(claim, {"csrfmiddlewaretoken": token[:-4] + "AAAA"})
    assert forged.status_code == 403
    with tenant_context(org_a):
        assert Ticket.objects.get(pk=ticket.pk).assignee_id is None
    accepted = guarded.post(claim, {"csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    with tenant_context(org_a):
        assert Ticket.objects.get(pk=ticket.pk).assignee_id is not None
