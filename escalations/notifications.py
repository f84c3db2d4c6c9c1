"""The e-mails to the operator's professionals: a question passed on, a request for advice, and
the daily digest. What each says and to whom; the tasks decide when. Call in the public schema:
the professionals are operator staff."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse

from escalations import selectors
from escalations.models import AdviceRequest, EscalationEntry
from helpdesk.accounts.models import User
from helpdesk.mail import send_templated_mail
from helpdesk.urls_util import portal_url
from tickets.models import EscalationReason


def _portal(name: str) -> str:
    return portal_url(reverse(name, urlconf=settings.PUBLIC_SCHEMA_URLCONF))


def _send_each(people: Iterable[User], *, template: str, context: dict) -> int:
    sent = 0
    for person in people:
        send_templated_mail(
            template=template, context={**context, "person": person}, to=person.email, language=person.language
        )
        sent += 1
    return sent


def question_alerts_send(*, entry: EscalationEntry) -> int:
    """A question reached the professionals: everybody hears at once of an urgent one or a worry,
    the others unless they chose the digest. Returns how many e-mails went out."""
    urgent = entry.is_urgent or entry.is_worry
    reason = EscalationReason(entry.reason).label if entry.reason in EscalationReason.values else ""
    context = {"entry": entry, "urgent": urgent, "reason": reason, "url": _portal("escalations:queue")}
    people = selectors.professionals_to_alert(urgent=urgent)
    return _send_each(people, template="escalations/email/question_alert", context=context)


def advice_alerts_send(*, request: AdviceRequest) -> int:
    """A volunteer asks a professional for advice; those who want to hear at once get an e-mail."""
    context = {"advice": request, "url": _portal("portal:advice")}
    people = selectors.professionals_to_alert(urgent=False)
    return _send_each(people, template="escalations/email/advice_alert", context=context)


def digest_mails_send() -> int:
    """One e-mail per professional who chose the digest, listing what waits; none when nothing does."""
    entries = list(selectors.waiting_entries()[:50])
    advice = list(selectors.open_advice_requests()[:50])
    if not entries and not advice:
        return 0
    context = {
        "entries": entries,
        "advice": advice,
        "waiting": selectors.waiting_for_professionals(),
        "url": _portal("escalations:queue"),
        "advice_url": _portal("portal:advice"),
    }
    return _send_each(selectors.professionals_for_digest(), template="escalations/email/digest", context=context)
