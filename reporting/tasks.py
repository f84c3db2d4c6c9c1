"""Background work of the reports: the monthly fan-out, building one report, telling managers."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.urls import reverse

from helpdesk.accounts.models import Role
from helpdesk.mail import send_templated_mail
from helpdesk.tenancy import current_organisation
from reporting.models import Report, ReportBuild, ReportRecipient
from reporting.services import report_build, reports_schedule_month


@shared_task(acks_late=True)
def build_monthly_reports() -> int:
    """Beat, the 1st of each month at night: one build task per active organisation, for last month."""
    return reports_schedule_month()


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def build_report(*, report_id: int, reason: str = ReportBuild.Reason.REQUESTED) -> str | None:
    """Builds one report in the schema the message carries. A redelivery after a lost worker builds it
    again from the start; a report already ready is left alone."""
    report = report_build(report_id=report_id, reason=reason)
    return report.status if report is not None else None


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_managers_of_report(*, report_id: int) -> int:
    """E-mails a link (never the file: signing in is needed) to each manager who asked for it."""
    report = Report.objects.filter(pk=report_id, status=Report.Status.READY).first()
    if report is None:
        return 0
    organisation = current_organisation()
    url = organisation.absolute_url(reverse("reporting:list"))
    sent = 0
    recipients = ReportRecipient.objects.select_related("user").filter(
        user__role=Role.MANAGER, user__is_active=True, user__email__isnull=False
    )
    for recipient in recipients:
        context = {"report": report, "organisation": organisation, "url": url, "user": recipient.user}
        send_templated_mail(
            template="reporting/email/ready", context=context, to=recipient.user.email, language=recipient.user.language
        )
        sent += 1
    return sent
