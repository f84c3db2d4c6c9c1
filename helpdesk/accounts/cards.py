"""The printable personal login card: a QR code that signs a client in, as a one-page PDF."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from helpdesk.accounts.models import User


def qr_svg(url: str) -> str:
    """An SVG QR code with a quiet zone, large enough for old phone cameras.

    It has a viewBox and no fixed size, so the page or the card sets its size and the whole code
    always shows: with a fixed size, a browser cut off the right and bottom of the code when the
    box was smaller (the set-up page of the authenticator app at 320 px).
    """
    return segno.make(url, error="m").svg_inline(scale=6, border=4, dark="#000", light="#fff", omitsize=True)


def login_card_html(*, user: User, url: str, label: str, organisation: Any) -> str:
    """The card as HTML, in the client's language: the QR code, and for when it cannot be read,
    the organisation's web address and the phone number of the helpdesk."""
    with translation.override(user.language or "nl"):
        return render_to_string(
            "accounts/pdf/login_card.html",
            {
                "user": user,
                "url": url,
                "label": label,
                "organisation": organisation,
                "qr": qr_svg(url),
                "site": organisation.host,
                "help_phone": organisation.help_phone or settings.HELP_PHONE,
            },
        )


def login_card_pdf(*, user: User, url: str, label: str, organisation: Any) -> bytes:
    from weasyprint import HTML

    html = login_card_html(user=user, url=url, label=label, organisation=organisation)
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
