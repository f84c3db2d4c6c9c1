"""Reads about care organisations."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django_tenants.utils import tenant_context

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
