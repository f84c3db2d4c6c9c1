"""Pooled connections never carry one organisation's schema into another organisation's request.

A real WSGI server in this process (Django's threaded development server around the same
`WSGIHandler` gunicorn runs) serves many requests at once, alternating between organisation A and
organisation B, over Django's psycopg connection pool with fewer connections than requests in
flight: every connection serves both organisations in turn. Each answer is checked for where it
came from: `/health/` reports the database's own `current_schema()`, and a manager's list of
people and a person's page (same numeric id in both schemas) show only that organisation's people.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPConnection

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connection, connections
from django.test import Client
from django_tenants.utils import schema_context

from helpdesk.accounts.models import Role, User
from tenants.models import CareOrganisation
from tests import factories
from tests.signing_in import sign_in

POOL = {"min_size": 2, "max_size": 3, "timeout": 30}
CLIENT_THREADS = 6
ROUNDS = 8  # per client thread, each round one request per page and organisation
PERSON_ID = 987_654  # the same id names a different person in each schema, or a leak could go unseen


@dataclass
class Side:
    """One organisation as the test sees it: its host, a signed-in manager's cookie, its people."""

    organisation: CareOrganisation
    cookie: str
    own_name: str
    person_id: int
    person_name: str


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def pooled(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Django's connection pool for the default database while the test runs, then none again."""
    with django_db_blocker.unblock():
        settings_dict = connections.settings["default"]  # the dict every thread's connection reads
        assert not settings_dict.get("CONN_MAX_AGE"), "the pool needs DB_CONN_MAX_AGE=0"
        connections.close_all()
        settings_dict["OPTIONS"]["pool"] = dict(POOL)
        try:
            yield
        finally:
            connections.close_all()
            connection.close_pool()
            del settings_dict["OPTIONS"]["pool"]


@pytest.fixture
def server(pooled) -> Iterator[tuple[str, int]]:
    httpd = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=True)
    httpd.set_app(WSGIHandler())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[:2]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def _side(organisation: CareOrganisation, letter: str) -> Side:
    """Committed people in the organisation's schema: a manager signed in, and one more person."""
    with schema_context(organisation.schema_name):
        manager = factories.UserFactory(
            role=Role.MANAGER, requester_kind="", full_name=f"Poolproef Manager {letter}", email=f"pool-{letter}@x.org"
        )
        person = factories.UserFactory(
            id=PERSON_ID, full_name=f"Poolproef Persoon {letter}", email=f"pool-p-{letter}@x.org"
        )
    client = sign_in(Client(HTTP_HOST=organisation.host), organisation, manager)

    return Side(
        organisation=organisation,
        cookie=f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
        own_name=manager.full_name,
        person_id=person.pk,
        person_name=person.full_name,
    )


@pytest.fixture
def sides(server, django_db_blocker) -> Iterator[tuple[Side, Side]]:
    with django_db_blocker.unblock():
        org_a = CareOrganisation.objects.get(slug="test-a")
        org_b = CareOrganisation.objects.get(slug="test-b")
        pair = (_side(org_a, "A"), _side(org_b, "B"))
        connection.set_schema_to_public()
        try:
            yield pair
        finally:
            for side in pair:
                with schema_context(side.organisation.schema_name):
                    User.objects.filter(full_name__startswith="Poolproef").delete()
                    Session.objects.all().delete()
            connection.set_schema_to_public()
            connections.close_all()


def _get(address: tuple[str, int], side: Side, path: str) -> tuple[int, str]:
    """One request on its own connection, as a browser of that organisation sends it."""
    http = HTTPConnection(*address, timeout=60)
    try:
        http.request("GET", path, headers={"Host": side.organisation.host, "Cookie": side.cookie})
        response = http.getresponse()
        return response.status, response.read().decode()
    finally:
        http.close()


def _wrong(base: tuple[str, int], side: Side, other: Side, path: str) -> str | None:
    """What is wrong with the answer to `path` on `side`'s host; None when nothing is."""
    status, body = _get(base, side, path)
    if status != 200:
        return f"{side.organisation.slug} {path}: status {status}"
    if path == "/health/":
        schema = json.loads(body)["schema"]
        return None if schema == side.organisation.schema_name else f"{side.organisation.slug}: answered from {schema}"
    if other.own_name in body or other.person_name in body:
        return f"{side.organisation.slug} {path}: shows a person of {other.organisation.slug}"
    expected = side.person_name if path.endswith(f"/{side.person_id}/") else side.own_name
    return None if expected in body else f"{side.organisation.slug} {path}: {expected} is missing"


def test_requests_alternating_between_organisations_over_pooled_connections_never_cross(server, sides):
    side_a, side_b = sides
    paths = ["/health/", "/account/people/", "/account/people/{id}/"]

    def client_thread(number: int) -> list[str]:
        problems = []
        for round_ in range(ROUNDS):
            first, second = (side_a, side_b) if (number + round_) % 2 == 0 else (side_b, side_a)
            for path in paths:
                for side, other in ((first, second), (second, first)):
                    problem = _wrong(server, side, other, path.format(id=side.person_id))
                    if problem:
                        problems.append(problem)
        return problems

    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        problems = [problem for found in pool.map(client_thread, range(CLIENT_THREADS)) for problem in found]

    assert problems == []
    stats = connection.pool.get_stats()
    requests = CLIENT_THREADS * ROUNDS * len(paths) * 2
    # Every request borrowed from the pool, which never held more than its few connections.
    assert stats["requests_num"] >= requests
    assert stats["connections_num"] <= POOL["max_size"]
