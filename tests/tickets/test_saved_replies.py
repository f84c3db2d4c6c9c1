"""Saved replies: kept by managers and professionals, put into an answer by helpers."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import Role
from tests.factories import ticket_make
from tests.signing_in import sign_in
from tickets import services
from tickets.models import SavedReply

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved(org_a, make_user):
    manager = make_user(org_a, role=Role.MANAGER, requester_kind="")
    with tenant_context(org_a):
        return services.saved_reply_create(
            actor=manager, title="Opnieuw opstarten", body="Zet de tablet uit.\nWacht 10 tellen. <Zet hem aan>."
        )


def test_a_manager_adds_and_removes_saved_replies(client_a, org_a, manager_a):
    sign_in(client_a, org_a, manager_a)

    assert (
        client_a.post("/questions/saved-replies/", {"title": "Wifi", "body": "Staat de wifi aan?"}).status_code == 302
    )
    with tenant_context(org_a):
        saved = SavedReply.objects.get()
    assert "Staat de wifi aan?" in client_a.get("/questions/saved-replies/").content.decode()
    response = client_a.post("/questions/saved-replies/", {"title": "", "body": ""})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    client_a.post(f"/questions/saved-replies/{saved.pk}/delete/")
    with tenant_context(org_a):
        assert not SavedReply.objects.exists()


def test_a_volunteer_puts_a_saved_reply_in_the_answer(client_a, org_a, make_user, saved):
    with tenant_context(org_a):
        ticket = ticket_make()
    sign_in(client_a, org_a, make_user(org_a, role=Role.VOLUNTEER, requester_kind=""))
    page = client_a.get(f"/questions/{ticket.number}/").content.decode()
    assert (
        "Opnieuw opstarten" in page
        and "Zet de tablet uit.\nWacht 10 tellen. &lt;Zet hem aan&gt;.</textarea>" not in page
    )
    page = client_a.post(
        f"/questions/{ticket.number}/reply/", {"body": "", "saved": saved.pk, "insert": "1"}
    ).content.decode()
    assert "Zet de tablet uit.\nWacht 10 tellen. &lt;Zet hem aan&gt;.</textarea>" in page


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.REQUESTER])
def test_other_roles_cannot_change_saved_replies(client_a, org_a, make_user, saved, role):
    sign_in(client_a, org_a, make_user(org_a, role=role))
    assert client_a.get("/questions/saved-replies/").status_code == 404
    assert client_a.post("/questions/saved-replies/", {"title": "x", "body": "y"}).status_code == 404
    assert client_a.post(f"/questions/saved-replies/{saved.pk}/delete/").status_code == 404
    with tenant_context(org_a):
        assert SavedReply.objects.count() == 1


def test_another_organisation_does_not_see_these_saved_replies(client_b, org_b, saved, manager_b):
    sign_in(client_b, org_b, manager_b)

    assert "Opnieuw opstarten" not in client_b.get("/questions/saved-replies/").content.decode()
    assert client_b.post(f"/questions/saved-replies/{saved.pk}/delete/").status_code == 404


def test_the_question_page_keeps_the_saved_replies_in_the_cache_and_sees_a_change_at_once(
    client_a, org_a, manager_a, make_user, saved
):
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if not settings.REDIS_URL:
        pytest.skip("the saved replies are kept only in Redis, which every process shares")
    with tenant_context(org_a):
        ticket = ticket_make()
    helper = sign_in(client_a.__class__(HTTP_HOST=org_a.host), org_a, make_user(org_a, role=Role.VOLUNTEER))
    sign_in(client_a, org_a, manager_a)
    page = f"/questions/{ticket.number}/"
    assert "Opnieuw opstarten" in helper.get(page).content.decode()

    with CaptureQueriesContext(connection) as queries:
        assert "Opnieuw opstarten" in helper.get(page).content.decode()
    assert not [q for q in queries.captured_queries if "tickets_savedreply" in q["sql"]]

    client_a.post("/questions/saved-replies/", {"title": "Wifi", "body": "Staat de wifi aan?"})
    assert "Wifi" in helper.get(page).content.decode()
    client_a.post(f"/questions/saved-replies/{saved.pk}/delete/")
    assert "Opnieuw opstarten" not in helper.get(page).content.decode()
