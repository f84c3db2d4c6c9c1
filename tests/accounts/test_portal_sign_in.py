"""Operator staff sign in on the portal with a password and then a code from an authenticator app."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from helpdesk.accounts.models import Role
from tests import factories
from tests.factories import TEST_PASSWORD


def password_step(client, user, password=TEST_PASSWORD):
    return client.post("/account/sign-in/", {"staff-email": user.email, "staff-password": password})


def code_step(client, code):
    return client.post("/account/sign-in/code/", {"code": code})


@pytest.fixture
def device(operator_admin):
    with schema_context("public"):
        return factories.totp_device(operator_admin)


def test_password_and_code_open_the_portal(portal_client, operator_admin, device, org_a):
    response = password_step(portal_client, operator_admin)
    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/code/"

    page = portal_client.get("/account/sign-in/code/")
    assert b"Enter your code" in page.content
    assert b"<svg" not in page.content  # no set-up for a confirmed app

    response = code_step(portal_client, factories.totp_code(device))
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = portal_client.get("/")
    assert home.status_code == 200
    assert org_a.name.encode() in home.content


def test_code_with_spaces_is_fine(portal_client, operator_admin, device):
    password_step(portal_client, operator_admin)
    code = factories.totp_code(device)

    assert code_step(portal_client, f"{code[:3]} {code[3:]}").status_code == 302


def test_password_alone_keeps_the_portal_closed(portal_client, operator_admin, device, org_a):
    password_step(portal_client, operator_admin)

    # Every portal page gives the same answer until the code is given: the code page.
    assert portal_client.get("/")["Location"] == "/account/sign-in/code/"
    assert portal_client.get("/organisations/new/")["Location"] == "/account/sign-in/code/"
    assert portal_client.get(f"/organisations/{org_a.pk}/")["Location"] == "/account/sign-in/code/"
    assert portal_client.post(f"/organisations/{org_a.pk}/open/")["Location"] == "/account/sign-in/code/"


def test_wrong_code_keeps_the_portal_closed(portal_client, operator_admin, device):
    password_step(portal_client, operator_admin)
    right = factories.totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = code_step(portal_client, wrong)

    assert response.status_code == 200
    assert b"This code is not right" in response.content
    assert portal_client.get("/")["Location"] == "/account/sign-in/code/"


def test_first_sign_in_sets_up_the_authenticator_app(portal_client, operator_admin):
    password_step(portal_client, operator_admin)

    page = portal_client.get("/account/sign-in/code/")

    assert b"Set up your authenticator app" in page.content
    assert b"<svg" in page.content
    with schema_context("public"):
        device = TOTPDevice.objects.get(user=operator_admin)
    assert not device.confirmed
    assert portal_client.get("/account/sign-in/code/").status_code == 200  # a reload makes no second app
    with schema_context("public"):
        assert TOTPDevice.objects.filter(user=operator_admin).count() == 1

    assert code_step(portal_client, factories.totp_code(device)).status_code == 302
    with schema_context("public"):
        device.refresh_from_db()
    assert device.confirmed
    assert portal_client.get("/").status_code == 200


def test_wrong_codes_are_throttled(portal_client, operator_admin, device):
    password_step(portal_client, operator_admin)
    for _ in range(5):
        code_step(portal_client, "000000")
    with schema_context("public"):
        device.refresh_from_db()
        device.throttle_reset()  # the app's own back-off aside, the portal still says no

    response = code_step(portal_client, factories.totp_code(device))

    assert response.status_code == 200
    assert b"Too many wrong codes" in response.content
    assert portal_client.get("/")["Location"] == "/account/sign-in/code/"


def test_code_must_be_six_digits(portal_client, operator_admin, device):
    password_step(portal_client, operator_admin)

    response = code_step(portal_client, "12ab")

    assert response.status_code == 200
    assert b"Enter the six digits" in response.content


def test_strangers_cannot_reach_the_code_page(portal_client):
    response = portal_client.get("/account/sign-in/code/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_wrong_password_keeps_the_address(portal_client, operator_admin):
    response = password_step(portal_client, operator_admin, password="not it")

    assert response.status_code == 200
    assert b"The e-mail address or the password is not right" in response.content
    assert f'value="{operator_admin.email}"'.encode() in response.content


def test_wrong_passwords_are_throttled_on_the_portal(portal_client, operator_admin, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        password_step(portal_client, operator_admin, password="not it")

    response = password_step(portal_client, operator_admin)

    assert b"Too many attempts" in response.content
    assert portal_client.get("/")["Location"].startswith("/account/sign-in/")


@pytest.mark.parametrize("role", [Role.MANAGER, Role.VOLUNTEER])
def test_people_of_an_organisation_cannot_sign_in_on_the_portal(portal_client, make_user, org_a, role):
    person = make_user(org_a, role=role)

    response = password_step(portal_client, person)

    assert response.status_code == 200
    assert portal_client.get("/")["Location"].startswith("/account/sign-in/")


def test_operator_staff_cannot_sign_in_on_an_organisation(client_a, operator_admin):
    response = client_a.post(
        "/account/sign-in/", {"staff-email": operator_admin.email, "staff-password": TEST_PASSWORD}
    )

    assert response.status_code == 200
    assert not client_a.get("/").context["user"].is_authenticated


def test_signing_out_closes_the_portal(admin_client):
    assert admin_client.get("/").status_code == 200

    admin_client.post("/account/sign-out/")

    assert admin_client.get("/")["Location"].startswith("/account/sign-in/")


def test_the_code_page_does_not_say_signed_in_before_the_code(portal_client, operator_admin, device):
    password_step(portal_client, operator_admin)
    page = portal_client.get("/account/sign-in/code/").content.decode()
    assert "Signed in as" not in page
    code_step(portal_client, factories.totp_code(device))
    assert "Signed in as" in portal_client.get("/").content.decode()
