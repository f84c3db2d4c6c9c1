"""Background work about questions. Tasks run in the schema they were sent from."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.urls import reverse

from helpdesk.accounts.models import User
from helpdesk.mail import send_templated_mail
from tenants.selectors import current_organisation
from tickets.models import Message, Ticket
from tickets.services import tickets_close_unanswered_resolved


def _language_of(requester: User | None) -> str | None:
    return requester.language if requester is not None else None


# Days a solved question stays open for a reaction before it closes itself.
AUTO_CLOSE_DAYS = 14


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_requester_of_reply(*, message_id: int) -> bool:
    """E-mails the requester that a helper answered, when an address is known.

    Internal notes and the requester's own messages are never sent; a missing message is skipped.
    """
    message = (
        Message.objects.select_related("ticket", "ticket__requester")
        .filter(pk=message_id, is_internal=False, from_requester=False)
        .first()
    )
    if message is None or not message.ticket.contact_email:
        return False
    from tickets.tokens import follow_token_make

    ticket = message.ticket
    requester = ticket.requester
    organisation = current_organisation()
    # The same kind of link as in the confirmation: it opens this question, with or without an account.
    url = organisation.absolute_url(reverse("tickets:open_link", kwargs={"token": follow_token_make(ticket.pk)}))
    context = {"ticket": ticket, "message": message, "organisation": organisation, "url": url}
    send_templated_mail(
        template="tickets/email/reply", context=context, to=ticket.contact_email, language=_language_of(requester)
    )
    return True


@shared_task(acks_late=True)
def close_resolved_questions() -> int:
    """Closes, in every active organisation, solved questions that had no reaction in time.

    The period is the organisation's `auto_close_days` (AUTO_CLOSE_DAYS if it is 0).
    """
    from tenants.selectors import in_each_active_organisation

    closed = 0
    for organisation in in_each_active_organisation():
        days = organisation.auto_close_days or AUTO_CLOSE_DAYS
        closed += tickets_close_unanswered_resolved(older_than=timedelta(days=days))
    return closed


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_question_confirmation(*, ticket_id: int) -> bool:
    """E-mails the reference number and a link that opens the question without an account."""
    from tickets.tokens import follow_token_make

    ticket = Ticket.objects.select_related("requester").filter(pk=ticket_id).first()
    if ticket is None or not ticket.contact_email:
        return False
    organisation = current_organisation()
    url = organisation.absolute_url(reverse("tickets:open_link", kwargs={"token": follow_token_make(ticket.pk)}))
    context = {"ticket": ticket, "organisation": organisation, "url": url}
    requester = ticket.requester
    send_templated_mail(
        template="tickets/email/confirmation",
        context=context,
        to=ticket.contact_email,
        language=_language_of(requester),
    )
    return True


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_helpers_of_new_question(*, ticket_id: int) -> int:
    """E-mails the volunteers who want to hear right away about a new question. Returns how many."""
    from tickets.models import NotificationPreference
    from tickets.selectors import helpers_to_notify

    ticket = Ticket.objects.select_related("product").filter(pk=ticket_id).first()
    if ticket is None:
        return 0
    organisation = current_organisation()
    url = organisation.absolute_url(reverse("tickets:detail", kwargs={"number": ticket.number}))
    sent = 0
    for helper in helpers_to_notify(NotificationPreference.NewQuestions.IMMEDIATELY):
        context = {"ticket": ticket, "organisation": organisation, "url": url, "helper": helper}
        send_templated_mail(
            template="tickets/email/new_question", context=context, to=helper.email, language=helper.language
        )
        sent += 1
    return sent


@shared_task(acks_late=True)
def send_daily_digests() -> int:
    """Once a day, in every active organisation: one e-mail per volunteer who chose a digest,
    listing the questions of the last day that nobody has taken yet."""
    from django.utils import timezone

    from tenants.selectors import in_each_active_organisation
    from tickets.models import NotificationPreference
    from tickets.selectors import helpers_to_notify, new_questions_since

    sent = 0
    since = timezone.now() - timedelta(days=1)
    for organisation in in_each_active_organisation():
        tickets = list(new_questions_since(since))
        if not tickets:
            continue
        url = organisation.absolute_url(reverse("tickets:queue"))
        for helper in helpers_to_notify(NotificationPreference.NewQuestions.DAILY):
            context = {"tickets": tickets, "organisation": organisation, "url": url, "helper": helper}
            send_templated_mail(
                template="tickets/email/digest", context=context, to=helper.email, language=helper.language
            )
            sent += 1
    return sent


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_contact_person_of_worry(*, ticket_id: int) -> bool:
    """Tells the organisation's contact person at once about a question with a safety worry."""
    ticket = Ticket.objects.select_related("product").filter(pk=ticket_id).first()
    organisation = current_organisation()
    if ticket is None or organisation is None or not organisation.contact_person_email:
        return False
    url = organisation.absolute_url(reverse("tickets:detail", kwargs={"number": ticket.number}))
    send_templated_mail(
        template="tickets/email/worry",
        context={"ticket": ticket, "organisation": organisation, "url": url},
        to=organisation.contact_person_email,
        language=organisation.default_language,
    )
    return True


@shared_task(acks_late=True)
def escalate_waiting_questions() -> dict[str, int]:
    """Every few minutes, in every active organisation: escalate questions that waited too long,
    or any new question while no volunteer is on duty. Returns how many per organisation."""
    from tenants.selectors import in_each_active_organisation
    from tickets.services import tickets_escalate_waiting

    counts: dict[str, int] = {}
    for organisation in in_each_active_organisation():
        escalated = tickets_escalate_waiting()
        if escalated:
            counts[organisation.slug] = len(escalated)
    return counts
