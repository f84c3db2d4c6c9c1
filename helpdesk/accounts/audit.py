"""Writing to the audit log of the current schema."""

from __future__ import annotations

from typing import Any

from django.db import models

from helpdesk.accounts.models import AuditEvent, User


def audit(*, actor: User | None, action: str, target: models.Model | None = None, **data: Any) -> AuditEvent:
    label = ""
    if actor is not None:
        label = f"{actor.full_name} <{actor.email}>" if actor.email else actor.full_name
        if actor.is_shadow:
            data.setdefault("professional_public_id", actor.public_user_id)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=label,
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data,
    )
