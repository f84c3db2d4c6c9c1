"""Background work about satisfaction. Tasks run in the schema they were sent from."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from helpdesk.tenancy import current_organisation
from satisfaction import notifications
from satisfaction.services import survey_invitation_claim
from tickets.models import Ticket


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_satisfaction_request(*, ticket_id: int) -> bool:
    """E-mails the requester of a solved question a link to the two satisfaction questions.

    Only when an e-mail address is known, and once per solving of the question: a retry, or a
    second dispatch for the same solving, sends nothing. Returns whether an e-mail went out.
    """
    with transaction.atomic():
        ticket = Ticket.objects.select_related("requester", "product").filter(pk=ticket_id).first()
        if ticket is None or survey_invitation_claim(ticket=ticket) is None:
            return False
        # Inside the transaction: if sending fails, the note that it was sent rolls back too.
        notifications.survey_request_mail_send(organisation=current_organisation(), ticket=ticket)
    return True
