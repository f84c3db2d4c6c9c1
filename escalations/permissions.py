"""Who may see the professionals' queue and open its questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpdesk.accounts.models import Role
from helpdesk.permissions import can_use_portal

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from helpdesk.accounts.models import User
    from tenants.models import CareOrganisation

    AnyUser = User | AnonymousUser


def can_view_escalations(user: AnyUser) -> bool:
    """The professionals' queue of every organisation: operator staff with their second factor."""
    return can_use_portal(user) and user.role in (Role.PROFESSIONAL, Role.OPERATOR_ADMIN)


def can_open_escalation(user: AnyUser, organisation: CareOrganisation) -> bool:
    """Opening or taking over an escalated question goes through a hand-off to an active organisation."""
    return can_view_escalations(user) and organisation.is_active
