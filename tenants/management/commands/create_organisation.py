"""Adds a care organisation from the shell, exactly as the portal does."""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.forms import OrganisationForm
from tenants.models import CareOrganisation, Product
from tenants.services import ProvisioningError, organisation_create, organisation_provision


class Command(BaseCommand):
    help = "Create a care organisation and provision its schema."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("slug")
        parser.add_argument("prefix", help="reference prefix, such as AMP")
        parser.add_argument("manager_email")
        parser.add_argument(
            "--manager-name", default="", help="the first manager's name, for the invitation's greeting"
        )
        parser.add_argument("--product", action="append", default=[], help="product slug; repeat for more")
        parser.add_argument("--wait", action="store_true", help="provision here instead of in the worker")

    def handle(self, *args: Any, **options: Any) -> None:
        form = OrganisationForm(
            data={
                "name": options["name"],
                "slug": options["slug"],
                "reference_prefix": options["prefix"],
                "manager_email": options["manager_email"],
                "manager_name": options["manager_name"],
                "brand_colour": "#1d5a8c",
                "default_language": "nl",
                "monthly_fee": "0",
                "expected_questions_per_month": "0",
                "products": list(Product.objects.filter(slug__in=options["product"]).values_list("pk", flat=True)),
            }
        )
        if not form.is_valid():
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        data = form.cleaned_data
        started = time.perf_counter()
        organisation = organisation_create(
            actor=None,
            name=data["name"],
            slug=data["slug"],
            reference_prefix=data["reference_prefix"],
            manager_email=data["manager_email"],
            manager_name=data["manager_name"],
            products=data["products"],
        )
        if options["wait"]:
            try:
                organisation = organisation_provision(organisation_id=organisation.pk)
            except (ValidationError, ProvisioningError) as error:
                raise CommandError(str(error)) from error
        else:
            deadline = time.monotonic() + 60
            while organisation.status == CareOrganisation.Status.PROVISIONING and time.monotonic() < deadline:
                time.sleep(0.2)
                organisation.refresh_from_db()
        self.stdout.write(
            f"{organisation.name}: {organisation.get_status_display()} at {organisation.absolute_url()} "
            f"after {time.perf_counter() - started:.2f} s"
        )
