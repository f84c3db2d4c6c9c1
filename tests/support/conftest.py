"""People and a question for the support tests, in organisation A."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from support import services
from support.models import Level
from tests.conftest import english_client, sign_in
from tests.factories import ticket_make

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"
HOSTILE_ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


@pytest.fixture
def manager(org_a, make_user):
    return make_user(org_a, role="manager", requester_kind="", full_name="Marieke Manager")


@pytest.fixture
def volunteer(org_a, make_user):
    """An experienced volunteer: no level row."""
    return make_user(org_a, role="volunteer", requester_kind="", full_name="Vera Ervaren", email="vera@example.org")


@pytest.fixture
def trainee(org_a, make_user, manager):
    person = make_user(org_a, role="volunteer", requester_kind="", full_name="Tom Leerling", email="tom@example.org")
    with tenant_context(org_a):
        services.volunteer_level_set(actor=manager, volunteer=person, product=None, level=Level.TRAINEE)
    return person


@pytest.fixture
def shadow_professional(org_a, make_user):
    return make_user(
        org_a, role="professional", requester_kind="", full_name="Pieter Professional", email=None, public_user_id=4242
    )


@pytest.fixture
def requester(org_a, make_user):
    return make_user(org_a, role="requester", full_name="Riet Vraagsteller", email="riet@example.org")


@pytest.fixture
def ticket(org_a, requester):
    with tenant_context(org_a):
        return ticket_make(requester=requester, subject="Tablet blijft zwart", body="Het scherm is zwart.")


@pytest.fixture
def as_(org_a):
    """as_(user): a fresh English browser on organisation A, signed in as `user`."""

    def signed_in(user):
        return sign_in(english_client(org_a.host), org_a, user)

    return signed_in
