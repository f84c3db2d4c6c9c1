"""Every page carries a strict Content-Security-Policy and is not stored, and none of its markup
needs more than the policy allows; the older security headers stay."""

from __future__ import annotations

import pytest
from django.conf import settings
from django_tenants.utils import tenant_context

from tests.csp_check import inline_problems
from tests.factories import ticket_make
from tests.signing_in import sign_in, sign_in_operator

pytestmark = pytest.mark.django_db


def assert_strict(response) -> None:
    policy = response.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    if response.get("Content-Type", "").startswith("text/html"):
        assert "no-store" in response["Cache-Control"], response["Cache-Control"]
        assert inline_problems(response.content.decode(), policy) == []


@pytest.fixture
def question(org_a):
    with tenant_context(org_a):
        return ticket_make(contact_name="Piet", contact_email="piet@example.org")


@pytest.mark.parametrize(
    "path",
    ["/", "/account/sign-in/", "/questions/ask/", "/questions/open/", "/nowhere/", "/questions/?" + "a=1&" * 1200],
    ids=["home", "sign-in", "ask", "open", "missing", "too-many-fields"],
)
def test_pages_for_everybody(client_a, path):
    assert_strict(client_a.get(path))


def test_the_askers_page(client_a, question):
    client_a.post("/questions/open/", {"reference": str(question.number), "contact": "piet@example.org"})
    response = client_a.get(f"/questions/{question.number}/follow/")
    assert response.status_code == 200
    assert_strict(response)


@pytest.mark.parametrize("role", ["volunteer_a", "manager_a", "professional_a"])
def test_staff_pages(request, client_a, org_a, question, role):
    sign_in(client_a, org_a, request.getfixturevalue(role))
    for path in ["/questions/", f"/questions/{question.number}/", "/account/people/"]:
        response = client_a.get(path)
        if response.status_code == 200:
            assert_strict(response)
    htmx = client_a.get("/questions/", headers={"HX-Request": "true"})
    assert_strict(htmx)


def test_portal_pages(portal_client, operator_admin, org_a):
    sign_in_operator(portal_client, operator_admin)
    for path in ["/", "/escalations/", "/overview/", "/advice/", f"/organisations/{org_a.pk}/"]:
        response = portal_client.get(path)
        assert response.status_code == 200, path
        assert_strict(response)


def test_the_brand_colour_comes_from_a_stylesheet_that_may_be_kept(client_a, org_a):
    page = client_a.get("/").content.decode()
    assert f"/brand.css?v={org_a.brand_colour[1:]}" in page
    css = client_a.get("/brand.css")
    assert css["Content-Type"].startswith("text/css")
    assert f":root {{ --brand: {org_a.brand_colour}; --brand-text: {org_a.text_colour()}; }}" in css.content.decode()
    assert css["Cache-Control"] == "public, max-age=86400"


def test_an_inline_script_without_the_nonce_is_caught():
    policy = "default-src 'self'; script-src 'self' 'nonce-abc123'"
    assert inline_problems('<script src="/static/js/site.js"></script>', policy) == []
    assert inline_problems('<script nonce="abc123">go()</script>', policy) == []
    assert inline_problems("<script>go()</script>", policy)
    assert inline_problems('<script nonce="other">go()</script>', policy)
    assert inline_problems("<style>p{}</style>", policy)
    assert inline_problems('<p style="color: red">', policy)
    assert inline_problems('<button onclick="go()">', policy)
    assert inline_problems('<a href="javascript:go()">', policy)
    assert inline_problems("<p>", "script-src 'self' 'unsafe-inline'")
    assert inline_problems("<p>", "")


def test_the_policy_lets_the_portal_hand_off_to_an_organisation():
    form_action = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]
    assert any(f"*.{settings.BASE_DOMAIN}" in source for source in form_action)
