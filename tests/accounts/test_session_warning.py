"""Signed-in pages know how long the sign-in still lasts, for the warning before it ends (ui.md 16);
the "Stay signed in" button starts the time again."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.sessions.models import Session
from django_tenants.utils import schema_context

from helpdesk.middleware import SESSION_SAVED_AT_KEY
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def seconds_left(page: bytes) -> int | None:
    found = re.search(rb'data-seconds-left="(\d+)"', page)
    return int(found.group(1)) if found else None


def age_session(client, org, *, saved_seconds_ago: int, expiry: int | None = None) -> None:
    """Makes the client's session look saved a while ago (and, with `expiry`, given its own age)."""
    with schema_context(org.schema_name):
        session = client.session
        if expiry is not None:
            session.set_expiry(expiry)
        session[SESSION_SAVED_AT_KEY] = int(time.time()) - saved_seconds_ago
        session.save()


def test_a_signed_in_page_says_how_long_the_sign_in_lasts(client_a, org_a, volunteer_a, settings):
    sign_in(client_a, org_a, volunteer_a)
    age_session(client_a, org_a, saved_seconds_ago=600)

    page = client_a.get("/questions/").content

    assert settings.SESSION_COOKIE_AGE - 610 <= seconds_left(page) <= settings.SESSION_COOKIE_AGE - 600
    assert f'data-warn-before="{settings.SESSION_WARNING_SECONDS}"'.encode() in page
    assert b'role="alert"' in page and b"Stay signed in" in page


def test_nobody_signed_in_gets_no_warning(client_a):
    assert seconds_left(client_a.get("/").content) is None


def test_stay_signed_in_starts_the_time_again(client_a, org_a, volunteer_a, settings):
    sign_in(client_a, org_a, volunteer_a)
    age_session(client_a, org_a, saved_seconds_ago=50, expiry=60)
    assert seconds_left(client_a.get("/questions/").content) <= 10

    response = client_a.post("/account/session/")

    assert response.status_code == 200
    assert response.json() == {"signed_in": True, "seconds_left": settings.SESSION_COOKIE_AGE}
    assert seconds_left(client_a.get("/questions/").content) >= settings.SESSION_COOKIE_AGE - 5
    with schema_context(org_a.schema_name):
        stored = Session.objects.get(session_key=client_a.session.session_key)
        assert stored.get_decoded()[SESSION_SAVED_AT_KEY] >= int(time.time()) - 5
        assert (stored.expire_date - stored.expire_date.now(stored.expire_date.tzinfo)).total_seconds() > 3600


def test_stay_signed_in_after_the_end_says_so(client_a):
    response = client_a.post("/account/session/")
    assert response.status_code == 401 and response.json() == {"signed_in": False}
    assert client_a.get("/account/session/").status_code == 405


def test_the_portal_warns_too(admin_client):
    assert seconds_left(admin_client.get("/").content) is not None
    assert admin_client.post("/account/session/").status_code == 200
