"""Pages that belong to no single app: an organisation's start page, health and errors."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

from helpdesk.accounts.models import Role


def tenant_home(request: HttpRequest) -> HttpResponse:
    """The start page: what you can do here, depending on who you are."""
    role = request.user.role if request.user.is_authenticated else None
    return render(request, "core/home.html", {"role": role, "roles": Role})


def health(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "schema": connection.schema_name})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without context processors or the database: they may be what failed."""
    html = loader.get_template("errors/500.html").render({"help_phone": settings.HELP_PHONE})
    return HttpResponse(html, status=500)
