"""Background work on the escalation index."""

from __future__ import annotations

from celery import shared_task

from escalations.services import escalation_index_reconcile
from helpdesk.tenancy import in_each_active_organisation


@shared_task(acks_late=True)
def reconcile_escalation_index() -> dict[str, int]:
    """Compares the index with every active organisation's questions, repairs drift and reports it.

    Returns the number of repaired rows per organisation that had drift (also logged as a warning).
    Rows of organisations that are no longer active are left alone; deleting an organisation
    removes its rows with it.
    """
    report: dict[str, int] = {}
    for organisation in in_each_active_organisation():
        drift = escalation_index_reconcile(organisation=organisation)
        if drift.total:
            report[organisation.slug] = drift.total
    return report
