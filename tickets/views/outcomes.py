"""What a helper is told after an answer is posted: exactly where it went, never "sent" when
nothing was sent. Support's approval pages say the same through `answer_went`."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tickets.models import Ticket


def answer_went(ticket: Ticket) -> str:
    """Where a public answer went: by e-mail, only to the question's page, and whether to call."""
    if ticket.contact_email:
        went = _("The answer was sent by e-mail to %(email)s.") % {"email": ticket.contact_email}
    elif ticket.requester_id is not None:
        went = _("The answer is on the question's page. No e-mail went out: we have no address.")
    else:
        went = _("The answer is saved with the question. No e-mail went out: we have no address.")
    if ticket.asked_for_call:
        call = _("%(name)s asked to be called back on %(phone)s. Call them and record the call.") % {
            "name": ticket.contact_name,
            "phone": ticket.contact_phone or _("the number they gave"),
        }
        return f"{went} {call}"
    return went
