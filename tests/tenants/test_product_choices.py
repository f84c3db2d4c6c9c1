"""The product menu of a helper's question page comes from the cache, and follows every change
of the organisation's products."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from tenants.models import Product
from tenants.product_choices import product_choices
from tenants.services import organisation_update
from tests.factories import ticket_make
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def _menu(client, ticket) -> str:
    html = client.get(f"/questions/{ticket.number}/").content.decode()
    return html.split('name="about-product"', 1)[1].split("</select>", 1)[0]


def test_product_choices_are_read_once_then_cached(org_a):
    with tenant_context(org_a):
        product_choices(org_a)
        with CaptureQueriesContext(connection) as queries:
            choices = product_choices(org_a)
        expected = [(product.pk, product.name) for product in org_a.active_products().order_by("name")]
    assert not queries.captured_queries
    assert choices == expected


def test_menu_follows_a_change_of_the_organisations_products(client_a, org_a, volunteer_a, operator_admin):
    with tenant_context(org_a):
        ticket = ticket_make(subject="Welke tablet?")
    client = sign_in(client_a, org_a, volunteer_a)
    alarm = Product.objects.get(slug="persoonlijk-alarm")
    assert alarm.name in _menu(client, ticket)
    keep = org_a.products.exclude(pk=alarm.pk)
    organisation_update(actor=operator_admin, organisation=org_a, products=list(keep))
    assert alarm.name not in _menu(client, ticket)
    organisation_update(actor=operator_admin, organisation=org_a, products=[*keep, alarm])
    assert alarm.name in _menu(client, ticket)


def test_menu_drops_a_retired_product(client_a, org_a, volunteer_a):
    with tenant_context(org_a):
        ticket = ticket_make(subject="Welk alarm?")
    client = sign_in(client_a, org_a, volunteer_a)
    alarm = Product.objects.get(slug="persoonlijk-alarm")
    assert alarm.name in _menu(client, ticket)
    alarm.retire()
    assert alarm.name not in _menu(client, ticket)
