"""Reads about care organisations."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection
from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name, tenant_context

from tenants.models import CareOrganisation


def organisations_for_portal() -> QuerySet[CareOrganisation]:
    return CareOrganisation.objects.prefetch_related("products").order_by("name")


def current_organisation() -> CareOrganisation | None:
    """The organisation whose schema the connection uses; None on the public schema.

    A request or a Celery task sets the organisation itself on the connection; `schema_context`
    leaves only a stand-in with the schema name, so then it is looked up.
    """
    if connection.schema_name == get_public_schema_name():
        return None
    if isinstance(connection.tenant, CareOrganisation):
        return connection.tenant
    return CareOrganisation.objects.get(schema_name=connection.schema_name)


def in_each_active_organisation(*ordering: str) -> Iterator[CareOrganisation]:
    """Every active organisation in turn, with the connection in its schema while the caller works
    on it; the schema is switched back after each one, also when the caller stops early."""
    organisations = CareOrganisation.objects.filter(status=CareOrganisation.Status.ACTIVE)
    for organisation in organisations.order_by(*ordering) if ordering else organisations:
        with tenant_context(organisation):
            yield organisation
