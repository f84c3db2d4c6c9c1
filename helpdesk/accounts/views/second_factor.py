"""The code pages: confirming a sign-in, setting up an authenticator app, switching it off."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk import permissions
from helpdesk.accounts import cards, second_factor, selectors
from helpdesk.accounts.forms import OtpForm
from helpdesk.accounts.views.signin import _safe_next
from helpdesk.decorators import allowed_if


def code_refused_message(refused: second_factor.CodeRefused) -> str:
    if refused.paused:
        return _("Too many wrong codes. Wait 15 minutes and try again.")
    return _("This code is not right. Use the newest code in your app.")


def code_page(request: HttpRequest, *, device: TOTPDevice, done: str, template: str, **extra: object) -> HttpResponse:
    """Asks for a code from `device`; a device not yet confirmed is shown as QR code and key first."""
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.code_check(request=request, device=device, code=form.cleaned_data["code"])
        except second_factor.CodeRefused as refused:
            form.add_error("code", code_refused_message(refused))
        else:
            return redirect(done)
    next_path = request.POST.get("next") or request.GET.get("next")
    context = {"form": form, "setup": not device.confirmed, "next": next_path, **extra}
    if not device.confirmed:
        context["qr"] = cards.qr_svg(device.config_url)
        context["secret"] = second_factor.grouped_key(device)
    return render(request, template, context)


@allowed_if(permissions.needs_second_factor)
@require_http_methods(["GET", "POST"])
def otp(request: HttpRequest) -> HttpResponse:
    """After the password or the link: the code (a manager's first visit sets up the app)."""
    if permissions.is_verified(request.user):
        return redirect(_safe_next(request))
    device = second_factor.device_to_check(request.user)
    return code_page(request, device=device, done=_safe_next(request), template="accounts/otp.html")


@allowed_if(permissions.can_set_password)
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """Your account: the password, and the sign-in code (a volunteer switches it off with a current code)."""
    has_code = selectors.has_authenticator(request.user)
    form = OtpForm(request.POST or None)
    if request.method == "POST":
        if not (has_code and permissions.can_choose_second_factor(request.user)):
            return redirect("accounts:account")
        if form.is_valid():
            device = second_factor.device_to_check(request.user)
            try:
                second_factor.code_check(request=request, device=device, code=form.cleaned_data["code"])
            except second_factor.CodeRefused as refused:
                form.add_error("code", code_refused_message(refused))
            else:
                second_factor.second_factor_switch_off(actor=request.user)
                messages.success(request, _("The sign-in code is off. You sign in with your password only."))
                return redirect("accounts:account")
    context = {"has_code": has_code, "form": form, "may_choose": permissions.can_choose_second_factor(request.user)}
    return render(request, "accounts/account.html", context)


@allowed_if(permissions.can_choose_second_factor)
@require_http_methods(["GET", "POST"])
def second_factor_set_up(request: HttpRequest) -> HttpResponse:
    """A volunteer switches the sign-in code on: scan, then confirm with the first code."""
    if selectors.has_authenticator(request.user):
        return redirect("accounts:account")
    device = second_factor.device_to_set_up(request.user)
    response = code_page(
        request, device=device, done="accounts:account", template="accounts/otp.html", switching_on=True
    )
    if response.status_code == 302:
        messages.success(request, _("The sign-in code is on. From now on you type a code after your password."))
    return response
