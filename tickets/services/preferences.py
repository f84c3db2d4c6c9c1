"""Writes about how helpers work: their e-mail choice and the organisation's saved replies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpdesk.accounts.audit import audit
from tickets.models import NotificationPreference, SavedReply
from tickets.saved_replies import saved_replies_forget

if TYPE_CHECKING:
    from helpdesk.accounts.models import User


def notification_preference_set(*, user: User, new_questions: str) -> NotificationPreference:
    """How `user` wants to hear about new questions: right away, once a day, or not at all."""
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"new_questions": new_questions}
    )
    audit(actor=user, action="notification_preference_set", new_questions=new_questions)
    return preference


def saved_reply_create(*, actor: User, title: str, body: str) -> SavedReply:
    saved = SavedReply.objects.create(title=title, body=body, created_by=actor)
    audit(actor=actor, action="saved_reply_created", target=saved, title=title)
    saved_replies_forget()
    return saved


def saved_reply_delete(*, actor: User, saved: SavedReply) -> None:
    audit(actor=actor, action="saved_reply_deleted", target=saved, title=saved.title)
    saved.delete()
    saved_replies_forget()
