"""Bad input never gives a 500: every page, every form field and every query parameter, filled
with odd values, as every role, with odd methods.

The pages are every route of both URL confs (so a new page is tried without anyone adding it
here), their path parts filled with real ids, odd ids and odd strings. The fields are the names in
the page's own forms (read from its HTML as that person sees it) and the query parameters the
views read, plus names nobody expects. Values: Unicode digits, NUL bytes, 100,000 characters,
markup, numbers too big for a column, repeated and missing fields.

Two passes: a sweep that sends each page every kind of odd value once per role (GET with odd
parameters, POST with the form's fields odd), then hypothesis, which mixes methods, fields and
values. It is derandomized, so CI runs the same examples every time, in a few minutes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.conftest import english_client
from tests.factories import ticket_make
from tests.routes import Route, routes_of
from tests.signing_in import sign_in, sign_in_operator
from tickets import services

pytestmark = pytest.mark.django_db

ODD_VALUES = [
    "²",
    "٣٤",
    "１２",
    "\x00",
    "a\x00b",
    "x" * 100_000,
    "",
    " ",
    "-1",
    "0",
    "9" * 30,
    "1e309",
    "NaN",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "\u202e\ufeff",
    "😀",
    "%00",
    "on",
    "2026-02-30",
    "25:99",
]
ODD_PATH_PARTS = ["²", "x" * 300, "%00", "..", "a b", "0", "9" * 25]
# Query parameters the views read (besides the fields of the page's forms).
QUERY_NAMES = [
    "page",
    "saved",
    "q",
    "product",
    "status",
    "after",
    "before",
    "organisation",
    "take",
    "role",
    "reference",
    "next",
    "mine",
    "urgent",
    "worry",
]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]
TENANT_ROLES = [None, "requester_a", "volunteer_a", "trainee_a", "manager_a", "professional_a"]
PORTAL_ROLES = [None, "professional", "operator_admin"]
NAME_RE = re.compile(r'<(?:input|select|textarea|button)\b[^>]*\bname="([^"]+)"')


@dataclass
class World:
    """The client, as one role, and the real ids its paths can point at."""

    client: Client
    ids: dict[str, list[str]]
    strings: dict[str, list[str]]
    sign_in_again: object
    field_names: dict[str, tuple[str, ...]]

    def path(self, route: Route, pick) -> str:
        values = {}
        for converter, name in route.parts():
            if converter == "int":
                values[name] = pick([*self.ids.get(name, []), "0", "1", str(2**31), "9" * 20])
            else:
                values[name] = pick([*self.strings.get(name, []), *ODD_PATH_PARTS])
        return route.fill(values)

    def fields(self, path: str) -> tuple[str, ...]:
        """The names in the forms of the page at `path`, as this person sees it."""
        if path not in self.field_names:
            response = self.client.get(path)
            html = response.content.decode(errors="replace") if response.status_code == 200 else ""
            names = {name for name in NAME_RE.findall(html) if name != "csrfmiddlewaretoken"}
            self.field_names[path] = tuple(sorted(names))
        return self.field_names[path]

    def send(self, method: str, path: str, data: dict[str, list[str]], *, htmx: bool = False) -> int:
        self.sign_in_again()
        headers = {"HX-Request": "true"} if htmx else {}
        if method in ("GET", "HEAD", "OPTIONS", "DELETE"):
            response = self.client.generic(method, path, headers=headers, QUERY_STRING=_encode(data))
        else:
            response = self.client.generic(
                method, path, _encode(data), content_type="application/x-www-form-urlencoded", headers=headers
            )
        return response.status_code


def _encode(data: dict[str, list[str]]) -> str:
    return urlencode([(name, value) for name, values in data.items() for value in values])


def _tenant_world(request, org, role: str | None) -> World:
    client = english_client(org.host)
    person = request.getfixturevalue(role) if role else None
    volunteer = request.getfixturevalue("volunteer_a")
    with tenant_context(org):
        ticket = ticket_make(contact_name="Piet", contact_email="piet@example.org", contact_phone="0612345678")
        services.reply_post(ticket=ticket, actor=volunteer, body="Staat de stekker erin?")
        saved = services.saved_reply_create(actor=volunteer, title="Stekker", body="Zit de stekker erin?")
    requester = request.getfixturevalue("requester_a")

    def again() -> None:
        if person is not None and "_auth_user_id" not in client.session:
            sign_in(client, org, person)

    ids = {
        "number": [str(ticket.number)],
        "user_id": [str(requester.pk), str(volunteer.pk)],
        "pk": [str(saved.pk)],
        "thread_id": [],
        "organisation_id": [str(org.pk)],
    }
    strings = {"step": ["product", "question", "for_whom", "contact"]}
    return World(client=client, ids=ids, strings=strings, sign_in_again=again, field_names={})


def _portal_world(request, org, role: str | None) -> World:
    client = english_client(settings.BASE_DOMAIN)
    person = request.getfixturevalue(role) if role else None
    if person is not None:
        sign_in_operator(client, person)

    def again() -> None:
        if person is not None and "_auth_user_id" not in client.session:
            sign_in_operator(client, person)

    ids = {"organisation_id": [str(org.pk)], "number": ["1001"], "pk": []}
    return World(client=client, ids=ids, strings={}, sign_in_again=again, field_names={})


# The odd kinds the issue names; the sweep gives each field every one of them.
SWEEP_KINDS = ["²", "a\x00b", "x" * 100_000]


def _sweep(world: World, routes: tuple[Route, ...]) -> list[str]:
    """Each page with odd query parameters, and with its own form's fields odd: every field gets
    each kind once (field i gets kind (i + k) % 3 in request k), after a Unicode number (a view that
    reads one value reads the last)."""
    failures = []
    for route in routes:
        path = world.path(route, lambda choices: choices[0])
        for method, names in (("GET", QUERY_NAMES), ("POST", [*world.fields(path), "next"])):
            for turn in range(len(SWEEP_KINDS)):
                data = {name: ["٣", SWEEP_KINDS[(i + turn) % len(SWEEP_KINDS)]] for i, name in enumerate(names)}
                status = world.send(method, path, data)
                if status >= 500:
                    failures.append(f"{method} {path} (turn {turn}): {status}")
    return failures


# Per role; derandomized, so every run tries the same examples (CI stays within a few minutes).
EXAMPLES = 25
ODD_TEXT = st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=30))


def _fuzz(world: World, routes: tuple[Route, ...]) -> None:
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def run(data) -> None:
        route = data.draw(st.sampled_from(routes), label="route")
        path = world.path(route, lambda choices: data.draw(st.sampled_from(choices)))
        method = data.draw(st.sampled_from(METHODS), label="method")
        known = world.fields(path) + tuple(QUERY_NAMES)
        names = data.draw(st.lists(st.one_of(st.sampled_from(known), st.text(max_size=12)), max_size=8, unique=True))
        fields = {name: data.draw(st.lists(ODD_TEXT, min_size=1, max_size=3)) for name in names}
        status = world.send(method, path, fields, htmx=data.draw(st.booleans(), label="htmx"))
        assert status < 500, f"{method} {path} {fields!r:.300}: {status}"

    run()


CASES = [*(("organisation", role) for role in TENANT_ROLES), *(("portal", role) for role in PORTAL_ROLES)]


@pytest.mark.parametrize(("side", "role"), CASES, ids=[f"{side}-{role or 'stranger'}" for side, role in CASES])
def test_no_page_answers_500(request, org_a, side, role):
    if side == "organisation":
        world, routes = _tenant_world(request, org_a, role), routes_of(settings.ROOT_URLCONF)
    else:
        world, routes = _portal_world(request, org_a, role), routes_of(settings.PUBLIC_SCHEMA_URLCONF)
    assert not _sweep(world, routes)
    _fuzz(world, routes)


def test_every_route_is_tried():
    """The walk finds the pages, so a new page is fuzzed without being listed here."""
    tenant = {route.template for route in routes_of(settings.ROOT_URLCONF)}
    assert "/questions/<int:number>/follow/" in tenant and "/account/people/<int:user_id>/" in tenant
    assert "/escalations/" in {route.template for route in routes_of(settings.PUBLIC_SCHEMA_URLCONF)}
