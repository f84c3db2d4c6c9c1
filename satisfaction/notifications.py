"""The e-mail that asks a requester how it went: what it says and to whom. The task calls it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from helpdesk.mail import send_templated_mail
from satisfaction.services import SURVEY_CHANGE_DAYS
from satisfaction.tokens import survey_token_make
from tickets.models import Ticket


def survey_request_mail_send(*, organisation: Any, ticket: Ticket) -> None:
    """A signed link to the two questions, in the requester's language."""
    url = organisation.absolute_url(reverse("satisfaction:rate_link", kwargs={"token": survey_token_make(ticket.pk)}))
    requester = ticket.requester
    language = requester.language if requester is not None else organisation.default_language
    context = {"ticket": ticket, "organisation": organisation, "url": url, "days": SURVEY_CHANGE_DAYS}
    send_templated_mail(
        template="satisfaction/email/request", context=context, to=ticket.contact_email, language=language
    )
