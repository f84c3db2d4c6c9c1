"""Numbers people did not mean, and requests too big to read, never answer 500.

`"²".isdigit()` is true but `int("²")` fails: every number read from a request goes through a
form or a URL converter, which answers 400 or 404 or ignores it. More query parameters or form
fields than Django reads answer a plain 400 page, with DEBUG on and off.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django_tenants.utils import tenant_context

from tests.factories import ticket_make
from tests.signing_in import sign_in, sign_in_operator
from tickets import services

pytestmark = pytest.mark.django_db

ODD_NUMBERS = ["²", "1²", "٣", "³⁄₄", "9" * 30, "9" * 5000, "-1", "0", "1e3", "0x1f", " 7 ", "1.5", "\x00", ""]


@pytest.fixture
def question(org_a, volunteer_a):
    with tenant_context(org_a):
        services.saved_reply_create(actor=volunteer_a, title="Stekker", body="Zit de stekker erin?")
        return ticket_make(contact_name="Piet", contact_email="piet@example.org")


@pytest.mark.parametrize("odd", ODD_NUMBERS)
def test_odd_numbers_on_an_organisations_pages(client_a, org_a, volunteer_a, question, odd):
    sign_in(client_a, org_a, volunteer_a)
    for path, name in [
        (f"/questions/{question.number}/", "saved"),
        ("/questions/", "page"),
        ("/questions/", "product"),
        ("/questions/open/", "reference"),
    ]:
        response = client_a.get(path, {name: odd})
        assert response.status_code in (200, 302, 400, 404), (path, name, response.status_code)


@pytest.mark.parametrize("odd", ODD_NUMBERS)
def test_odd_numbers_on_the_professionals_queue(portal_client, professional, odd):
    sign_in_operator(portal_client, professional)
    for name, value in [
        ("after", odd),
        ("after", f"1.1.{odd}"),
        ("before", f"{odd}.1.1"),
        ("organisation", odd),
        ("product", odd),
        ("page", odd),
    ]:
        response = portal_client.get("/escalations/", {name: value})
        assert response.status_code in (200, 400, 404), (name, value, response.status_code)
    response = portal_client.get("/overview/", {"page": odd, "status": odd})
    assert response.status_code in (200, 400, 404)


def test_odd_numbers_in_the_second_factor_code(portal_client, professional):
    sign_in_operator(portal_client, professional, verified=False)
    response = portal_client.post("/account/sign-in/code/", {"code": "²²²²²²"})
    assert response.status_code == 200 and "six digits" in response.content.decode()


TOO_MANY = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10))


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_too_many_fields_answer_a_plain_400(settings, client_a, org_a, volunteer_a, portal_client, debug):
    settings.DEBUG = debug
    sign_in(client_a, org_a, volunteer_a)
    for client, path in [(client_a, "/questions/"), (client_a, "/"), (portal_client, "/escalations/")]:
        response = client.get(f"{path}?{TOO_MANY}")
        assert response.status_code == 400, (path, response.status_code)
        assert "Dit verzoek kunnen we niet lezen" in response.content.decode()
    response = client_a.post("/questions/open/", TOO_MANY, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "Dit verzoek kunnen we niet lezen" in response.content.decode()
