"""Background work on the escalation index, and the e-mails to the operator's professionals."""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import schema_context

# The services send these tasks and the reconcile task calls the services, so this module
# imports the services module (not names from it): either may be imported first.
from escalations import notifications, services
from escalations.models import AdviceRequest, EscalationEntry
from helpdesk.tenancy import in_each_active_organisation

MAIL_RETRY = {"acks_late": True, "autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


@shared_task(acks_late=True)
def reconcile_escalation_index() -> dict[str, int]:
    """Compares the index with every active organisation's questions, repairs drift and reports it.

    Returns the number of repaired rows per organisation that had drift (also logged as a warning).
    Rows of organisations that are no longer active are left alone; deleting an organisation
    removes its rows with it.
    """
    report: dict[str, int] = {}
    for organisation in in_each_active_organisation():
        drift = services.escalation_index_reconcile(organisation=organisation)
        if drift.total:
            report[organisation.slug] = drift.total
    return report


# The alerts are sent from an organisation's schema (after the question's transaction); the
# professionals are operator staff, so they are read in the public schema.


@shared_task(**MAIL_RETRY)
def alert_professionals_of_question(*, entry_id: int) -> int:
    """Tells the professionals that a question waits for them; nothing if it left the index since."""
    with schema_context("public"):
        entry = EscalationEntry.objects.select_related("organisation", "product").filter(pk=entry_id).first()
        if entry is None:
            return 0
        return notifications.question_alerts_send(entry=entry)


@shared_task(**MAIL_RETRY)
def alert_professionals_of_advice(*, request_id: int) -> int:
    """Tells the professionals that a volunteer asks for advice; nothing if it was answered since."""
    with schema_context("public"):
        row = AdviceRequest.objects.select_related("organisation", "product").filter(pk=request_id).first()
        if row is None or row.status != AdviceRequest.Status.OPEN:
            return 0
        return notifications.advice_alerts_send(request=row)


@shared_task(acks_late=True)
def send_professional_digests() -> int:
    """Every morning: one e-mail per professional who chose the digest, with what waits."""
    with schema_context("public"):
        return notifications.digest_mails_send()
