"""Reads about care organisations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import QuerySet
from django_tenants.utils import tenant_context
from psycopg import sql

from helpdesk.accounts.models import Role, User
from tenants.models import CareOrganisation, Product


def organisations_for_portal() -> QuerySet[CareOrganisation]:
    return CareOrganisation.objects.prefetch_related("products").order_by("name")


@dataclass(frozen=True)
class OrganisationPerson:
    """What the operator sees of someone in an organisation: no requester, no phone number."""

    full_name: str
    email: str
    role_label: str
    is_active: bool
    has_password: bool


def organisation_people(organisation: CareOrganisation) -> tuple[list[OrganisationPerson], int]:
    """The organisation's managers and volunteers, and only the number of its requesters."""
    if not (organisation.is_active or organisation.is_suspended):
        return [], 0
    with tenant_context(organisation):
        staff = User.objects.filter(role__in=[Role.MANAGER, Role.VOLUNTEER], public_user_id__isnull=True)
        people = [
            OrganisationPerson(
                full_name=user.full_name,
                email=user.email or "",
                role_label=Role(user.role).label,
                is_active=user.is_active,
                has_password=user.has_usable_password(),
            )
            for user in staff.order_by("role", "full_name")  # managers first
        ]
        requesters = User.objects.filter(role=Role.REQUESTER, is_active=True).count()
    return people, requesters


def products_by_id(ids: list[int] | set[int]) -> dict[int, Product]:
    """Products of the catalogue by id, retired ones included (old figures still name them)."""
    return Product.objects.in_bulk(list(ids))


def schemas_behind_migrations(schemas: Iterable[str]) -> list[str]:
    """The schemas among `schemas` that lack a migration of the project, in the order given.

    A schema is up to date when its `django_migrations` holds every leaf of the migration graph
    (django-tenants records every app's migrations in every schema, so a tenant schema's table
    holds the shared apps' migrations too); each leaf is applied only after everything before it.
    One query reads all schemas at once; a schema without the table counts as behind.
    """
    schemas = list(schemas)
    if not schemas:
        return []
    leaves = sorted(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables"
            " WHERE table_name = 'django_migrations' AND table_schema = ANY(%s)",
            [schemas],
        )
        with_table = {row[0] for row in cursor.fetchall()}
        applied: dict[str, int] = {}
        if with_table and leaves:
            leaf_list = sql.SQL(", ").join(
                sql.SQL("({}, {})").format(sql.Literal(app), sql.Literal(name)) for app, name in leaves
            )
            union = sql.SQL(" UNION ALL ").join(
                sql.SQL(
                    "SELECT {} AS schema_name, count(*) FROM {}.django_migrations WHERE (app, name) IN ({})"
                ).format(sql.Literal(schema), sql.Identifier(schema), leaf_list)
                for schema in sorted(with_table)
            )
            cursor.execute(union.as_string(cursor.connection))
            applied = {schema: int(count) for schema, count in cursor.fetchall()}
    return [schema for schema in schemas if applied.get(schema, -1) < len(leaves)]
