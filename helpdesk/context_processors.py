from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from helpdesk import permissions
from helpdesk.middleware import session_seconds_left
from helpdesk.urls_util import portal_url


def site(request: HttpRequest) -> dict[str, object]:
    organisation = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated and hasattr(request, "session"))
    return {
        "organisation": organisation,
        "operator_name": settings.OPERATOR_NAME,
        "help_phone": (organisation.help_phone if organisation and organisation.help_phone else settings.HELP_PHONE),
        "help_hours": settings.HELP_HOURS or _("Monday to Friday, 9:00 to 17:00"),
        "is_portal": organisation is None,
        "can_manage_users": bool(user and permissions.can_manage_users(user)),
        "can_set_password": bool(user and permissions.can_set_password(user)),
        # The expiry warning (static/js/site.js): seconds left, and how long before the end it shows.
        "session_seconds_left": session_seconds_left(request) if signed_in else None,
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
        "session_warning_minutes": max(1, settings.SESSION_WARNING_SECONDS // 60),
        # A professional on an organisation's pages came from the portal: a way back there.
        "back_to_portal": portal_url("/") if organisation and user and getattr(user, "is_shadow", False) else "",
        "can_use_portal": bool(user and permissions.can_use_portal(user)),
        "can_manage_organisations": bool(user and permissions.can_manage_organisations(user)),
    }


def csrf_once(request: HttpRequest) -> dict[str, object]:
    """For Jinja2 pages: the CSRF token masked once per request, however many forms use it.

    Django's own `csrf_input` masks the secret again each time a template writes it (with fresh
    randomness, 32 characters at a time); a page of a dozen forms paid for that a dozen times.
    One masked value for every form of one answer is as safe (the mask changes from answer to
    answer, which is what it is for). Lazy, as Django's: a page without a form sets no cookie.
    """
    return {"csrf_token": _lazy_token(request), "csrf_input": _lazy_input(request)}


def _input(request: HttpRequest) -> SafeString:
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', _masked_token(request))


def _masked_token(request: HttpRequest) -> str:
    # Kept with the secret it masks: a secret rotated during the request (signing in) gets a new one.
    secret = request.META.get("CSRF_COOKIE")
    kept = getattr(request, "_helpdesk_csrf", None)
    if kept is None or kept[0] != secret:
        masked = get_token(request)
        kept = (request.META.get("CSRF_COOKIE"), masked)
        request._helpdesk_csrf = kept  # type: ignore[attr-defined]
    return kept[1]


# Made once: `lazy` builds a class each time it is called.
_lazy_token = lazy(_masked_token, str)
_lazy_input = lazy(_input, SafeString)
