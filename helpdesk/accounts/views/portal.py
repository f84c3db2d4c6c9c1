"""Operator staff sign in on the portal with a password and a one-time code."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helpdesk import permissions
from helpdesk.accounts import second_factor, services
from helpdesk.accounts.forms import PasswordSignInForm
from helpdesk.accounts.views.second_factor import code_page
from helpdesk.accounts.views.signin import _password_user, _safe_next
from helpdesk.decorators import allowed_if


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = PasswordSignInForm(request.POST or None, prefix="staff")
    if request.method == "POST" and form.is_valid():
        user = _password_user(request, form)
        if user is not None and user.role in ("professional", "operator_admin"):
            services.user_sign_in(request=request, user=user, backend=user.backend, how="password")
            if not settings.OPERATOR_REQUIRE_2FA:
                return redirect(_safe_next(request))
            return redirect("accounts:otp")
        if user is not None:
            form.add_error(None, _("The e-mail address or the password is not right."))
    return render(request, "accounts/portal_sign_in.html", {"password_form": form})


@allowed_if(permissions.is_operator_staff)
@require_http_methods(["GET", "POST"])
def otp(request: HttpRequest) -> HttpResponse:
    """Checks the second factor; a first visit sets up the authenticator app."""
    device = second_factor.device_to_check(request.user)
    return code_page(request, device=device, done="portal:home", template="accounts/otp.html")


@require_http_methods(["POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")
