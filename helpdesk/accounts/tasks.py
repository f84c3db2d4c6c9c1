"""Background work about people. Tasks run in the schema they were sent from."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from helpdesk.accounts import audit_chain
from helpdesk.accounts.models import HandoffNonce, LoginToken, User
from helpdesk.mail import send_templated_mail
from helpdesk.tenancy import active_organisations, current_organisation


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_sign_in_link(*, user_id: int, url: str, kind: str) -> bool:
    """E-mails a sign-in link or an invitation. Missing users are skipped, not retried."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    organisation = current_organisation()
    context = {"user": user, "url": url, "organisation": organisation, "kind": kind}
    send_templated_mail(template="accounts/email/sign_in", context=context, to=user.email, language=user.language)
    return True


@shared_task(acks_late=True)
def purge_expired_tokens() -> int:
    """Removes expired one-time tokens of every schema; login cards stay until revoked.

    Used hand-off nonces go too once their hand-off has expired: its signature refuses it anyway.
    """
    now = timezone.now()
    handoffs_expired = now - timedelta(seconds=settings.HANDOFF_MAX_AGE * 2)
    removed = 0
    schemas = ["public", *active_organisations().values_list("schema_name", flat=True)]
    for schema in schemas:
        with schema_context(schema):
            removed += LoginToken.objects.filter(
                purpose__in=[LoginToken.Purpose.MAGIC_LINK, LoginToken.Purpose.INVITATION],
                expires_at__lt=now,
            ).delete()[0]
            removed += HandoffNonce.objects.filter(used_at__lt=handoffs_expired).delete()[0]
    return removed


@shared_task(acks_late=True)
def seal_audit_chains() -> int:
    """Chains the access-log rows written since the last run, in every schema (every minute).

    A schema whose chain another process is sealing is skipped; the next run takes it."""
    schemas = ["public", *active_organisations().values_list("schema_name", flat=True)]
    return sum(audit_chain.seal_schema(schema, wait=False) for schema in schemas)
