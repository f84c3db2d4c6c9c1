"""Which care organisation the connection serves, and going through every active one in turn.

These are core helpers: accounts, tickets and every app above them ask here, never the tenants
app, so the ground floor of the house knows nothing of the floors above it. The tenant model is
django-tenants' `TENANT_MODEL` (`tenants.CareOrganisation`); all this module needs of it is its
`schema_name` and its `status` with a `Status.ACTIVE` choice.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name, get_tenant_model, tenant_context


def on_public_schema() -> bool:
    return connection.schema_name == get_public_schema_name()


def current_organisation() -> Any | None:
    """The organisation whose schema the connection uses; None on the public schema.

    A request or a Celery task sets the organisation itself on the connection; `schema_context`
    leaves only a stand-in with the schema name, so then it is looked up.
    """
    if on_public_schema():
        return None
    organisation_model = get_tenant_model()
    if isinstance(connection.tenant, organisation_model):
        return connection.tenant
    return organisation_model.objects.get(schema_name=connection.schema_name)


def active_organisations() -> QuerySet[Any]:
    organisation_model = get_tenant_model()
    return organisation_model.objects.filter(status=organisation_model.Status.ACTIVE)


def in_each_active_organisation(*ordering: str) -> Iterator[Any]:
    """Every active organisation in turn, with the connection in its schema while the caller works
    on it; the schema is switched back after each one, also when the caller stops early."""
    organisations = active_organisations()
    for organisation in organisations.order_by(*ordering) if ordering else organisations:
        with tenant_context(organisation):
            yield organisation
