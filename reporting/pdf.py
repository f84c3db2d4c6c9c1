"""The report as a PDF (WeasyPrint, PDF/UA-1): rendered only in the build task, never in a request."""

from __future__ import annotations

import base64
import mimetypes
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from reporting.presenting import present


def _logo_data_uri(organisation: Any) -> str:
    """The organisation's logo inline, so WeasyPrint never fetches anything over the network."""
    logo = getattr(organisation, "logo", None)
    if not logo:
        return ""
    try:
        with logo.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return ""
    kind = mimetypes.guess_type(logo.name)[0] or "image/png"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def render_pdf(template: str, context: dict[str, Any]) -> tuple[bytes, int]:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Only inline data: a report never fetches anything from outside the document.
    fetcher = URLFetcher(allowed_protocols={"data"})
    document = HTML(string=render_to_string(template, context), url_fetcher=fetcher).render()
    return document.write_pdf(pdf_variant="pdf/ua-1"), len(document.pages)


def report_pdf(*, figures: dict[str, Any], organisation: Any, language: str) -> tuple[bytes, int]:
    """The manager's monthly report; returns the file and its number of pages."""
    with translation.override(language):
        context = present(figures)
        context |= {"organisation": organisation, "logo": _logo_data_uri(organisation), "language": language}
        return render_pdf("reporting/pdf/report.html", context)


def supplier_pdf(*, figures: dict[str, Any], organisation: Any, language: str) -> tuple[bytes, int]:
    """The page for one product's supplier: `figures` are the month's figures of that product only."""
    with translation.override(language):
        context = present(figures, with_charts=False)
        context |= {"organisation": organisation, "logo": _logo_data_uri(organisation), "language": language}
        return render_pdf("reporting/pdf/supplier.html", context)
