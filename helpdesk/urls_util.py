"""Absolute addresses for links that leave the current host (e-mails, hand-offs, the portal)."""

from django.conf import settings


def absolute_url(host: str, path: str = "/") -> str:
    port = f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
    return f"{settings.SITE_SCHEME}://{host}{port}{path}"


def portal_url(path: str = "/") -> str:
    return absolute_url(settings.BASE_DOMAIN, path)
