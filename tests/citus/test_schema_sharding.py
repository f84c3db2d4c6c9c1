"""On Citus: organisations' schemas are distributed schemas and the public tables reference tables."""

from __future__ import annotations

import pytest
from django.db import connection

from tenants.citus import citus_distribute

pytestmark = pytest.mark.django_db


def _major(version: str) -> int:
    return int(version.split(".", 1)[0])


def test_the_server_has_schema_based_sharding(citus):
    assert _major(citus) >= 12


def test_a_new_organisations_schema_is_a_distributed_schema(citus, org_a, org_b):
    with connection.cursor() as cursor:
        cursor.execute("SELECT schemaid::regnamespace::text FROM pg_dist_schema")
        distributed = {row[0] for row in cursor.fetchall()}
    assert {org_a.schema_name, org_b.schema_name} <= distributed


def test_public_tables_become_reference_tables_and_organisations_keep_their_foreign_keys(citus, org_a):
    citus_distribute()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT logicalrelid::regclass::text FROM pg_dist_partition WHERE partmethod = 'n' AND repmodel = 't'"
        )
        reference = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE connamespace = %s::regnamespace AND contype = 'f'"
            " AND confrelid = 'public.tenants_product'::regclass",
            [org_a.schema_name],
        )
        to_products = cursor.fetchone()[0]
    assert {"tenants_product", "tenants_careorganisation", "escalations_escalationentry"} <= reference
    assert to_products > 0
