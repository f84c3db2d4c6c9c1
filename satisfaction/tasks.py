"""Background work about satisfaction. Tasks run in the schema they were sent from."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.urls import reverse

from helpdesk.mail import send_templated_mail
from helpdesk.tenancy import current_organisation
from satisfaction.services import SURVEY_CHANGE_DAYS, survey_invitation_claim
from satisfaction.tokens import survey_token_make
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
        organisation = current_organisation()
        url = organisation.absolute_url(
            reverse("satisfaction:rate_link", kwargs={"token": survey_token_make(ticket.pk)})
        )
        requester = ticket.requester
        language = requester.language if requester is not None else organisation.default_language
        context = {"ticket": ticket, "organisation": organisation, "url": url, "days": SURVEY_CHANGE_DAYS}
        # Inside the transaction: if sending fails, the note that it was sent rolls back too.
        send_templated_mail(
            template="satisfaction/email/request", context=context, to=ticket.contact_email, language=language
        )
    return True
