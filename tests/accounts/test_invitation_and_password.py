"""Staff are invited by e-mail, choose a password, and sign in with it; end users never do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import schema_context

from helpdesk.accounts.models import Role, User
from tests.conftest import current_user, english_client, link_in_mail
from tests.factories import TEST_PASSWORD
from tests.signing_in import sign_in

NEW_PASSWORD = "the kettle is on the stove"


@pytest.fixture
def manager(make_user, org_a):
    return make_user(org_a, role=Role.MANAGER, requester_kind="")


@pytest.fixture
def manager_client(org_a, manager):
    return sign_in(english_client(org_a.host), org_a, manager)


def invite(manager_client, capture, **fields):
    data = {"full_name": "Henk de Vries", "email": "henk@example.org", "phone": "", "role": "volunteer"}
    data |= {"language": "nl", "requester_kind": ""} | fields
    with capture(execute=True):
        return manager_client.post("/account/people/new/", data)


def password_sign_in(client, email, password, **extra):
    return client.post("/account/sign-in/", {"staff-email": email, "staff-password": password}, **extra)


@pytest.fixture
def invitation(manager_client, org_a, django_capture_on_commit_callbacks):
    response = invite(manager_client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    return link_in_mail(mail.outbox[0], org_a)


def test_invited_volunteer_chooses_a_password_and_signs_in_with_it(client_a, org_a, invitation):
    assert invitation.startswith("/account/invitation/")
    assert client_a.get(invitation).status_code == 200  # a mail scanner's visit changes nothing

    response = client_a.post(invitation)
    assert response.status_code == 302
    assert response["Location"] == "/account/password/"
    assert client_a.get("/account/password/").status_code == 200

    response = client_a.post("/account/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    volunteer = current_user(client_a)
    assert volunteer.email == "henk@example.org"
    assert volunteer.role == Role.VOLUNTEER

    client_a.post("/account/sign-out/")
    assert not current_user(client_a).is_authenticated
    response = password_sign_in(client_a, "Henk@example.org", NEW_PASSWORD)
    assert response.status_code == 302
    assert current_user(client_a) == volunteer


def test_invitation_mail_names_the_organisation(org_a, invitation):
    assert org_a.name in mail.outbox[0].subject


def test_invitation_stays_valid_until_the_password_is_set_then_works_no_more(client_a, org_a, invitation):
    client_a.post(invitation)
    # The browser closed before a password was chosen: the same link still works.
    again = english_client(org_a.host)
    assert again.post(invitation)["Location"] == "/account/password/"
    again.post("/account/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert english_client(org_a.host).post(invitation).status_code == 410


def test_the_account_page_links_to_choosing_and_changing_the_password(client_a, org_a, invitation):
    client_a.post(invitation)
    assert 'href="/account/"' in client_a.get("/").content.decode()  # the menu's "Your account"
    page = client_a.get("/account/").content.decode()
    assert 'href="/account/password/"' in page and "Choose a password" in page
    client_a.post("/account/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    page = client_a.get("/account/").content.decode()
    assert 'href="/account/password/"' in page and "Change password" in page
    # Changing asks for the current password first.
    changed = "a different sentence as password"
    wrong = client_a.post("/account/password/", {"current": "nope", "password1": changed, "password2": changed})
    assert wrong.status_code == 200 and "This is not your current password." in wrong.content.decode()
    client_a.post("/account/password/", {"current": NEW_PASSWORD, "password1": changed, "password2": changed})
    client_a.post("/account/sign-out/")
    assert password_sign_in(client_a, "henk@example.org", changed).status_code == 302
    assert current_user(client_a).email == "henk@example.org"


def test_invitation_expires_after_a_week(client_a, invitation, time_machine):
    time_machine.move_to(timezone.now() + timedelta(days=7, minutes=1))

    assert client_a.post(invitation).status_code == 410


def test_new_invitation_replaces_the_old_one(
    manager_client, client_a, org_a, invitation, django_capture_on_commit_callbacks
):
    with schema_context(org_a.schema_name):
        henk = User.objects.get(email="henk@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(f"/account/people/{henk.pk}/invitation/")

    assert client_a.post(invitation).status_code == 410
    assert client_a.post(link_in_mail(mail.outbox[-1], org_a)).status_code == 302


def test_invitation_of_one_organisation_does_nothing_on_another(client_b, invitation):
    assert client_b.post(invitation).status_code == 410


def test_password_errors_are_shown_and_nothing_is_saved(client_a, invitation):
    client_a.post(invitation)

    mismatch = client_a.post("/account/password/", {"password1": NEW_PASSWORD, "password2": "something else entirely"})
    too_short = client_a.post("/account/password/", {"password1": "short", "password2": "short"})

    assert mismatch.status_code == 200
    assert b"The two passwords are not the same" in mismatch.content
    assert too_short.status_code == 200
    assert b"There is a problem" in too_short.content
    assert not current_user(client_a).has_usable_password()


def test_invited_requester_is_signed_in_without_a_password(
    manager_client, client_a, org_a, django_capture_on_commit_callbacks
):
    invite(manager_client, django_capture_on_commit_callbacks, role="requester", requester_kind="informal_carer")

    response = client_a.post(link_in_mail(mail.outbox[0], org_a))

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert current_user(client_a).role == Role.REQUESTER


def test_requester_cannot_set_a_password(client_a, org_a, make_user):
    sign_in(client_a, org_a, make_user(org_a, role=Role.REQUESTER))

    assert client_a.get("/account/password/").status_code == 404
    assert (
        client_a.post("/account/password/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 404
    )


def test_requester_never_signs_in_with_a_password(client_a, org_a, make_user):
    requester = make_user(org_a, role=Role.REQUESTER)  # the factory gives everyone TEST_PASSWORD

    response = password_sign_in(client_a, requester.email, TEST_PASSWORD)

    assert response.status_code == 200
    assert not current_user(client_a).is_authenticated


def test_shadow_account_never_signs_in_with_a_password(client_a, org_a, make_user):
    shadow = make_user(org_a, role=Role.PROFESSIONAL, public_user_id=77)

    password_sign_in(client_a, shadow.email, TEST_PASSWORD)

    assert not current_user(client_a).is_authenticated


def test_wrong_password_keeps_the_address_and_says_so(client_a, org_a, make_user):
    volunteer = make_user(org_a, role=Role.VOLUNTEER)

    response = password_sign_in(client_a, volunteer.email, "wrong password")

    assert response.status_code == 200
    assert f'value="{volunteer.email}"'.encode() in response.content
    assert b"The e-mail address or the password is not right" in response.content
    assert not current_user(client_a).is_authenticated


def test_wrong_passwords_are_throttled(client_a, org_a, make_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    volunteer = make_user(org_a, role=Role.VOLUNTEER)

    for _ in range(3):
        password_sign_in(client_a, volunteer.email, "wrong password")
    response = password_sign_in(client_a, volunteer.email, TEST_PASSWORD)

    assert response.status_code == 200
    assert b"Too many attempts" in response.content
    assert not current_user(client_a).is_authenticated


def test_throttle_follows_the_account_across_addresses(client_a, org_a, make_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    volunteer = make_user(org_a, role=Role.VOLUNTEER)

    for number in range(3):
        password_sign_in(client_a, volunteer.email, "wrong password", REMOTE_ADDR=f"10.1.0.{number}")
    response = password_sign_in(client_a, volunteer.email, TEST_PASSWORD, REMOTE_ADDR="10.1.0.99")

    assert b"Too many attempts" in response.content


def test_right_password_signs_in_and_follows_next(client_a, org_a, make_user):
    volunteer = make_user(org_a, role=Role.VOLUNTEER)

    response = client_a.post(
        "/account/sign-in/?next=/account/people/",
        {"staff-email": volunteer.email, "staff-password": TEST_PASSWORD, "next": "/account/people/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/account/people/"


def test_sign_in_never_sends_people_to_another_site(client_a, org_a, make_user):
    volunteer = make_user(org_a, role=Role.VOLUNTEER)

    response = client_a.post(
        "/account/sign-in/",
        {"staff-email": volunteer.email, "staff-password": TEST_PASSWORD, "next": "https://evil.example/"},
    )

    assert response["Location"] == "/"


def test_volunteer_of_one_organisation_cannot_sign_in_on_another(client_b, org_a, make_user):
    volunteer = make_user(org_a, role=Role.VOLUNTEER)

    password_sign_in(client_b, volunteer.email, TEST_PASSWORD)

    assert not current_user(client_b).is_authenticated


def test_behind_a_proxy_each_visitor_has_their_own_count(client_a, org_a, make_user, settings):
    """Behind a proxy every request comes from the proxy; one visitor must not lock out everyone."""
    settings.BEHIND_PROXY = True
    settings.LOGIN_FAILURE_LIMIT = 3
    guesser, colleague = make_user(org_a, role=Role.VOLUNTEER), make_user(org_a, role=Role.VOLUNTEER)
    proxy = {"REMOTE_ADDR": "10.9.9.9"}

    for number in range(3):
        # The first entries are the visitor's own word; only the proxy's last entry counts.
        forwarded = f"192.0.2.{number}, 198.51.100.7"
        password_sign_in(client_a, f"nobody{number}@example.org", "guess", HTTP_X_FORWARDED_FOR=forwarded, **proxy)
    blocked = password_sign_in(client_a, guesser.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    other = english_client(org_a.host)
    allowed = password_sign_in(other, colleague.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)

    assert b"Too many attempts" in blocked.content
    assert allowed.status_code == 302
