"""View guards. A refused object answers 404, like a missing one."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from helpdesk import permissions

View = Callable[..., HttpResponse]


def login_required_here(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def allowed_if(check: Callable[[Any], bool]) -> Callable[[View], View]:
    """Signs strangers in first; answers 404 to signed-in people the check refuses."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
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
                return redirect_to_login(request.get_full_path())
            if permissions.is_operator_staff(request.user) and not permissions.has_second_factor(request.user):
                return redirect("accounts:otp")
            if not check(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
