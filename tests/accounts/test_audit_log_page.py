"""The manager's audit log: readable, filtered, paged, and exported per person."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from helpdesk.accounts.audit import audit
from helpdesk.accounts.models import AuditEvent
from tests.conftest import english_client
from tests.factories import ticket_make
from tests.signing_in import sign_in
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(org_a, manager_a):
    return sign_in(english_client(org_a.host), org_a, manager_a)


@pytest.fixture
def story(in_org, volunteer_a, requester_a):
    """Henk asks without an account, Riet with one; Vera looks at and answers Henk's question."""
    henk = ticket_make(contact_name="Henk de Boer")
    riet = ticket_make(requester=requester_a)
    services.ticket_record_view(ticket=henk, actor=volunteer_a)
    services.reply_post(ticket=henk, actor=volunteer_a, body="Staat de stekker erin?")
    services.reply_post(ticket=henk, actor=None, body="Ja.")
    return henk, riet


def _rows(page: str) -> str:
    return page.split("<tbody>")[1].split("</tbody>")[0]


def test_entries_name_questions_by_reference_and_people_by_name(org_a, manager_client, story, volunteer_a):
    henk, _ = story
    rows = _rows(manager_client.get("/account/audit/").content.decode())
    assert f"question TSA-{henk.number}" in rows
    assert f"question {henk.pk}<" not in rows
    assert "Henk de Boer" in rows and "without an account" in rows
    assert volunteer_a.full_name in rows


def test_a_requester_without_account_is_not_the_system(org_a, manager_client, story):
    rows = _rows(manager_client.get("/account/audit/?action=ticket_replied").content.decode())
    assert "Henk de Boer" in rows
    assert "the system" not in rows


def test_filter_by_person(org_a, manager_client, story, requester_a):
    rows = _rows(manager_client.get(f"/account/audit/?person={requester_a.pk}").content.decode())
    assert f"TSA-{story[1].number}" in rows and f"TSA-{story[0].number}" not in rows


def test_filter_by_question_reference_or_number(org_a, manager_client, story):
    henk, riet = story
    for value in (f"TSA-{henk.number}", f"tsa {henk.number}", str(henk.number)):
        rows = _rows(manager_client.get("/account/audit/", {"question": value}).content.decode())
        assert f"TSA-{henk.number}" in rows and f"TSA-{riet.number}" not in rows, value


def test_filter_by_kind_and_name(org_a, manager_client, story):
    rows = _rows(manager_client.get("/account/audit/?action=ticket_viewed").content.decode())
    assert rows.count("<tr>") == 1
    rows = _rows(manager_client.get("/account/audit/?name=henk").content.decode())
    assert "Henk de Boer" in rows and "Riet" not in rows


def test_filter_by_period(org_a, manager_client, story, volunteer_a):
    then = timezone.now() - timedelta(days=40)
    with tenant_context(org_a):
        AuditEvent.objects.create(at=then, actor_label="Oude Invoer", action="signed_in")
    today = timezone.localdate()
    last_month = timezone.localtime(then).date()  # the day in Dutch time, also just before midnight
    rows = _rows(manager_client.get("/account/audit/", {"since": last_month, "until": last_month}).content.decode())
    assert "Oude Invoer" in rows and volunteer_a.full_name not in rows
    rows = _rows(manager_client.get("/account/audit/", {"since": today}).content.decode())
    assert "Oude Invoer" not in rows and volunteer_a.full_name in rows


@pytest.mark.parametrize(
    "query",
    [
        "since=gisteren",
        "until=2026-02-31",
        "person=abc",
        "person=999999",
        "action=nonsense",
        "page=abc",
        "page=0",
        "page=%C2%B2",
        "since=2026-05-01&until=2026-04-01",
        "question=" + "x" * 500,
    ],
)
def test_odd_filters_give_a_clear_page_not_an_error(org_a, manager_client, story, query):
    response = manager_client.get(f"/account/audit/?{query}")
    assert response.status_code == 200


def test_a_wrong_date_is_explained(org_a, manager_client):
    page = manager_client.get("/account/audit/?since=2026-05-01&until=2026-04-01").content.decode()
    assert "There is a problem" in page and "The end comes before the start" in page


def test_the_log_is_paged(org_a, manager_client, in_org, volunteer_a):
    for n in range(120):
        audit(actor=volunteer_a, action="signed_in", n=n)
    first = manager_client.get("/account/audit/?action=signed_in").content.decode()
    assert _rows(first).count("<tr>") == 50 and "Page 1 of 3" in first
    third = manager_client.get("/account/audit/?action=signed_in&page=3").content.decode()
    assert _rows(third).count("<tr>") == 120 - 100
    assert "action=signed_in&amp;page=2" in third


@pytest.mark.parametrize("who", ["volunteer_a", "requester_a", "professional_a", "manager_b"])
def test_only_the_organisations_managers_see_the_log(org_a, who, request):
    person = request.getfixturevalue(who)
    organisation = request.getfixturevalue("org_b") if who.endswith("_b") else org_a
    client = sign_in(english_client(org_a.host), organisation, person)
    assert client.get("/account/audit/").status_code in (302, 404)
    assert client.get(f"/account/audit/person/{person.pk}/").status_code in (302, 404)


def test_a_manager_exports_the_entries_about_one_person(org_a, manager_client, manager_a, story, requester_a):
    response = manager_client.get(f"/account/audit/person/{requester_a.pk}/")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "When"
    assert {row[4] for row in rows[1:]} == {"ticket_created"}
    assert all(f"TSA-{story[1].number}" in row[5] for row in rows[1:])
    with tenant_context(org_a):
        exported = AuditEvent.objects.get(action="audit_log_exported")
    assert exported.actor_id == manager_a.pk and exported.subject_id == requester_a.pk


def test_the_export_defuses_spreadsheet_formulas(org_a, manager_client, in_org, requester_a):
    audit(actor=None, action="ticket_created", target=requester_a, actor_name="=HYPERLINK(1)")
    body = manager_client.get(f"/account/audit/person/{requester_a.pk}/").content.decode()
    assert "'=HYPERLINK(1)" in body
