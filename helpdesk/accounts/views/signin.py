"""Signing in on an organisation's host: e-mail link, login card, invitation, password, hand-off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk import permissions, throttle
from helpdesk.accounts import services
from helpdesk.accounts.forms import EmailLinkForm, NewPasswordForm, PasswordSignInForm
from helpdesk.accounts.models import LoginToken
from helpdesk.decorators import allowed_if

PASSWORD_SCOPE = "password"  # noqa: S105
MAGIC_LINK_SCOPE = "magic"


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """One page, two routes: a link by e-mail for everyone, a password for staff."""
    link_form = EmailLinkForm(prefix="link")
    password_form = PasswordSignInForm(prefix="staff")
    if request.method == "POST" and "link-email" in request.POST:
        link_form = EmailLinkForm(request.POST, prefix="link")
        if link_form.is_valid():
            email = link_form.cleaned_data["email"]
            # Every request counts, per sender and per mailbox; over the limit the page is the same.
            keys = (throttle.client_address(request), email)
            if not any(throttle.is_blocked(MAGIC_LINK_SCOPE, key) for key in keys):
                for key in keys:
                    throttle.record_failure(MAGIC_LINK_SCOPE, key)
                services.magic_link_request(email=email)
            return redirect("accounts:link_sent")
    elif request.method == "POST":
        password_form = PasswordSignInForm(request.POST, prefix="staff")
        if password_form.is_valid():
            user = _password_user(request, password_form)
            if user is not None:
                services.user_sign_in(request=request, user=user, backend=user.backend, how="password")
                return redirect(_safe_next(request))
    return render(request, "accounts/sign_in.html", {"link_form": link_form, "password_form": password_form})


def _password_user(request: HttpRequest, form: PasswordSignInForm):  # noqa: ANN202
    from django.contrib.auth import authenticate

    email = form.cleaned_data["email"]
    keys = (throttle.client_address(request), email)
    if any(throttle.is_blocked(PASSWORD_SCOPE, key) for key in keys):
        form.add_error(None, _("Too many attempts. Wait 15 minutes and try again, or ask for a link by e-mail."))
        return None
    user = authenticate(request, email=email, password=form.cleaned_data["password"])
    if user is None:
        for key in keys:
            throttle.record_failure(PASSWORD_SCOPE, key)
        form.add_error(None, _("The e-mail address or the password is not right."))
        return None
    for key in keys:
        throttle.clear(PASSWORD_SCOPE, key)
    return user


def _safe_next(request: HttpRequest) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or "/"
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def link_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/link_sent.html")


@require_http_methods(["GET", "POST"])
def redeem(request: HttpRequest, secret: str, purpose: str) -> HttpResponse:
    """A link opened from an e-mail or a card. GET only asks; a mail scanner signs nobody in."""
    if request.method == "GET":
        return render(request, "accounts/redeem.html", {"purpose": purpose})
    user = services.token_redeem(secret=secret, purposes=(purpose,))
    if user is None:
        return render(request, "accounts/link_invalid.html", {"purpose": purpose}, status=410)
    services.user_sign_in(request=request, user=user, backend=services.TOKEN_BACKEND, how=purpose)
    if purpose == LoginToken.Purpose.INVITATION and user.uses_password:
        return redirect("accounts:set_password")
    return redirect("home")


def password_choose(request: HttpRequest, *, then: str) -> HttpResponse:
    """The page for choosing a password, on either side; `then` is where it goes once saved."""
    form = NewPasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.password_set(user=request.user, password=form.cleaned_data["password1"])
        services.user_sign_in(request=request, user=request.user, backend=services.TOKEN_BACKEND, how="password_set")
        messages.success(request, _("Your password is saved."))
        return redirect(then)
    changing = request.user.has_usable_password()
    return render(request, "accounts/set_password.html", {"form": form, "changing": changing})


@allowed_if(permissions.can_set_password)
@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest) -> HttpResponse:
    return password_choose(request, then="home")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("home")


def handoff(request: HttpRequest, token: str) -> HttpResponse:
    """A professional arriving from the operator portal through a signed, single-use hand-off."""
    try:
        user, next_path = services.handoff_redeem(token=token)
    except services.HandoffError:
        return render(request, "accounts/link_invalid.html", {"purpose": "handoff"}, status=410)
    services.user_sign_in(request=request, user=user, backend=services.TOKEN_BACKEND, how="handoff")
    return redirect(next_path)


@require_POST
def session_keepalive(request: HttpRequest) -> HttpResponse:
    """The "Stay signed in" button: saving the session starts its time again. Says how long it now lasts."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    request.session.set_expiry(None)  # the full SESSION_COOKIE_AGE again, from now
    request.session.modified = True
    return JsonResponse({"signed_in": True, "seconds_left": request.session.get_expiry_age()})
