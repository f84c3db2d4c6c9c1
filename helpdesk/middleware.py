"""Requests too big to read; sessions belong to the schema they signed in on; the language a page speaks."""

from __future__ import annotations

import time
import zoneinfo
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone, translation

from helpdesk import permissions
from helpdesk.views import bad_request

SESSION_SCHEMA_KEY = "_schema"
# When the session was last saved (seconds since the epoch): its expiry counts from then.
SESSION_SAVED_AT_KEY = "_saved_at"
# What a person who still owes their second factor may open: the code page and the way out.
OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {
        "accounts:otp",
        "accounts:logout",
        "accounts:set_password",  # an invitation first chooses a password, then sets up the app
        "set_language",
        "javascript-catalog",
        "brand_stylesheet",
        "health",
    }
)


FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RequestLimitsMiddleware:
    """More query parameters or form fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS), or
    a body that is too big, answer a plain 400 page before anything else reads the request.

    Django raises these when `request.GET` or `request.POST` is first read; left to a view, the
    error page itself would read `request.GET` again (the debug page does), and answer 500.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request.GET  # noqa: B018 (parsing it is the check)
        except TooManyFieldsSent:
            request.GET = QueryDict()
            return bad_request(request)
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            try:
                request.POST  # noqa: B018
            except (TooManyFieldsSent, TooManyFilesSent, RequestDataTooBig):
                request._mark_post_parse_error()
                return bad_request(request)
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages may hold personal data (a question, a name, an address): browsers and proxies keep no
    copy of them, unless a view chose how its answer may be kept (the brand stylesheet)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response


class SessionHostGuardMiddleware:
    """A session belongs to the schema it signed in on; anywhere else it counts for nothing.

    Sessions already live in each schema's own table; this guard also protects a deployment
    that moves sessions to a shared cache.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            schema = request.session.get(SESSION_SCHEMA_KEY)
            if schema != connection.schema_name:
                request.session.flush()
                from django.contrib.auth.models import AnonymousUser

                request.user = AnonymousUser()
        organisation = getattr(request, "tenant", None)
        # Times on an organisation's pages are in its own time zone; the portal's in the project's.
        zone = getattr(organisation, "time_zone", "")
        if zone:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        else:
            timezone.deactivate()
        if organisation and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and not request.user.is_authenticated:
            translation.activate(organisation.default_language)
            request.LANGUAGE_CODE = organisation.default_language
        elif request.user.is_authenticated and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(request.user.language)
            request.LANGUAGE_CODE = request.user.language
        return self.get_response(request)


class SecondFactorMiddleware:
    """One gate for the second factor on an organisation's host, keyed on the role
    (`permissions.owes_second_factor`): a manager, or a volunteer who switched a code on, who
    signed in with the first step only is sent to the code page from every other page, and
    comes back to it afterwards. An htmx request is told to load the code page instead."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        if not permissions.owes_second_factor(request.user):
            return None
        target = reverse("accounts:otp")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)


class SessionSavedAtMiddleware:
    """Notes in the session when it is saved, so a page can say how long the sign-in still lasts
    (`SESSION_COOKIE_AGE` counts from the last save). Sits inside the session middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.modified and not session.is_empty():
            session[SESSION_SAVED_AT_KEY] = int(time.time())
        return response


def session_seconds_left(request: HttpRequest) -> int:
    """How long the signed-in session of this request lasts without another save."""
    session = request.session
    age = session.get_expiry_age()  # SESSION_COOKIE_AGE, unless this session was given its own
    saved_at = session.get(SESSION_SAVED_AT_KEY)
    if session.modified or not isinstance(saved_at, int):
        return age
    return max(0, saved_at + age - int(time.time()))
