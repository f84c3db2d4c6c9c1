"""Reads about care organisations."""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.models import CareOrganisation


def organisations_for_portal() -> QuerySet[CareOrganisation]:
    return CareOrganisation.objects.prefetch_related("products").order_by("name")
