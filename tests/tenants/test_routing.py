"""The host decides everything: which organisation, which schema, which addresses exist."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_exists
from PIL import Image

from tenants.models import CareOrganisation, Domain
from tests.conftest import english_client


@pytest.fixture
def pending(db):
    organisation = CareOrganisation.objects.create(
        name="Zorggroep Bijna", slug="bijna", schema_name="org_bijna", reference_prefix="BYN"
    )
    Domain.objects.create(domain=organisation.host, tenant=organisation, is_primary=True)
    return organisation


@pytest.mark.parametrize(
    "host", ["nobody.localhost", "www.localhost", "a.b.localhost", "evil.example", "localhost.evil"]
)
def test_unknown_host_gets_a_friendly_not_found_page(db, host):
    response = english_client(host).get("/")

    assert response.status_code == 404
    assert b"We cannot find this helpdesk" in response.content


def test_organisation_being_set_up_answers_503_and_asks_to_come_back(pending):
    response = english_client(pending.host).get("/account/sign-in/")

    assert response.status_code == 503
    assert response["Retry-After"] == "3"
    assert b"This helpdesk is being set up" in response.content


@pytest.mark.parametrize(
    ("status", "words"),
    [(CareOrganisation.Status.FAILED, b"not available right now"), (CareOrganisation.Status.SUSPENDED, b"is closed")],
)
def test_organisation_out_of_service_says_it_is_not_available(pending, status, words):
    pending.status = status
    pending.save(update_fields=["status"])

    response = english_client(pending.host).get("/")

    assert response.status_code == 503
    assert words in response.content
    assert "Retry-After" not in response


def test_portal_host_serves_the_portal(portal_client):
    response = portal_client.get("/account/sign-in/")

    assert response.status_code == 200
    assert b"Sign in to the operator portal" in response.content
    assert portal_client.get("/organisations/new/").status_code == 302  # exists: asks to sign in
    assert portal_client.get("/account/people/").status_code == 404  # an organisation's page


def test_organisation_host_serves_the_organisation(client_a, org_a):
    assert client_a.get("/account/people/").status_code == 302  # exists: asks to sign in
    assert client_a.get("/organisations/new/").status_code == 404  # a portal page
    assert b"Sign in to the operator portal" not in client_a.get("/account/sign-in/").content


def test_each_host_uses_its_own_schema(portal_client, client_a, client_b, org_a, org_b):
    assert json.loads(portal_client.get("/health/").content)["schema"] == "public"
    assert json.loads(client_a.get("/health/").content)["schema"] == org_a.schema_name
    assert json.loads(client_b.get("/health/").content)["schema"] == org_b.schema_name


@pytest.mark.parametrize("host", ["TEST-A.localhost", "test-a.localhost:8000", "Test-A.LOCALHOST:80"])
def test_host_case_and_port_do_not_matter(db, org_a, host):
    response = english_client(host).get("/")

    assert response.status_code == 200
    assert org_a.name.encode() in response.content


def test_missing_page_on_an_organisation_is_a_friendly_404(client_a):
    response = client_a.get("/no/such/page/")

    assert response.status_code == 404
    assert b"We cannot find this page" in response.content


def test_create_organisation_command_provisions_it(db, django_capture_on_commit_callbacks, capsys):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_organisation",
            "Zorggroep Commando",
            "commando",
            "cmd",
            "boss@commando.example",
            "--manager-name=Bas Baas",
            "--wait",
        )

    organisation = CareOrganisation.objects.get(slug="commando")
    assert organisation.status == CareOrganisation.Status.ACTIVE
    assert organisation.reference_prefix == "CMD"
    assert schema_exists(organisation.schema_name)
    assert "commando.localhost" in capsys.readouterr().out
    assert english_client(organisation.host).get("/").status_code == 200


@pytest.mark.parametrize(
    "arguments",
    [
        ("Zorggroep X", "www", "XXX", "boss@x.example"),
        ("Zorggroep X", "test-a", "XXX", "boss@x.example"),
        ("Zorggroep X", "x_y", "XXX", "boss@x.example"),
        ("Zorggroep X", "zorgx", "TSA", "boss@x.example"),
        ("Zorggroep X", "zorgx", "XXX", "not-an-address"),
    ],
)
def test_create_organisation_command_refuses_bad_details(db, arguments):
    with pytest.raises(CommandError):
        call_command("create_organisation", *arguments, "--manager-name=Bas Baas", "--wait")

    assert not CareOrganisation.objects.filter(name="Zorggroep X").exists()


@pytest.mark.parametrize("host", ["localhost", "test-a.localhost", "nobody.localhost", "bijna.localhost"])
def test_every_host_answers_the_icon(pending, org_a, host):
    response = english_client(host).get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    icon = Image.open(io.BytesIO(response.content))
    assert icon.format == "ICO"
    assert (32, 32) in icon.info["sizes"]


def test_pages_name_their_icon(client_a, portal_client):
    for client in (client_a, portal_client):
        html = client.get("/account/sign-in/").content.decode()
        assert '<link rel="icon" href="/favicon.ico"' in html
        assert 'rel="icon" href="/static/img/favicon.svg"' in html
