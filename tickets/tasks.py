"""Background work about questions. Tasks run in the schema they were sent from, load what they
need by id and hand it to a service or to `tickets.notifications`."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from helpdesk.tenancy import current_organisation, in_each_active_organisation

# The services dispatch these tasks and the sweeps below call the services, so this module
# imports the services module (not names from it): either may be imported first.
from tickets import notifications, selectors, services
from tickets.models import Message, Ticket

# Days a solved question stays open for a reaction before it closes itself.
AUTO_CLOSE_DAYS = 14
MAIL_RETRY = {"acks_late": True, "autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


@shared_task(**MAIL_RETRY)
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
    notifications.reply_mail_send(organisation=current_organisation(), message=message)
    return True


@shared_task(acks_late=True)
def close_resolved_questions() -> int:
    """Closes, in every active organisation, solved questions that had no reaction in time.

    The period is the organisation's `auto_close_days` (AUTO_CLOSE_DAYS if it is 0).
    """
    closed = 0
    for organisation in in_each_active_organisation():
        days = organisation.auto_close_days or AUTO_CLOSE_DAYS
        closed += services.tickets_close_unanswered_resolved(older_than=timedelta(days=days))
    return closed


@shared_task(**MAIL_RETRY)
def send_question_confirmation(*, ticket_id: int) -> bool:
    """E-mails the reference number and a link that opens the question without an account."""
    ticket = Ticket.objects.select_related("requester").filter(pk=ticket_id).first()
    if ticket is None or not ticket.contact_email:
        return False
    notifications.confirmation_mail_send(organisation=current_organisation(), ticket=ticket)
    return True


@shared_task(**MAIL_RETRY)
def notify_helpers_of_new_question(*, ticket_id: int) -> int:
    """E-mails the volunteers who want to hear right away about a new question. Returns how many."""
    ticket = Ticket.objects.select_related("product").filter(pk=ticket_id).first()
    if ticket is None:
        return 0
    return notifications.new_question_mails_send(organisation=current_organisation(), ticket=ticket)


@shared_task(acks_late=True)
def send_daily_digests() -> int:
    """Once a day, in every active organisation: one e-mail per volunteer who chose a digest,
    listing the questions of the last day that nobody has taken yet."""
    sent = 0
    since = timezone.now() - timedelta(days=1)
    for organisation in in_each_active_organisation():
        tickets = list(selectors.new_questions_since(since))
        if tickets:
            sent += notifications.digest_mails_send(organisation=organisation, tickets=tickets)
    return sent


@shared_task(**MAIL_RETRY)
def notify_contact_person_of_worry(*, ticket_id: int) -> bool:
    """Tells the organisation's contact person at once about a question with a safety worry."""
    ticket = Ticket.objects.select_related("product").filter(pk=ticket_id).first()
    organisation = current_organisation()
    if ticket is None or organisation is None or not organisation.contact_person_email:
        return False
    notifications.worry_mail_send(organisation=organisation, ticket=ticket)
    return True


@shared_task(acks_late=True)
def escalate_waiting_questions() -> dict[str, int]:
    """Every few minutes, in every active organisation: escalate questions that waited too long,
    or any new question while no volunteer is on duty. Returns how many per organisation."""
    counts: dict[str, int] = {}
    for organisation in in_each_active_organisation():
        escalated = services.tickets_escalate_waiting()
        if escalated:
            counts[organisation.slug] = len(escalated)
    return counts


@shared_task(acks_late=True)
def anonymise_old_questions() -> int:
    """Retention: in every active organisation, solved questions older than its
    `personal_data_months` lose their personal data (`tickets.services.tickets_anonymise_old`)."""
    done = 0
    for organisation in in_each_active_organisation():
        done += services.tickets_anonymise_old(months=organisation.personal_data_months)
    return done
