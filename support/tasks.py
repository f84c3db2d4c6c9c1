"""E-mail about support for volunteers. Tasks run in the schema they were sent from."""

from __future__ import annotations

from celery import shared_task
from django.db.models import Exists, OuterRef
from django.urls import reverse

from helpdesk.accounts.models import Role, User
from helpdesk.mail import send_templated_mail
from support.models import AdviceMessage, PendingReply
from support.selectors import trainee_for_product
from tenants.selectors import current_organisation

RETRY = {"acks_late": True, "autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


def reviewers_to_notify(pending: PendingReply) -> list[User]:
    """Experienced volunteers for the question's product with an e-mail address, except the author
    and those who chose no e-mail about new questions. Professionals find answers to approve in
    the organisation's list and on the question page; their shadow accounts have no address."""
    from tickets.models import NotificationPreference

    no_mail = NotificationPreference.objects.filter(
        user=OuterRef("pk"), new_questions=NotificationPreference.NewQuestions.NEVER
    )
    volunteers = (
        User.objects.filter(role=Role.VOLUNTEER, is_active=True, email__isnull=False)
        .exclude(email="")
        .exclude(pk=pending.author_id)
        .exclude(Exists(no_mail))
    )
    return list(volunteers.exclude(trainee_for_product(pending.ticket.product_id)))


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
    organisation = current_organisation()
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
    organisation = current_organisation()
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
    organisation = current_organisation()
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
    return True


@shared_task(acks_late=True)
def reconcile_advice_index() -> dict[str, int]:
    """In every active organisation, repairs the public advice index; returns the fixes per organisation."""
    from support.services import advice_index_reconcile
    from tenants.selectors import in_each_active_organisation

    fixed: dict[str, int] = {}
    for organisation in in_each_active_organisation():
        count = advice_index_reconcile(organisation=organisation)
        if count:
            fixed[organisation.slug] = count
    return fixed
