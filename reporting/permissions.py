"""Who may see and do what with reports, built on the core permission primitives. A refusal is a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpdesk.accounts.models import Role
from helpdesk.permissions import can_manage_organisations, can_use_portal, is_tenant_member

if TYPE_CHECKING:
    from helpdesk.permissions import AnyUser


def can_view_reports(user: AnyUser) -> bool:
    """The organisation's managers: the monthly reports, the dashboard and its downloads."""
    return is_tenant_member(user) and user.role == Role.MANAGER


def can_rebuild_report(user: AnyUser) -> bool:
    """A manager, or the operator's professional on the organisation's pages."""
    return is_tenant_member(user) and user.role in (Role.MANAGER, Role.PROFESSIONAL)


def can_manage_actions(user: AnyUser) -> bool:
    """Managers and professionals run the improvement cycle together."""
    return is_tenant_member(user) and user.role in (Role.MANAGER, Role.PROFESSIONAL)


def can_record_product_users(user: AnyUser) -> bool:
    return can_view_reports(user)


def can_view_organisation_figures(user: AnyUser) -> bool:
    """Operator staff on the portal: each organisation's volume against its contract."""
    return can_use_portal(user)


def can_download_organisation_reports(user: AnyUser) -> bool:
    """Operator administrators open every organisation's reports (each opening is audited)."""
    return can_manage_organisations(user)


def can_view_contract_overview(user: AnyUser) -> bool:
    """Volume against contract over all organisations, for invoicing: operator administrators."""
    return can_manage_organisations(user)
