"""Which organisation a host belongs to is read through Redis (tenants/hosts.py), and every change
to an organisation or its domain is seen on the very next request."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.cache import shared_cache
from tenants import hosts
from tenants.models import CareOrganisation, Domain
from tenants.services import (
    organisation_deactivate,
    organisation_reactivate,
    organisation_settings_update,
    organisation_update,
)
from tests.conftest import english_client

pytestmark = pytest.mark.django_db

if not settings.REDIS_URL:
    pytest.skip("hosts are read through Redis only when REDIS_URL is set", allow_module_level=True)


def domain_queries(client, path: str = "/") -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response.status_code, [q["sql"] for q in captured.captured_queries if "tenants_domain" in q["sql"]]


def cached(hostname: str) -> object:
    return shared_cache().get(hosts.host_key(hostname))


def test_the_second_request_on_a_host_does_not_ask_the_database_whose_it_is(org_a):
    client = english_client(org_a.host)
    status, first = domain_queries(client)
    assert status == 200 and len(first) == 1
    status, asked = domain_queries(client)

    assert status == 200
    assert asked == []
    assert cached(org_a.host).pk == org_a.pk


def test_closing_an_organisation_closes_its_site_on_the_next_request(org_a, operator_admin):
    client = english_client(org_a.host)
    assert client.get("/").status_code == 200
    assert cached(org_a.host) is not None

    organisation_deactivate(actor=operator_admin, organisation=org_a)

    response = client.get("/")
    assert response.status_code == 503
    assert b"This helpdesk is closed" in response.content
    assert cached(org_a.host) is None  # an organisation that is not active is never kept

    organisation_reactivate(actor=operator_admin, organisation=org_a)
    assert client.get("/").status_code == 200


def test_a_changed_setting_shows_on_the_next_page(org_a, operator_admin):
    client = english_client(org_a.host)
    assert client.get("/").status_code == 200

    organisation_update(actor=operator_admin, organisation=org_a, help_phone="088 123 45 67")
    assert cached(org_a.host) is None
    assert client.get("/").context["request"].tenant.help_phone == "088 123 45 67"

    organisation_settings_update(actor=operator_admin, organisation=org_a, max_open_per_volunteer=2)
    assert client.get("/").context["request"].tenant.max_open_per_volunteer == 2


def test_a_host_that_nobody_has_is_not_kept_and_works_once_it_is_added(org_a):
    client = english_client(f"nieuw.{settings.BASE_DOMAIN}")
    assert client.get("/").status_code == 404
    assert cached(f"nieuw.{settings.BASE_DOMAIN}") is None

    Domain.objects.create(domain=f"nieuw.{settings.BASE_DOMAIN}", tenant=org_a, is_primary=False)

    assert client.get("/").status_code == 200


def test_removing_a_domain_forgets_its_host(org_a):
    extra = Domain.objects.create(domain=f"extra.{settings.BASE_DOMAIN}", tenant=org_a, is_primary=False)
    client = english_client(extra.domain)
    assert client.get("/").status_code == 200
    assert cached(extra.domain) is not None

    extra.delete()

    assert cached(extra.domain) is None
    assert client.get("/").status_code == 404


def test_an_organisation_being_set_up_is_asked_of_the_database_every_time(org_a):
    CareOrganisation.objects.filter(pk=org_a.pk).update(status=CareOrganisation.Status.PROVISIONING)
    client = english_client(org_a.host)

    status, asked = domain_queries(client)
    assert status == 503 and len(asked) == 1
    assert cached(org_a.host) is None
