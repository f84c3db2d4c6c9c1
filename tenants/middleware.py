"""Host routing: the bare base domain is the operator portal, `<slug>.<base>` an organisation."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import set_urlconf
from django.utils import translation

from helpdesk.views import favicon
from tenants.hosts import organisation_for_host
from tenants.models import CareOrganisation


class CareOrganisationMiddleware:
    """Selects the schema for the request's host, before anything else touches the database.

    An unknown host answers a friendly "not found" page; an organisation that is still being
    set up answers a page that refreshes itself until it is ready.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        connection.set_schema_to_public()
        if request.path == "/favicon.ico":
            # The same icon on every host, known or not, ready or not; no query needed.
            return favicon(request)
        try:
            hostname = request.get_host().split(":")[0].lower()
        except DisallowedHost:
            return self._not_found(request)

        if hostname == settings.BASE_DOMAIN:
            request.tenant = None
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            return self.get_response(request)

        organisation = organisation_for_host(hostname)
        if organisation is None:
            return self._not_found(request)
        if organisation.status != CareOrganisation.Status.ACTIVE:
            return self._not_ready(request, organisation)

        organisation.domain_url = hostname
        request.tenant = organisation
        connection.set_tenant(organisation)
        request.urlconf = settings.ROOT_URLCONF
        set_urlconf(request.urlconf)
        try:
            return self.get_response(request)
        finally:
            connection.set_schema_to_public()

    @staticmethod
    def _answer_here(request: HttpRequest) -> None:
        """Prepares a page answered before the rest of the middleware (and its language choice) runs."""
        request.tenant = None
        set_urlconf(settings.PUBLIC_SCHEMA_URLCONF)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()

    def _not_found(self, request: HttpRequest) -> HttpResponse:
        self._answer_here(request)
        return render(request, "errors/unknown_host.html", status=404)

    def _not_ready(self, request: HttpRequest, organisation: CareOrganisation) -> HttpResponse:
        self._answer_here(request)
        response = render(request, "errors/not_ready.html", {"pending": organisation}, status=503)
        if organisation.status == CareOrganisation.Status.PROVISIONING:
            response["Retry-After"] = "3"
        return response
