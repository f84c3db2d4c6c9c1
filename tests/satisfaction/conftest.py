"""A solved question of organisation A, asked by the cast's requester (an account with an e-mail address)."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tests.factories import ticket_make, ticket_solve
from tickets import services


@pytest.fixture
def solved(org_a, requester_a, volunteer_a):
    """Solved without running the on-commit work, so no e-mail is sent unless a test asks for it."""
    with tenant_context(org_a):
        ticket = ticket_make(requester=requester_a, subject="De tablet doet het niet")
        ticket = services.ticket_claim(ticket=ticket, actor=volunteer_a)
        services.reply_post(ticket=ticket, actor=volunteer_a, body="Zet hem even uit en aan.")
        return ticket_solve(ticket=ticket, actor=volunteer_a, cause="explanation")
