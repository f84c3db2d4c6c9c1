from __future__ import annotations

from celery import shared_task

from tenants import services


@shared_task(acks_late=True, bind=True, max_retries=3)
def provision_organisation(self, *, organisation_id: int) -> str:  # noqa: ANN001
    organisation = services.organisation_provision(organisation_id=organisation_id)
    return organisation.status
