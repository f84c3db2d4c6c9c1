"""Operator admins add and remove professionals and administrators in the portal; the new person
follows the invitation, chooses a password and sets up the second factor. Nobody else may."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from helpdesk.accounts.models import AuditEvent, Role, User
from tests.conftest import english_client
from tests.signing_in import sign_in, sign_in_operator

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(make_user):
    return make_user(
        None, role=Role.PROFESSIONAL, requester_kind="", full_name="Pim Prof", email="pim@operator.example"
    )


def staff_routes(member: User) -> list[tuple[str, str]]:
    return [
        ("get", "/account/staff/"),
        ("post", "/account/staff/"),
        ("post", f"/account/staff/{member.pk}/close/"),
        ("post", f"/account/staff/{member.pk}/reopen/"),
        ("post", f"/account/staff/{member.pk}/invitation/"),
    ]


def test_admin_adds_a_professional_who_accepts_and_is_asked_for_the_second_factor(
    admin_client, operator_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/account/staff/", {"full_name": "Nina Nieuw", "email": "Nina@Operator.example", "role": "professional"}
        )

    assert response.status_code == 302
    nina = User.objects.get(email="nina@operator.example")
    assert nina.role == Role.PROFESSIONAL and not nina.has_usable_password()
    assert AuditEvent.objects.get(action="operator_staff_invited").actor_id == operator_admin.pk
    (message,) = mail.outbox
    assert message.to == ["nina@operator.example"]
    link = next(word for word in message.body.split() if "/account/invitation/" in word)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    browser = english_client("localhost")
    assert browser.get(path).status_code == 200  # asks only: a mail scanner uses nothing up
    assert browser.post(path).url == "/account/password/"
    chosen = browser.post(
        "/account/password/", {"password1": "een lange zin als wachtwoord", "password2": "een lange zin als wachtwoord"}
    )
    assert chosen.url == "/account/sign-in/code/"
    nina.refresh_from_db()
    assert nina.check_password("een lange zin als wachtwoord")
    assert browser.get("/").status_code == 302  # the portal waits for the second factor
    assert b"authenticator" in browser.get("/account/sign-in/code/").content


def test_a_rejected_form_keeps_every_value(admin_client, colleague):
    response = admin_client.post(
        "/account/staff/", {"full_name": "Nina Nieuw", "email": "pim@operator.example", "role": "operator_admin"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Error: " in html.split("</title>")[0]
    assert "already uses this e-mail address" in html
    assert 'value="Nina Nieuw"' in html and 'value="pim@operator.example"' in html
    admin_radio = re.search(r'<input[^>]*value="operator_admin"[^>]*>', html).group(0)
    assert "checked" in admin_radio
    assert User.objects.filter(full_name="Nina Nieuw").count() == 0


def test_admin_takes_access_away_at_once_and_gives_it_back(admin_client, colleague):
    colleague_client = sign_in_operator(english_client("localhost"), colleague)
    assert colleague_client.get("/").status_code == 200

    assert admin_client.post(f"/account/staff/{colleague.pk}/close/").status_code == 302

    colleague.refresh_from_db()
    assert not colleague.is_active
    assert colleague_client.get("/").status_code == 302  # signed in no longer counts
    assert AuditEvent.objects.filter(action="operator_staff_deactivated").count() == 1

    assert admin_client.post(f"/account/staff/{colleague.pk}/reopen/").status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_active
    assert AuditEvent.objects.filter(action="operator_staff_reactivated").count() == 1


def test_admins_cannot_lock_themselves_out(admin_client, operator_admin):
    assert admin_client.post(f"/account/staff/{operator_admin.pk}/close/").status_code == 404
    operator_admin.refresh_from_db()
    assert operator_admin.is_active


def test_invitation_is_sent_again_only_to_someone_without_a_password(
    admin_client, make_user, colleague, django_capture_on_commit_callbacks
):
    invited = make_user(None, role=Role.PROFESSIONAL, requester_kind="", email="nog@operator.example", password=None)

    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(f"/account/staff/{invited.pk}/invitation/").status_code == 302
    assert [m.to for m in mail.outbox] == [["nog@operator.example"]]
    assert admin_client.post(f"/account/staff/{colleague.pk}/invitation/").status_code == 404  # has a password


@pytest.mark.parametrize("index", range(5))
def test_professionals_get_404_on_every_staff_route(portal_client, professional, colleague, index):
    sign_in_operator(portal_client, professional)
    method, path = staff_routes(colleague)[index]

    assert (
        getattr(portal_client, method)(
            path, {"full_name": "X", "email": "x@x.example", "role": "operator_admin"}
        ).status_code
        == 404
    )
    colleague.refresh_from_db()
    assert colleague.is_active
    assert not User.objects.filter(email="x@x.example").exists()


@pytest.mark.parametrize("index", range(5))
def test_an_organisations_manager_cannot_reach_the_staff_pages(client_a, org_a, make_user, colleague, index):
    manager = make_user(org_a, role=Role.MANAGER, email="m@test-a.example")
    sign_in(client_a, org_a, manager)
    method, path = staff_routes(colleague)[index]

    assert getattr(client_a, method)(path).status_code == 404


def test_an_admin_without_the_second_factor_is_sent_to_the_code_page(portal_client, operator_admin, colleague):
    sign_in_operator(portal_client, operator_admin, verified=False)

    assert portal_client.get("/account/staff/").url == "/account/sign-in/code/"
    assert portal_client.post(f"/account/staff/{colleague.pk}/close/").status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_active
