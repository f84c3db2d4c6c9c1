"""View guards. A refused object answers 404, like a missing one."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from helpdesk import permissions

View = Callable[..., HttpResponse]


def sign_in_first(request: HttpRequest) -> HttpResponse:
    """To the sign-in page, and back afterwards. A form sent after the sign-in ended comes back to
    the page it was on (its text is still in the browser's draft), not to the address it posted to."""
    back = request.get_full_path()
    referer = request.headers.get("Referer", "")
    same_host = url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()})
    if request.method == "POST" and referer and same_host:
        parts = urlsplit(referer)
        back = parts.path + (f"?{parts.query}" if parts.query else "")
    return redirect_to_login(back)


def login_required_here(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return sign_in_first(request)
        return view(request, *args, **kwargs)

    return wrapper


def allowed_if(check: Callable[[Any], bool]) -> Callable[[View], View]:
    """Signs strangers in first; answers 404 to signed-in people the check refuses."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return sign_in_first(request)
            if not check(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def portal_page(check: Callable[[Any], bool]) -> Callable[[View], View]:
    """A page of the operator portal: like `allowed_if`, and operator staff who still owe their
    second factor go to the code page first (the same answer on every portal page)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return sign_in_first(request)
            if permissions.is_operator_staff(request.user) and not permissions.has_second_factor(request.user):
                return redirect("accounts:otp")
            if not check(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
