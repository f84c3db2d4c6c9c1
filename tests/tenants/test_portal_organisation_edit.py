"""Operator admins change an organisation after it was created, close and reopen it, resend the
first manager's invitation and see its people. Professionals and everyone else get 404."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from helpdesk.accounts.models import AuditEvent, Role, User
from tenants.models import CareOrganisation, Product
from tests.conftest import english_client
from tests.signing_in import sign_in, sign_in_operator

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Zorggroep Test A (nieuw)",
    "help_phone": "030 123 45 67",
    "brand_colour": "#2a6b3c",
    "default_language": "nl",
    "monthly_fee": "1450.50",
    "expected_questions_per_month": "60",
    "contract_start": "2026-02-01",
    "time_zone": "Europe/Amsterdam",
}


def fresh(organisation: CareOrganisation) -> CareOrganisation:
    return CareOrganisation.objects.get(pk=organisation.pk)


@pytest.fixture
def professional_client(portal_client, professional):
    return sign_in_operator(portal_client, professional)


def routes(organisation: CareOrganisation) -> list[tuple[str, str]]:
    base = f"/organisations/{organisation.pk}"
    return [
        ("get", f"{base}/edit/"),
        ("post", f"{base}/edit/"),
        ("get", f"{base}/close/"),
        ("post", f"{base}/close/"),
        ("post", f"{base}/reopen/"),
        ("post", f"{base}/invitation/"),
    ]


def test_admin_changes_contract_and_details_and_it_is_recorded_on_both_sides(admin_client, org_a, operator_admin):
    product = Product.objects.filter(retired_at__isnull=True).first()

    response = admin_client.post(f"/organisations/{org_a.pk}/edit/", {**GOOD, "products": [product.pk]})

    assert response.status_code == 302
    changed = fresh(org_a)
    assert changed.name == GOOD["name"]
    assert changed.help_phone == "030 123 45 67"
    assert changed.brand_colour == "#2a6b3c"
    assert str(changed.monthly_fee) == "1450.50"
    assert changed.expected_questions_per_month == 60
    assert changed.contract_start.isoformat() == "2026-02-01"
    assert list(changed.products.all()) == [product]
    assert changed.slug == org_a.slug and changed.reference_prefix == org_a.reference_prefix
    event = AuditEvent.objects.get(action="organisation_changed")
    assert event.actor_id == operator_admin.pk
    assert event.data["changes"]["name"] == ["Zorggroep Test A", GOOD["name"]]
    with schema_context(org_a.schema_name):
        inside = AuditEvent.objects.get(action="organisation_changed")
        assert operator_admin.email in inside.actor_label
    assert GOOD["name"].encode() in admin_client.get(f"/organisations/{org_a.pk}/").content


def test_a_rejected_change_keeps_every_value_and_says_what_to_fix(admin_client, org_a):
    bad = {**GOOD, "brand_colour": "groen", "monthly_fee": "veel"}

    response = admin_client.post(f"/organisations/{org_a.pk}/edit/", bad)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Error: " in html.split("</title>")[0]
    assert "Write an amount in euro" in html
    assert 'value="veel"' in html
    assert 'value="030 123 45 67"' in html
    assert 'value="Zorggroep Test A (nieuw)"' in html
    assert fresh(org_a).name == "Zorggroep Test A"  # nothing saved


def test_closing_keeps_the_data_and_the_site_says_so_kindly_until_it_is_reopened(admin_client, org_a, make_user):
    make_user(org_a, role=Role.VOLUNTEER, email="blijft@test-a.example")
    org_a.help_phone = "088 000 11 22"
    org_a.save(update_fields=["help_phone"])
    assert b"Close the helpdesk" in admin_client.get(f"/organisations/{org_a.pk}/close/").content  # asks first

    assert admin_client.post(f"/organisations/{org_a.pk}/close/").status_code == 302

    assert fresh(org_a).status == CareOrganisation.Status.SUSPENDED
    site = english_client(org_a.host).get("/")
    assert site.status_code == 503
    assert b"This helpdesk is closed" in site.content
    assert b"088 000 11 22" in site.content
    with schema_context(org_a.schema_name):
        assert User.objects.filter(email="blijft@test-a.example").exists()
    assert AuditEvent.objects.filter(action="organisation_deactivated").count() == 1

    assert admin_client.post(f"/organisations/{org_a.pk}/reopen/").status_code == 302
    assert fresh(org_a).status == CareOrganisation.Status.ACTIVE
    assert english_client(org_a.host).get("/").status_code == 200
    assert AuditEvent.objects.filter(action="organisation_reactivated").count() == 1


def test_first_manager_invitation_can_be_sent_again(admin_client, org_a, make_user, django_capture_on_commit_callbacks):
    org_a.first_manager_email = "els.manager@test-a.example"
    org_a.save(update_fields=["first_manager_email"])
    make_user(org_a, role=Role.MANAGER, email="els.manager@test-a.example", password=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/organisations/{org_a.pk}/invitation/")

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["els.manager@test-a.example"]]
    assert f"http://{org_a.host}" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="first_manager_invitation_resent").count() == 1


def test_no_invitation_for_a_manager_who_chose_a_password(admin_client, org_a, make_user):
    org_a.first_manager_email = "els.manager@test-a.example"
    org_a.save(update_fields=["first_manager_email"])
    make_user(org_a, role=Role.MANAGER, email="els.manager@test-a.example", password="een goed wachtwoord")

    response = admin_client.post(f"/organisations/{org_a.pk}/invitation/", follow=True)

    assert b"already chosen a password" in response.content
    assert mail.outbox == []


def test_the_page_shows_managers_and_volunteers_but_no_requester(admin_client, org_a, make_user):
    make_user(org_a, role=Role.MANAGER, full_name="Els Manager", email="els@test-a.example")
    make_user(org_a, role=Role.VOLUNTEER, full_name="Henk Helper", email="henk@test-a.example")
    make_user(org_a, role=Role.REQUESTER, full_name="Gerrit Geheim", email="gerrit@test-a.example", phone="0612345678")

    html = admin_client.get(f"/organisations/{org_a.pk}/").content.decode()

    assert "Els Manager" in html and "els@test-a.example" in html
    assert "Henk Helper" in html
    assert "Gerrit Geheim" not in html and "gerrit@test-a.example" not in html and "0612345678" not in html
    assert "1 requester" in html


@pytest.mark.parametrize("index", range(6))
def test_professionals_get_404_on_every_route(professional_client, org_a, index):
    method, path = routes(org_a)[index]

    assert getattr(professional_client, method)(path).status_code == 404
    assert fresh(org_a).status == CareOrganisation.Status.ACTIVE


def test_professionals_do_not_see_the_people(professional_client, org_a, make_user):
    make_user(org_a, role=Role.MANAGER, full_name="Els Manager", email="els@test-a.example")

    assert b"Els Manager" not in professional_client.get(f"/organisations/{org_a.pk}/").content


@pytest.mark.parametrize("index", range(6))
def test_an_organisations_manager_gets_404_on_its_host_and_a_sign_in_on_the_portal(
    client_a, portal_client, org_a, make_user, index
):
    manager = make_user(org_a, role=Role.MANAGER, email="m@test-a.example")
    sign_in(client_a, org_a, manager)
    method, path = routes(org_a)[index]

    assert getattr(client_a, method)(path).status_code == 404  # no portal pages on an organisation's host
    assert getattr(portal_client, method)(path).status_code == 302  # a stranger on the portal: sign in first


def test_a_missing_organisation_is_404(admin_client, org_a):
    assert admin_client.get("/organisations/999999/edit/").status_code == 404
    assert admin_client.post("/organisations/999999/invitation/").status_code == 404
