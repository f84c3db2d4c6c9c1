"""A solved question of organisation A, asked by a requester with an account and an e-mail address."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import Role
from tests.factories import UserFactory, ticket_make
from tickets import services


@pytest.fixture
def requester(org_a):
    with tenant_context(org_a):
        return UserFactory(role=Role.REQUESTER, full_name="Anja Visser", email="anja@example.org", language="en")


@pytest.fixture
def volunteer(org_a):
    with tenant_context(org_a):
        return UserFactory(role=Role.VOLUNTEER, requester_kind="", full_name="Henk de Vries")


@pytest.fixture
def solved(org_a, requester, volunteer):
    """Solved without running the on-commit work, so no e-mail is sent unless a test asks for it."""
    with tenant_context(org_a):
        ticket = ticket_make(requester=requester, subject="De tablet doet het niet")
        ticket = services.ticket_claim(ticket=ticket, actor=volunteer)
        services.reply_post(ticket=ticket, actor=volunteer, body="Zet hem even uit en aan.")
        return services.ticket_resolve(ticket=ticket, actor=volunteer, cause="explanation")
