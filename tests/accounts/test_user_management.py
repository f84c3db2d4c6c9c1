"""A manager lists, adds and changes the people of their own organisation, and nobody else does."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from helpdesk.accounts.models import AuditEvent, Role, User
from tests.conftest import current_user, english_client
from tests.signing_in import sign_in

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def manager(make_user, org_a):
    return make_user(org_a, role=Role.MANAGER, requester_kind="", full_name="Marieke Jansen")


@pytest.fixture
def manager_client(org_a, manager):
    return sign_in(english_client(org_a.host), org_a, manager)


@pytest.fixture
def person(make_user, org_a):
    # A number no other schema's user table reaches, so "another organisation" cannot hit a namesake.
    return make_user(org_a, pk=987654, role=Role.REQUESTER, full_name="Gerrit Bakker", email="gerrit@example.org")


def new_person(**fields):
    data = {
        "full_name": "Fatima El Amrani",
        "email": "fatima@example.org",
        "phone": "06 12345678",
        "role": "volunteer",
        "requester_kind": "",
        "language": "nl",
    }
    return data | fields


def edit(person, **fields):
    data = {"full_name": person.full_name, "phone": person.phone, "role": person.role}
    data |= {"requester_kind": person.requester_kind, "is_active": "on"}
    return data | fields


def test_manager_lists_the_people_of_the_organisation(manager_client, person):
    response = manager_client.get("/account/people/")

    assert response.status_code == 200
    assert b"Gerrit Bakker" in response.content
    assert b"Marieke Jansen" in response.content


def test_list_filters_by_role(manager_client, person):
    response = manager_client.get("/account/people/?role=manager")

    assert b"Marieke Jansen" in response.content
    assert b"Gerrit Bakker" not in response.content


def test_list_leaves_out_shadow_accounts(manager_client, make_user, org_a):
    make_user(org_a, role=Role.PROFESSIONAL, public_user_id=31, full_name="Pieter Professional")

    assert b"Pieter Professional" not in manager_client.get("/account/people/").content


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.REQUESTER, Role.PROFESSIONAL])
def test_other_roles_cannot_manage_people(client_a, org_a, make_user, person, role):
    shadow = {"public_user_id": 8080, "email": None} if role == Role.PROFESSIONAL else {}
    sign_in(client_a, org_a, make_user(org_a, role=role, **shadow))

    assert client_a.get("/account/people/").status_code == 404
    assert client_a.get("/account/people/new/").status_code == 404
    assert client_a.get(f"/account/people/{person.pk}/").status_code == 404
    assert client_a.post(f"/account/people/{person.pk}/invitation/").status_code == 404
    assert client_a.get("/account/audit/").status_code == 404


def test_stranger_is_asked_to_sign_in(client_a, person):
    response = client_a.get(f"/account/people/{person.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/?next=")


def test_manager_of_another_organisation_sees_nothing_of_ours(client_b, org_b, make_user, person):
    sign_in(client_b, org_b, make_user(org_b, role=Role.MANAGER))

    assert b"Gerrit Bakker" not in client_b.get("/account/people/").content
    assert client_b.get(f"/account/people/{person.pk}/").status_code == 404
    assert client_b.post(f"/account/people/{person.pk}/", edit(person, full_name="Taken over")).status_code == 404
    with schema_context("org_test_a"):
        person.refresh_from_db()
    assert person.full_name == "Gerrit Bakker"


@pytest.mark.parametrize("action", ["card/", "card/revoke/", "invitation/"])
def test_manager_of_another_organisation_cannot_act_on_our_people(client_b, org_b, make_user, person, action):
    sign_in(client_b, org_b, make_user(org_b, role=Role.MANAGER))

    assert client_b.post(f"/account/people/{person.pk}/{action}").status_code == 404


def test_deactivated_person_is_signed_out_at_once(manager_client, client_a, org_a, make_user):
    volunteer = make_user(org_a, role=Role.VOLUNTEER)
    sign_in(client_a, org_a, volunteer)
    assert current_user(client_a) == volunteer

    manager_client.post(f"/account/people/{volunteer.pk}/", edit(volunteer, is_active=""))

    assert not current_user(client_a).is_authenticated


def test_manager_adds_a_volunteer_who_gets_an_invitation(
    manager_client, org_a, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post("/account/people/new/", new_person())

    with schema_context(org_a.schema_name):
        added = User.objects.get(email="fatima@example.org")
        event = AuditEvent.objects.get(action="user_invited", target_id=str(added.pk))
    assert response.status_code == 302
    assert response["Location"] == f"/account/people/{added.pk}/"
    assert added.role == Role.VOLUNTEER
    assert added.requester_kind == ""
    assert not added.has_usable_password()
    assert event.actor_id == manager.pk
    assert [message.to for message in mail.outbox] == [["fatima@example.org"]]


def test_manager_adds_a_client_without_e_mail(manager_client, org_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            "/account/people/new/", new_person(email="", role="requester", requester_kind="client")
        )

    assert response.status_code == 302
    with schema_context(org_a.schema_name):
        added = User.objects.get(full_name="Fatima El Amrani")
    assert added.email is None
    assert mail.outbox == []
    assert b"Print a login card" in manager_client.get(response["Location"]).content


def test_staff_without_e_mail_is_refused_and_every_value_stays(manager_client, org_a):
    response = manager_client.post("/account/people/new/", new_person(email=""))

    assert response.status_code == 200
    assert b"Staff need an e-mail address" in response.content
    assert b'value="Fatima El Amrani"' in response.content
    assert b'value="06 12345678"' in response.content
    assert re.search(rb'<input type="radio" name="role" value="volunteer"[^>]* checked>', response.content)
    with schema_context(org_a.schema_name):
        assert not User.objects.filter(full_name="Fatima El Amrani").exists()


def test_duplicate_e_mail_is_refused_whatever_its_case(manager_client, person):
    response = manager_client.post("/account/people/new/", new_person(email="GERRIT@example.org"))

    assert response.status_code == 200
    assert b"already uses this e-mail address" in response.content
    assert b'value="GERRIT@example.org"' in response.content
    assert b'value="Fatima El Amrani"' in response.content


def test_same_e_mail_is_fine_in_another_organisation(client_b, org_b, make_user, person):
    sign_in(client_b, org_b, make_user(org_b, role=Role.MANAGER))

    response = client_b.post("/account/people/new/", new_person(email=person.email))

    assert response.status_code == 302


def test_requester_needs_a_kind(manager_client):
    response = manager_client.post("/account/people/new/", new_person(role="requester", requester_kind=""))

    assert response.status_code == 200
    assert b"Choose what kind of requester this is" in response.content


@pytest.mark.parametrize(
    "fields",
    [
        {"role": "operator_admin"},
        {"role": "professional"},
        {"role": ""},
        {"language": "xx"},
        {"requester_kind": "pilot", "role": "requester"},
        {"full_name": ""},
        {"full_name": "x" * 5000},
        {"full_name": "Null\x00byte"},
        {"email": "not-an-address"},
        {"phone": "9" * 200},
    ],
)
def test_bad_input_to_the_add_form_is_an_error_not_a_crash(manager_client, org_a, fields):
    response = manager_client.post("/account/people/new/", new_person(**fields))

    assert response.status_code == 200
    assert b"There is a problem" in response.content
    with schema_context(org_a.schema_name):
        assert not User.objects.filter(email="fatima@example.org").exists()


def test_manager_changes_a_person(manager_client, org_a, manager, person):
    response = manager_client.post(f"/account/people/{person.pk}/", edit(person, full_name="Gerrit B.", phone="010"))

    assert response.status_code == 302
    with schema_context(org_a.schema_name):
        person.refresh_from_db()
        event = AuditEvent.objects.get(action="user_changed", target_id=str(person.pk))
    assert (person.full_name, person.phone) == ("Gerrit B.", "010")
    assert event.actor_id == manager.pk
    assert event.data["changes"]["full_name"] == ["Gerrit Bakker", "Gerrit B."]


def test_manager_makes_a_requester_with_e_mail_a_volunteer(manager_client, org_a, person):
    response = manager_client.post(f"/account/people/{person.pk}/", edit(person, role="volunteer", requester_kind=""))

    assert response.status_code == 302
    with schema_context(org_a.schema_name):
        person.refresh_from_db()
    assert person.role == Role.VOLUNTEER


def test_a_person_without_e_mail_cannot_become_staff(manager_client, org_a, make_user):
    no_mail = make_user(org_a, role=Role.REQUESTER, email=None, full_name="Anja Visser")

    response = manager_client.post(
        f"/account/people/{no_mail.pk}/",
        edit(no_mail, role="manager", requester_kind="", phone="070 1", full_name="Anja Nieuw"),
    )

    assert response.status_code == 200
    assert b"Staff need an e-mail address" in response.content
    assert b'value="070 1"' in response.content
    assert b'value="Anja Nieuw"' in response.content
    assert b"<h1>Anja Visser</h1>" in response.content  # the page still says whose details these are
    with schema_context(org_a.schema_name):
        no_mail.refresh_from_db()
    assert no_mail.role == Role.REQUESTER


def test_rejected_change_keeps_the_typed_values_but_not_in_the_heading(manager_client, person):
    response = manager_client.post(f"/account/people/{person.pk}/", edit(person, full_name="", phone="0800"))

    assert response.status_code == 200
    assert b'value="0800"' in response.content
    assert b"<h1>Gerrit Bakker</h1>" in response.content


def test_manager_cannot_edit_themself_on_the_detail_page(manager_client, manager):
    assert manager_client.get(f"/account/people/{manager.pk}/").status_code == 404
    response = manager_client.post(f"/account/people/{manager.pk}/", edit(manager, role="requester"))
    assert response.status_code == 404


def test_manager_cannot_edit_shadow_accounts(manager_client, make_user, org_a):
    shadow = make_user(org_a, role=Role.PROFESSIONAL, public_user_id=55)

    assert manager_client.get(f"/account/people/{shadow.pk}/").status_code == 404
    assert manager_client.post(f"/account/people/{shadow.pk}/", edit(shadow, is_active="")).status_code == 404
    assert manager_client.post(f"/account/people/{shadow.pk}/card/revoke/").status_code == 404


def test_missing_person_is_not_found(manager_client):
    assert manager_client.get("/account/people/123456789/").status_code == 404


def test_hostile_names_are_shown_as_text(manager_client, org_a, make_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post("/account/people/new/", new_person(full_name=HOSTILE), follow=True)
    with schema_context(org_a.schema_name):
        added = User.objects.get(email="fatima@example.org")

    pages = [
        response,
        manager_client.get("/account/people/"),
        manager_client.get(f"/account/people/{added.pk}/"),
        manager_client.get("/account/audit/"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert HOSTILE.encode() not in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1].content


def test_audit_log_shows_what_happened_here_only(manager_client, client_b, org_b, make_user, person):
    manager_client.post(f"/account/people/{person.pk}/", edit(person, full_name="Gerrit Changed"))
    sign_in(client_b, org_b, make_user(org_b, role=Role.MANAGER))

    # The entries are the table's rows; the filter above them lists every kind of entry.
    def entries(client) -> bytes:
        return client.get("/account/audit/").content.split(b"<tbody>")[1].split(b"</tbody>")[0]

    assert b"changed a person" in entries(manager_client)
    assert b"changed a person" not in entries(client_b)
    assert b"user_changed" not in entries(manager_client)  # a label, not a code
