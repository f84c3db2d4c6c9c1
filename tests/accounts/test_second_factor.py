"""Managers confirm each sign-in with a code from an authenticator app; volunteers may choose to;
requesters never. One gate keeps every page of the organisation closed until the code is given."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from helpdesk.accounts.models import AuditEvent, Role
from helpdesk.middleware import OPEN_BEFORE_SECOND_FACTOR
from tests.conftest import english_client
from tests.factories import TEST_PASSWORD, totp_code, totp_device
from tests.routes import routes_of
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

CODE_PAGE = "/account/sign-in/code/"


def password_step(client, user, **extra):
    return client.post("/account/sign-in/", {"staff-email": user.email, "staff-password": TEST_PASSWORD, **extra})


def device_of(org, user, *, confirmed: bool = True):
    with schema_context(org.schema_name):
        return totp_device(user, confirmed=confirmed)


def gated_routes():
    """Every route of an organisation's host except the few the gate leaves open."""
    routes = [route for route in routes_of(settings.ROOT_URLCONF) if route.name not in OPEN_BEFORE_SECOND_FACTOR]
    assert len(routes) > 40  # the walk found the pages (reports, settings, people, audit log, ...)
    return routes


def fill(route) -> str:
    return route.fill({name: "1" if converter == "int" else "x" for converter, name in route.parts()})


def test_every_page_sends_a_manager_without_the_code_to_the_code_page(client_a, org_a, manager_a):
    sign_in(client_a, org_a, manager_a, verified=False)
    for route in gated_routes():
        path = fill(route)
        for method in ("get", "post"):
            response = getattr(client_a, method)(path)
            assert response.status_code == 302, (method, path, response.status_code)
            assert response["Location"].startswith(CODE_PAGE), (method, path)


def test_the_same_pages_open_once_the_code_was_given(client_a, org_a, manager_a):
    sign_in(client_a, org_a, manager_a)
    for path in ("/reports/", "/settings/", "/account/people/", "/account/audit/"):
        assert client_a.get(path).status_code == 200, path


def test_an_htmx_request_is_told_to_load_the_code_page(client_a, org_a, manager_a):
    sign_in(client_a, org_a, manager_a, verified=False)
    response = client_a.get("/questions/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(CODE_PAGE)


def test_manager_without_an_app_sets_one_up_after_the_password(client_a, org_a, manager_a):
    assert password_step(client_a, manager_a, next="/account/people/")["Location"] == "/account/people/"
    sent = client_a.get("/account/people/")
    assert sent["Location"] == f"{CODE_PAGE}?next=%2Faccount%2Fpeople%2F"
    page = client_a.get(sent["Location"])
    assert page.context["setup"] and b"<svg" in page.content and page.context["secret"]
    with schema_context(org_a.schema_name):
        device = TOTPDevice.objects.get(user=manager_a, confirmed=False)

    done = client_a.post(CODE_PAGE, {"code": totp_code(device), "next": "/account/people/"})

    assert done["Location"] == "/account/people/"
    assert client_a.get("/account/people/").status_code == 200
    with schema_context(org_a.schema_name):
        device.refresh_from_db()
        assert device.confirmed
        assert AuditEvent.objects.filter(action="second_factor_on", actor=manager_a).exists()
    with schema_context("public"):  # the organisation's people keep their apps in its own schema
        assert not TOTPDevice.objects.filter(pk=device.pk, user_id=manager_a.pk).exists()


def test_manager_with_an_app_types_the_code_and_a_wrong_one_keeps_the_pages_closed(
    client_a, org_a, manager_a, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own pause after a wrong code: not tested here
    device = device_of(org_a, manager_a)
    password_step(client_a, manager_a)
    page = client_a.get(CODE_PAGE)
    assert not page.context["setup"] and b"<svg" not in page.content
    right = totp_code(device)
    wrong = "000000" if right != "000000" else "111111"

    refused = client_a.post(CODE_PAGE, {"code": wrong})

    assert refused.status_code == 200 and refused.context["form"].errors["code"]
    assert client_a.get("/reports/")["Location"].startswith(CODE_PAGE)
    client_a.post(CODE_PAGE, {"code": right})
    assert client_a.get("/reports/").status_code == 200


def test_a_manager_of_another_organisation_gets_no_code_page_here(client_b, org_b, manager_a, org_a):
    sign_in(client_b, org_a, manager_a, verified=False)  # a session of A shown to B's host
    assert client_b.get(CODE_PAGE)["Location"].startswith("/account/sign-in/")


def test_requesters_and_volunteers_without_a_code_never_see_the_code_page(client_a, org_a, requester_a, volunteer_a):
    for person in (requester_a, volunteer_a):
        sign_in(client_a, org_a, person)
        assert client_a.get("/").status_code == 200
        assert client_a.get(CODE_PAGE).status_code == 404


def test_volunteer_switches_the_code_on_and_is_asked_for_it_at_the_next_sign_in(client_a, org_a, volunteer_a):
    sign_in(client_a, org_a, volunteer_a)
    assert b"Switch the sign-in code on" in client_a.get("/account/").content
    page = client_a.get("/account/code/on/")
    assert page.context["setup"] and b"<svg" in page.content
    with schema_context(org_a.schema_name):
        device = TOTPDevice.objects.get(user=volunteer_a, confirmed=False)
    assert client_a.post("/account/code/on/", {"code": totp_code(device)})["Location"] == "/account/"

    with schema_context(org_a.schema_name):  # a code counts once: the next sign-in is a step later
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    browser = english_client(org_a.host)
    password_step(browser, volunteer_a)
    assert browser.get("/questions/")["Location"].startswith(CODE_PAGE)
    browser.post(CODE_PAGE, {"code": totp_code(device)})
    assert browser.get("/questions/").status_code == 200
    with schema_context(org_a.schema_name):
        assert AuditEvent.objects.filter(action="second_factor_on", actor=volunteer_a).exists()


def test_volunteer_switches_the_code_off_only_with_a_current_code(client_a, org_a, trainee_a, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = device_of(org_a, trainee_a)
    sign_in(client_a, org_a, trainee_a, device=device)
    right = totp_code(device)
    wrong = "000000" if right != "000000" else "111111"

    refused = client_a.post("/account/", {"code": wrong})
    assert refused.status_code == 200 and refused.context["form"].errors["code"]
    with schema_context(org_a.schema_name):
        assert TOTPDevice.objects.filter(user=trainee_a).exists()

    assert client_a.post("/account/", {"code": right})["Location"] == "/account/"
    with schema_context(org_a.schema_name):
        assert not TOTPDevice.objects.filter(user=trainee_a).exists()
        assert AuditEvent.objects.filter(action="second_factor_off", actor=trainee_a).exists()
    browser = english_client(org_a.host)
    password_step(browser, trainee_a)
    assert browser.get("/questions/").status_code == 200  # the password alone again


def test_a_manager_cannot_switch_the_code_off(client_a, org_a, manager_a):
    device = device_of(org_a, manager_a)
    sign_in(client_a, org_a, manager_a, device=device)
    page = client_a.get("/account/")
    assert b"always on" in page.content and b"Switch the sign-in code off" not in page.content
    client_a.post("/account/", {"code": totp_code(device)})
    assert client_a.get("/account/code/on/").status_code == 404
    with schema_context(org_a.schema_name):
        assert TOTPDevice.objects.filter(user=manager_a, confirmed=True).exists()


def test_requesters_cannot_switch_a_code_on(client_a, org_a, requester_a):
    sign_in(client_a, org_a, requester_a)
    assert client_a.get("/account/code/on/").status_code == 404
    assert client_a.get("/account/").status_code == 404


def test_manager_resets_a_lost_phone_and_the_person_is_signed_out(client_a, org_a, manager_a, volunteer_a):
    device = device_of(org_a, volunteer_a)
    volunteer_browser = sign_in(english_client(org_a.host), org_a, volunteer_a, device=device)
    sign_in(client_a, org_a, manager_a)
    assert b"Reset the sign-in code" in client_a.get(f"/account/people/{volunteer_a.pk}/").content

    response = client_a.post(f"/account/people/{volunteer_a.pk}/code/reset/")

    assert response["Location"] == f"/account/people/{volunteer_a.pk}/"
    with schema_context(org_a.schema_name):
        assert not TOTPDevice.objects.filter(user=volunteer_a).exists()
        event = AuditEvent.objects.get(action="second_factor_reset")
        assert event.actor_id == manager_a.pk and event.target_id == str(volunteer_a.pk)
    assert volunteer_browser.get("/questions/")["Location"].startswith("/account/sign-in/")


def test_a_reset_manager_sets_up_a_new_app_at_the_next_sign_in(client_a, org_a, manager_a, make_user):
    other = make_user(org_a, role=Role.MANAGER, requester_kind="")
    device_of(org_a, other)
    sign_in(client_a, org_a, manager_a)
    client_a.post(f"/account/people/{other.pk}/code/reset/")

    browser = english_client(org_a.host)
    password_step(browser, other)
    assert browser.get(CODE_PAGE).context["setup"]


def test_nobody_else_resets_a_code(client_a, client_b, org_a, org_b, manager_a, manager_b, volunteer_a, trainee_a):
    device_of(org_a, trainee_a)
    path = f"/account/people/{trainee_a.pk}/code/reset/"
    sign_in(client_a, org_a, volunteer_a)
    assert client_a.post(path).status_code == 404
    sign_in(client_a, org_a, manager_a)
    assert client_a.post(f"/account/people/{manager_a.pk}/code/reset/").status_code == 404  # not oneself
    sign_in(client_b, org_b, manager_b)
    assert client_b.post(path).status_code == 404
    with schema_context(org_a.schema_name):
        assert TOTPDevice.objects.filter(user=trainee_a).exists()
        assert not AuditEvent.objects.filter(action="second_factor_reset").exists()


def test_the_operator_resets_the_code_of_an_organisations_only_manager(org_a, manager_a, capsys):
    device_of(org_a, manager_a)

    call_command("second_factor_reset", org_a.slug, manager_a.email, "--by", "Olga Operator")

    assert "1 authenticator app" in capsys.readouterr().out
    with schema_context(org_a.schema_name):
        assert not TOTPDevice.objects.filter(user=manager_a).exists()
        event = AuditEvent.objects.get(action="second_factor_reset")
        assert event.actor_id is None and event.actor_label == "Olga Operator (operator)"


@pytest.mark.parametrize("odd", ["²", "//evil.example/", "https://evil.example/", "people"])
def test_the_code_page_goes_only_to_a_path_of_this_host(client_a, org_a, manager_a, odd):
    sign_in(client_a, org_a, manager_a)
    assert client_a.get(CODE_PAGE, {"next": odd})["Location"] == "/"
