"""Operator staff sign in on the portal with a password and a one-time code."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk import permissions, throttle
from helpdesk.accounts import cards, services
from helpdesk.accounts.forms import OtpForm, PasswordSignInForm
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
    device = TOTPDevice.objects.filter(user=request.user).order_by("-confirmed").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = f"otp:{request.user.pk}"
        if throttle.is_blocked("otp", key, limit=5):
            form.add_error("code", _("Too many wrong codes. Wait 15 minutes and try again."))
        elif device.verify_token(form.cleaned_data["code"]):
            throttle.clear("otp", key)
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect("portal:home")
        else:
            throttle.record_failure("otp", key)
            form.add_error("code", _("This code is not right. Use the newest code in your app."))
    context = {"form": form, "setup": not device.confirmed}
    if not device.confirmed:
        context["qr"] = cards.qr_svg(device.config_url)
        context["secret"] = _grouped_secret(device)
    return render(request, "accounts/portal_otp.html", context)


def _grouped_secret(device: TOTPDevice) -> str:
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")
