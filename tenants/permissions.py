"""Who may do what with a care organisation: open it as a professional, change its settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection

from helpdesk.permissions import can_manage_organisations, can_manage_users, can_use_portal

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from helpdesk.accounts.models import User
    from tenants.models import CareOrganisation

    AnyUser = User | AnonymousUser


def can_open_organisation_as_professional(user: AnyUser, organisation: CareOrganisation) -> bool:
    return can_use_portal(user) and organisation.is_active


def can_manage_organisation_settings(user: AnyUser, organisation: CareOrganisation | None = None) -> bool:
    """How questions flow (limits, contact person): the operator's admins for any organisation,
    an organisation's managers for their own one, on its own host."""
    if can_manage_organisations(user):
        return organisation is not None
    return (
        can_manage_users(user)
        and organisation is not None
        and connection.schema_name == organisation.schema_name
        and not user.is_shadow
    )


def can_view_operator_overview(user: AnyUser) -> bool:
    return can_use_portal(user)
