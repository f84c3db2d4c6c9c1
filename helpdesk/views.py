"""Pages that belong to no single app: an organisation's start page, health and errors."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader


def health(request: HttpRequest) -> HttpResponse:
    """The schema the database itself answered from (its `current_schema()`, not what the
    connection object believes), so a probe sees a connection that kept another host's schema."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
    return JsonResponse({"status": "ok", "schema": schema})


@cache
def _favicon_bytes() -> bytes:
    return (settings.BASE_DIR / "static" / "img" / "favicon.ico").read_bytes()


def favicon(request: HttpRequest) -> HttpResponse:
    """`/favicon.ico` on every host, for browsers and tools that ask for it without looking at the page."""
    response = HttpResponse(_favicon_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request we cannot read (too many fields, a broken form): rendered without context
    processors, which would read the request again."""
    html = loader.get_template("errors/400.html").render({"help_phone": settings.HELP_PHONE})
    return HttpResponse(html, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without context processors or the database: they may be what failed."""
    html = loader.get_template("errors/500.html").render({"help_phone": settings.HELP_PHONE})
    return HttpResponse(html, status=500)
