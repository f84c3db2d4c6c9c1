"""Sessions belong to the schema they signed in on; the language a page speaks."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import translation

SESSION_SCHEMA_KEY = "_schema"


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
        if organisation and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and not request.user.is_authenticated:
            translation.activate(organisation.default_language)
            request.LANGUAGE_CODE = organisation.default_language
        elif request.user.is_authenticated and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(request.user.language)
            request.LANGUAGE_CODE = request.user.language
        return self.get_response(request)
