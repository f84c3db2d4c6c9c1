"""The printable login card: a manager prints it, the client scans it, a new card or a stop ends it."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from helpdesk.accounts import services
from helpdesk.accounts.models import LoginToken, Role
from tests.conftest import current_user, english_client
from tests.qr_reading import text_of_qr_in_pdf
from tests.signing_in import sign_in


@pytest.fixture
def manager(make_user, org_a):
    return make_user(org_a, role=Role.MANAGER, requester_kind="")


@pytest.fixture
def client_person(make_user, org_a):
    return make_user(org_a, role=Role.REQUESTER, email=None, full_name="Gerrit Bakker")


@pytest.fixture
def manager_client(org_a, manager):
    """The manager's own browser; `client_a` stays the client's."""
    return sign_in(english_client(org_a.host), org_a, manager)


def card_path(org, person, actor) -> str:
    """A card issued through the service, as the print view does, and the path its QR code holds."""
    with schema_context(org.schema_name):
        issued = services.login_card_issue(actor=actor, user=person)
    return f"/account/card/{issued.secret}/"


def test_manager_prints_a_card_as_pdf(manager_client, client_person, org_a):
    response = manager_client.post(f"/account/people/{client_person.pk}/card/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF")
    with schema_context(org_a.schema_name):
        card = LoginToken.objects.get(user=client_person, purpose=LoginToken.Purpose.LOGIN_CARD)
    assert card.revoked_at is None
    assert card.expires_at is None


def test_the_code_on_the_printed_card_signs_in_that_person_and_nobody_else(
    manager_client, org_a, make_user, client_person
):
    """The QR code read back from each printed PDF, followed in a fresh browser on the organisation's
    host: it signs in the person the card was printed for."""
    from urllib.parse import urlsplit

    from django.conf import settings

    neighbour = make_user(org_a, role=Role.REQUESTER, email=None, full_name="Hanna de Wit")
    for person in (client_person, neighbour):
        pdf = manager_client.post(f"/account/people/{person.pk}/card/").content
        url = urlsplit(text_of_qr_in_pdf(pdf))
        assert (url.scheme, url.hostname) == (settings.SITE_SCHEME, org_a.host)

        phone = english_client(org_a.host)
        assert phone.get(url.path).status_code == 200
        phone.post(url.path)
        assert current_user(phone) == person


def test_printing_needs_a_post(manager_client, client_person):
    assert manager_client.get(f"/account/people/{client_person.pk}/card/").status_code == 405


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.REQUESTER])
def test_other_roles_cannot_print_a_card(client_a, org_a, make_user, client_person, role):
    sign_in(client_a, org_a, make_user(org_a, role=role))

    assert client_a.post(f"/account/people/{client_person.pk}/card/").status_code == 404


def test_manager_of_another_organisation_cannot_print_a_card(client_b, org_b, make_user, client_person):
    other_manager = make_user(org_b, role=Role.MANAGER, requester_kind="")
    sign_in(client_b, org_b, other_manager)

    assert client_b.post(f"/account/people/{client_person.pk}/card/").status_code == 404


def test_stranger_is_sent_to_sign_in_instead_of_getting_a_card(client_a, client_person):
    response = client_a.post(f"/account/people/{client_person.pk}/card/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_no_card_for_staff_or_inactive_people(manager_client, make_user, org_a):
    volunteer = make_user(org_a, role=Role.VOLUNTEER)
    gone = make_user(org_a, role=Role.REQUESTER, is_active=False)

    assert manager_client.post(f"/account/people/{volunteer.pk}/card/").status_code == 404
    assert manager_client.post(f"/account/people/{gone.pk}/card/").status_code == 404


def test_card_signs_in_again_and_again(client_a, org_a, manager, client_person):
    path = card_path(org_a, client_person, manager)

    for _ in range(3):
        assert client_a.get(path).status_code == 200  # scanning only asks
        response = client_a.post(path)
        assert response.status_code == 302
        assert current_user(client_a) == client_person
        client_a.post("/account/sign-out/")
        assert not current_user(client_a).is_authenticated


def test_new_card_replaces_the_old_one(manager_client, client_a, org_a, manager, client_person):
    old = card_path(org_a, client_person, manager)

    manager_client.post(f"/account/people/{client_person.pk}/card/")

    response = client_a.post(old)
    assert response.status_code == 410
    assert b"This login card no longer works" in response.content


def test_stopping_the_card_stops_it(manager_client, client_a, org_a, manager, client_person):
    path = card_path(org_a, client_person, manager)

    response = manager_client.post(f"/account/people/{client_person.pk}/card/revoke/")

    assert response.status_code == 302
    assert client_a.post(path).status_code == 410


def test_volunteer_cannot_stop_a_card(client_a, org_a, make_user, manager, client_person):
    path = card_path(org_a, client_person, manager)
    sign_in(client_a, org_a, make_user(org_a, role=Role.VOLUNTEER))

    assert client_a.post(f"/account/people/{client_person.pk}/card/revoke/").status_code == 404
    assert client_a.post(path).status_code == 302


def test_card_of_deactivated_person_stops_working(manager_client, client_a, org_a, manager, client_person):
    path = card_path(org_a, client_person, manager)

    manager_client.post(
        f"/account/people/{client_person.pk}/",
        {"full_name": client_person.full_name, "phone": "", "role": "requester", "requester_kind": "client"},
    )

    assert client_a.post(path).status_code == 410


def test_card_stops_when_person_is_switched_off_directly(client_a, org_a, manager, client_person):
    path = card_path(org_a, client_person, manager)
    with schema_context(org_a.schema_name):
        client_person.is_active = False
        client_person.save()

    assert client_a.post(path).status_code == 410


def test_card_label_does_not_reveal_the_secret(org_a, manager, client_person):
    with schema_context(org_a.schema_name):
        issued = services.login_card_issue(actor=manager, user=client_person)

    assert issued.token.label
    assert issued.token.label.lower() not in issued.secret.lower()


def test_card_of_one_organisation_does_nothing_on_another(client_b, org_a, manager, client_person):
    path = card_path(org_a, client_person, manager)

    assert client_b.post(path).status_code == 410
    assert not current_user(client_b).is_authenticated


def test_the_card_says_where_to_go_when_the_code_cannot_be_read(org_a, client_person):
    from helpdesk.accounts.cards import login_card_html

    org_a.help_phone = "088 123 45 67"
    html = login_card_html(
        user=client_person, url="https://x.example/account/card/s/", label="AB12", organisation=org_a
    )
    assert "088 123 45 67" in html
    assert org_a.host in html
