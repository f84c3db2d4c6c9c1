"""Requests too big to read; sessions belong to the schema they signed in on; the language a page speaks."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone, translation

from helpdesk.views import bad_request

SESSION_SCHEMA_KEY = "_schema"


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
