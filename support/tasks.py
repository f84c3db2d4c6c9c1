"""E-mail about support for volunteers. Tasks run in the schema they were sent from."""

from __future__ import annotations

from celery import shared_task

from helpdesk.tenancy import current_organisation, in_each_active_organisation

# The services dispatch these tasks and the reconcile below calls the services: this module
# imports the services module (not names from it), so either may be imported first.
from support import notifications, services
from support.models import AdviceMessage, PendingReply

RETRY = {"acks_late": True, "autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRY)
def notify_reviewers_of_pending_reply(*, pending_id: int) -> int:
    """Tells the reviewers that a trainee's answer waits for approval. Returns how many heard."""
    pending = (
        PendingReply.objects.select_related("ticket", "ticket__product", "author")
        .filter(pk=pending_id, status=PendingReply.Status.PENDING)
        .first()
    )
    if pending is None:
        return 0
    return notifications.pending_reply_mails_send(organisation=current_organisation(), pending=pending)


@shared_task(**RETRY)
def notify_author_of_decision(*, pending_id: int) -> bool:
    """Tells the trainee that their answer was approved, or returned with a note."""
    pending = (
        PendingReply.objects.select_related("ticket", "author")
        .filter(pk=pending_id)
        .exclude(status=PendingReply.Status.PENDING)
        .first()
    )
    if pending is None or not pending.author.email or not pending.author.is_active:
        return False
    notifications.decision_mail_send(organisation=current_organisation(), pending=pending)
    return True


@shared_task(**RETRY)
def notify_volunteer_of_advice(*, message_id: int) -> bool:
    """Tells the volunteer who asked that a professional answered. The text stays on the site."""
    message = (
        AdviceMessage.objects.select_related("thread", "thread__ticket", "thread__volunteer")
        .filter(pk=message_id, from_professional=True)
        .first()
    )
    if message is None:
        return False
    volunteer = message.thread.volunteer
    if not volunteer.email or not volunteer.is_active:
        return False
    notifications.advice_mail_send(organisation=current_organisation(), message=message)
    return True


@shared_task(acks_late=True)
def reconcile_advice_index() -> dict[str, int]:
    """In every active organisation, repairs the public advice index; returns the fixes per organisation."""
    fixed: dict[str, int] = {}
    for organisation in in_each_active_organisation():
        count = services.advice_index_reconcile(organisation=organisation)
        if count:
            fixed[organisation.slug] = count
    return fixed
