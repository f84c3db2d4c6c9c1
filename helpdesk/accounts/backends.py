"""How people prove who they are: staff by password, everyone by a one-time or card token."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk.accounts.models import PASSWORD_ROLES, User


class _SignedInPerson(ModelBackend):
    """Loads the signed-in person once per request, with whether they confirmed an authenticator
    app (`has_confirmed_authenticator`), so the second-factor gate asks no query of its own."""

    def get_user(self, user_id: Any) -> User | None:
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        user = User._default_manager.annotate(has_confirmed_authenticator=Exists(confirmed)).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class StaffPasswordBackend(_SignedInPerson):
    """Passwords are for staff roles only; end users never need one."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, email: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not email or not password:
            return None
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            User().set_password(password)  # spend the same time as for a real account
            return None
        if user.role not in PASSWORD_ROLES or user.is_shadow:
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class TokenBackend(_SignedInPerson):
    """Signs in the user a redeemed token belongs to; redeeming happens in the services."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:  # type: ignore[override]
        return None
