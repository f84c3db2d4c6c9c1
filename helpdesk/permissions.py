"""The ground rules of access: who is signed in where, and what each role may do.

Rules about one app's objects (a question, a held answer, an organisation) live in that app's
`permissions` module and build on these. Views ask them and answer 404 when the answer is no,
exactly as for a missing object, so nobody learns what exists elsewhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from helpdesk.accounts.models import Role
from helpdesk.accounts.selectors import has_authenticator
from helpdesk.tenancy import on_public_schema

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from helpdesk.accounts.models import User

    AnyUser = User | AnonymousUser

__all__ = ["on_public_schema"]


def is_signed_in(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_operator_staff(user: AnyUser) -> bool:
    """Operator staff: public accounts with a public role. Never true on a tenant host."""
    return is_signed_in(user) and on_public_schema() and user.role in (Role.PROFESSIONAL, Role.OPERATOR_ADMIN)


def has_second_factor(user: AnyUser) -> bool:
    if not settings.OPERATOR_REQUIRE_2FA:
        return True
    return is_verified(user)


def is_verified(user: AnyUser) -> bool:
    """This session passed a second factor (django-otp's middleware says so)."""
    return bool(getattr(user, "is_verified", lambda: False)())


def can_use_portal(user: AnyUser) -> bool:
    return is_operator_staff(user) and has_second_factor(user)


def can_manage_organisations(user: AnyUser) -> bool:
    return can_use_portal(user) and user.role == Role.OPERATOR_ADMIN


def can_manage_operator_staff(user: AnyUser) -> bool:
    """Adding and removing professionals and operator admins: operator admins only."""
    return can_manage_organisations(user)


def can_set_operator_password(user: AnyUser) -> bool:
    """Operator staff choose their password after following an invitation, before the second factor."""
    return is_operator_staff(user)


def is_tenant_member(user: AnyUser) -> bool:
    return is_signed_in(user) and not on_public_schema()


def can_set_password(user: AnyUser) -> bool:
    """Staff roles choose a password; end users and professionals' shadow accounts never do."""
    return is_tenant_member(user) and user.uses_password and not user.is_shadow


def can_manage_users(user: AnyUser) -> bool:
    return is_tenant_member(user) and user.role == Role.MANAGER


def can_manage_user(user: AnyUser, target: User) -> bool:
    """A manager manages the people of their own organisation, not shadow accounts nor themself."""
    return can_manage_users(user) and not target.is_shadow and target.pk != user.pk


def can_issue_login_card(user: AnyUser, target: User) -> bool:
    return can_manage_user(user, target) and target.role == Role.REQUESTER and target.is_active


def can_work_queue(user: AnyUser) -> bool:
    return is_tenant_member(user) and user.role in (Role.VOLUNTEER, Role.PROFESSIONAL)


def can_view_audit_log(user: AnyUser) -> bool:
    return can_manage_users(user)


def can_handle_person_data(user: AnyUser, target: User) -> bool:
    """Exporting everything about a person, or erasing them: their organisation's managers,
    for anybody but themselves and professionals' shadow accounts."""
    return can_manage_user(user, target)


def is_volunteer_here(user: AnyUser) -> bool:
    return is_tenant_member(user) and user.role == Role.VOLUNTEER


def is_professional_here(user: AnyUser) -> bool:
    """A professional's shadow account on an organisation's host."""
    return is_tenant_member(user) and user.role == Role.PROFESSIONAL


def needs_second_factor(user: AnyUser) -> bool:
    """Who confirms each sign-in on an organisation's host with a code: its managers (they reach
    everybody's data), and volunteers who switched a second factor on. Requesters never do;
    professionals gave theirs on the portal before the hand-off."""
    if not is_tenant_member(user) or user.is_shadow:
        return False
    if user.role == Role.MANAGER:
        return settings.MANAGER_REQUIRE_2FA or has_authenticator(user)
    return user.role == Role.VOLUNTEER and has_authenticator(user)


def owes_second_factor(user: AnyUser) -> bool:
    """Signed in with the first step only: every page but the code page stays closed."""
    return needs_second_factor(user) and not is_verified(user)


def can_choose_second_factor(user: AnyUser) -> bool:
    """Volunteers (trainees too) may switch a second factor on, and off again."""
    return is_volunteer_here(user) and not user.is_shadow


def can_reset_second_factor(user: AnyUser, target: User) -> bool:
    """A lost phone: a manager removes another person's authenticator app, who sets one up anew."""
    return can_manage_user(user, target) and target.role in (Role.VOLUNTEER, Role.MANAGER)
