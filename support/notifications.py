"""The e-mails of support for volunteers: what each says and to whom. Tasks call these."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from helpdesk.mail import send_templated_mail
from support.models import AdviceMessage, PendingReply
from support.selectors import reviewers_to_notify


def pending_reply_mails_send(*, organisation: Any, pending: PendingReply) -> int:
    """Each reviewer hears that a trainee's answer waits for approval. Returns how many."""
    url = organisation.absolute_url(reverse("support:review", kwargs={"pk": pending.pk}))
    sent = 0
    for reviewer in reviewers_to_notify(pending):
        send_templated_mail(
            template="support/email/pending_reply",
            context={"pending": pending, "ticket": pending.ticket, "reviewer": reviewer, "url": url},
            to=reviewer.email,
            language=reviewer.language,
        )
        sent += 1
    return sent


def decision_mail_send(*, organisation: Any, pending: PendingReply) -> None:
    """The trainee hears that their answer was approved, or returned with a note."""
    url = organisation.absolute_url(reverse("tickets:detail", kwargs={"number": pending.ticket.number}))
    template = (
        "support/email/reply_approved"
        if pending.status == PendingReply.Status.APPROVED
        else "support/email/reply_returned"
    )
    send_templated_mail(
        template=template,
        context={"pending": pending, "ticket": pending.ticket, "author": pending.author, "url": url},
        to=pending.author.email,
        language=pending.author.language,
    )


def advice_mail_send(*, organisation: Any, message: AdviceMessage) -> None:
    """The volunteer who asked hears that a professional answered. The text stays on the site."""
    volunteer = message.thread.volunteer
    path = reverse("support:advice", kwargs={"number": message.thread.ticket.number})
    send_templated_mail(
        template="support/email/advice_answered",
        context={
            "message": message,
            "ticket": message.thread.ticket,
            "volunteer": volunteer,
            "url": organisation.absolute_url(path),
        },
        to=volunteer.email,
        language=volunteer.language,
    )
