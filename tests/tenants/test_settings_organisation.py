"""How an organisation's questions flow: the operator and the organisation's managers change it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from helpdesk.accounts.models import AuditEvent, Role
from tenants.models import CareOrganisation
from tenants.services import organisation_settings_update
from tests.signing_in import sign_in, sign_in_operator

pytestmark = pytest.mark.django_db

GOOD = {
    "escalate_after_minutes": "120",
    "escalate_urgent_after_minutes": "15",
    "max_open_per_volunteer": "3",
    "auto_close_days": "10",
    "personal_data_months": "24",
    "contact_person_name": "Carla de Contact",
    "contact_person_email": "carla@zorg.example",
}


def fresh(organisation: CareOrganisation) -> CareOrganisation:
    return CareOrganisation.objects.get(pk=organisation.pk)


def settings_of(organisation: CareOrganisation) -> tuple:
    o = fresh(organisation)
    return (
        o.escalate_after_minutes,
        o.escalate_urgent_after_minutes,
        o.max_open_per_volunteer,
        o.auto_close_days,
        o.contact_person_name,
        o.contact_person_email,
    )


DEFAULTS = (240, 30, 5, 14, "", "")


# --- The service -------------------------------------------------------------------------------------


def test_service_saves_what_changed_and_records_it(org_a, operator_admin):
    organisation_settings_update(
        actor=operator_admin, organisation=org_a, escalate_after_minutes=60, auto_close_days=14
    )

    assert fresh(org_a).escalate_after_minutes == 60
    assert org_a.escalate_after_minutes == 60  # the caller's object follows
    event = AuditEvent.objects.get(action="organisation_settings_changed")
    assert event.actor_id == operator_admin.pk
    assert event.data == {"changes": {"escalate_after_minutes": [240, 60]}}  # 14 days did not change


def test_service_records_nothing_when_nothing_changed(org_a, operator_admin):
    organisation_settings_update(actor=operator_admin, organisation=org_a, max_open_per_volunteer=5)

    assert not AuditEvent.objects.filter(action="organisation_settings_changed").exists()


@pytest.mark.parametrize(
    ("fields", "wrong"),
    [
        ({"escalate_after_minutes": 0}, "escalate_after_minutes"),
        ({"escalate_urgent_after_minutes": 4}, "escalate_urgent_after_minutes"),
        ({"escalate_after_minutes": 10**12}, "escalate_after_minutes"),
        ({"max_open_per_volunteer": 0}, "max_open_per_volunteer"),
        ({"auto_close_days": 366}, "auto_close_days"),
        ({"contact_person_email": "not an address"}, "contact_person_email"),
        ({"escalate_after_minutes": 20, "escalate_urgent_after_minutes": 60}, "escalate_urgent_after_minutes"),
    ],
)
def test_service_refuses_bad_values_and_changes_nothing(org_a, operator_admin, fields, wrong):
    with pytest.raises(ValidationError) as refused:
        organisation_settings_update(actor=operator_admin, organisation=org_a, contact_person_name="Nieuw", **fields)

    assert wrong in refused.value.message_dict
    assert settings_of(org_a) == DEFAULTS
    assert not AuditEvent.objects.filter(action="organisation_settings_changed").exists()


def test_service_changes_only_the_flow_settings(org_a, operator_admin):
    with pytest.raises(TypeError):
        organisation_settings_update(actor=operator_admin, organisation=org_a, slug="elsewhere")

    assert fresh(org_a).slug == "test-a"


# --- In the operator portal ---------------------------------------------------------------------------


def detail(org) -> str:
    return f"/organisations/{org.pk}/"


def post_settings(client, org, data):
    return client.post(f"/organisations/{org.pk}/settings/", data)


def test_operator_admin_changes_settings_in_the_portal(admin_client, operator_admin, org_a):
    page = admin_client.get(detail(org_a))
    assert b'name="escalate_after_minutes"' in page.content
    assert b'value="240"' in page.content

    response = post_settings(admin_client, org_a, GOOD)

    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{org_a.pk}/#settings"
    assert settings_of(org_a) == (120, 15, 3, 10, "Carla de Contact", "carla@zorg.example")
    assert b"The settings are saved." in admin_client.get(detail(org_a)).content
    with schema_context("public"):
        assert AuditEvent.objects.get(action="organisation_settings_changed").actor_id == operator_admin.pk
    # The organisation's own log says who changed its settings, without a row for the operator there.
    with schema_context(org_a.schema_name):
        event = AuditEvent.objects.get(action="organisation_settings_changed")
    assert event.actor_id is None
    assert operator_admin.full_name in event.actor_label
    assert event.data["changes"]["escalate_after_minutes"] == [240, 120]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("escalate_after_minutes", "0", "Enter a number of minutes from 5 to 20160."),
        ("escalate_after_minutes", "99999999999999999999999", "Enter a number of minutes from 5 to 20160."),
        ("escalate_after_minutes", "vier uur", "Enter a number of minutes from 5 to 20160."),
        ("escalate_after_minutes", "", "Enter a number of minutes from 5 to 20160."),
        ("escalate_urgent_after_minutes", "-5", "Enter a number of minutes from 5 to 20160."),
        ("escalate_urgent_after_minutes", "200", "may not wait longer than other questions (120 minutes)"),
        ("max_open_per_volunteer", "101", "Enter a number of questions from 1 to 100."),
        ("auto_close_days", "1e3", "Enter a number of days from 1 to 365."),
        ("contact_person_email", "carla@", "Enter an e-mail address like name@example.org."),
    ],
)
def test_bad_input_in_the_portal_gets_a_clear_message(admin_client, org_a, field, value, message):
    response = post_settings(admin_client, org_a, {**GOOD, field: value})

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert 'class="error-summary"' in page
    assert f'href="#id_{field}"' in page
    assert message in page
    assert 'aria-invalid="true"' in page
    assert 'value="Carla de Contact"' in page  # what was typed stays
    assert settings_of(org_a) == DEFAULTS


def test_professionals_see_the_settings_but_do_not_change_them(portal_client, professional, org_a):
    sign_in_operator(portal_client, professional)

    page = portal_client.get(detail(org_a))
    assert page.status_code == 200
    assert b'name="escalate_after_minutes"' not in page.content
    assert b"Minutes a question may wait for a volunteer" in page.content

    assert post_settings(portal_client, org_a, GOOD).status_code == 404
    assert settings_of(org_a) == DEFAULTS


def test_portal_settings_need_the_second_factor(portal_client, operator_admin, org_a):
    sign_in_operator(portal_client, operator_admin, verified=False)

    response = post_settings(portal_client, org_a, GOOD)
    assert response.status_code == 302 and response["Location"] == "/account/sign-in/code/"
    assert settings_of(org_a) == DEFAULTS


def test_portal_settings_of_a_missing_organisation(admin_client):
    assert admin_client.post("/organisations/999999/settings/", GOOD).status_code == 404


# --- On the organisation's own host, for its managers -----------------------------------------------------


@pytest.fixture
def as_manager_a(client_a, org_a, manager_a):
    """Organisation A's browser, signed in as its manager."""
    return sign_in(client_a, org_a, manager_a)


def test_manager_changes_settings_on_their_own_host(client_a, manager_a, as_manager_a, org_a):
    page = client_a.get("/settings/")
    assert page.status_code == 200
    assert b"<title>Settings for questions" in page.content
    assert b'value="240"' in page.content

    response = client_a.post("/settings/", GOOD)

    assert response.status_code == 302
    assert response["Location"] == "/settings/"
    assert settings_of(org_a) == (120, 15, 3, 10, "Carla de Contact", "carla@zorg.example")
    assert b"The settings are saved." in client_a.get("/settings/").content
    with schema_context(org_a.schema_name):
        event = AuditEvent.objects.get(action="organisation_settings_changed")
    assert event.actor_id == manager_a.pk
    with schema_context("public"):
        assert not AuditEvent.objects.filter(action="organisation_settings_changed").exists()


def test_bad_input_on_the_host_gets_a_clear_message(client_a, as_manager_a, org_a):
    response = client_a.post("/settings/", {**GOOD, "escalate_after_minutes": "0", "contact_person_email": "x"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert 'href="#id_escalate_after_minutes"' in page
    assert 'href="#id_contact_person_email"' in page
    assert 'value="Carla de Contact"' in page
    assert settings_of(org_a) == DEFAULTS


def test_the_settings_page_is_in_dutch_first(org_a, manager_a, as_manager_a, client_a):
    from django.conf import settings

    del client_a.cookies[settings.LANGUAGE_COOKIE_NAME]
    with schema_context(org_a.schema_name):
        manager_a.language = "nl"
        manager_a.save(update_fields=["language"])

    page = client_a.get("/settings/")

    assert page.status_code == 200
    assert b'<html lang="nl">' in page.content


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.REQUESTER])
def test_other_people_of_the_organisation_are_refused(client_a, org_a, make_user, role):
    sign_in(client_a, org_a, make_user(org_a, role=role))

    assert client_a.get("/settings/").status_code == 404
    assert client_a.post("/settings/", GOOD).status_code == 404
    assert settings_of(org_a) == DEFAULTS


def test_a_professional_shadow_account_is_refused(client_a, org_a, professional_a):
    sign_in(client_a, org_a, professional_a)

    assert client_a.get("/settings/").status_code == 404


def test_a_manager_of_b_cannot_change_a(client_a, client_b, org_a, org_b, settings, manager_b):
    sign_in(client_b, org_b, manager_b)

    # B's session cookie, carried to A's host, counts for nothing there.
    client_a.cookies[settings.SESSION_COOKIE_NAME] = client_b.cookies[settings.SESSION_COOKIE_NAME].value

    response = client_a.post("/settings/", GOOD)

    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")
    assert settings_of(org_a) == DEFAULTS
    assert client_b.post("/settings/", GOOD).status_code == 302
    assert settings_of(org_b)[0] == 120


def test_strangers_are_asked_to_sign_in(client_a):
    response = client_a.get("/settings/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_the_portal_has_no_settings_page_of_its_own(admin_client):
    assert admin_client.get("/settings/").status_code == 404
