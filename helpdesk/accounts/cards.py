"""The printable personal login card: a QR code that signs a client in, as a one-page PDF."""

from __future__ import annotations

import segno
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


def login_card_pdf(*, user: User, url: str, label: str, organisation: object) -> bytes:
    from weasyprint import HTML

    with translation.override(user.language or "nl"):
        html = render_to_string(
            "accounts/pdf/login_card.html",
            {"user": user, "url": url, "label": label, "organisation": organisation, "qr": qr_svg(url)},
        )
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
