"""Background work about people. Tasks run in the schema they were sent from."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation

from helpdesk.accounts.models import LoginToken, User


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_sign_in_link(*, user_id: int, url: str, kind: str) -> bool:
    """E-mails a sign-in link or an invitation. Missing users are skipped, not retried."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    organisation = getattr(connection, "tenant", None)
    context = {"user": user, "url": url, "organisation": organisation, "kind": kind}
    with translation.override(user.language or "nl"):
        subject = render_to_string("accounts/email/sign_in_subject.txt", context).strip()
        body = render_to_string("accounts/email/sign_in_body.txt", context)
    send_mail(subject, body, None, [user.email])
    return True


@shared_task(acks_late=True)
def purge_expired_tokens() -> int:
    """Removes used and expired one-time tokens of every schema; login cards stay until revoked."""
    from django_tenants.utils import schema_context

    from tenants.models import CareOrganisation

    removed = 0
    schemas = ["public", *CareOrganisation.objects.filter(status="active").values_list("schema_name", flat=True)]
    for schema in schemas:
        with schema_context(schema):
            removed += LoginToken.objects.filter(
                purpose__in=[LoginToken.Purpose.MAGIC_LINK, LoginToken.Purpose.INVITATION],
                expires_at__lt=timezone.now(),
            ).delete()[0]
    return removed
