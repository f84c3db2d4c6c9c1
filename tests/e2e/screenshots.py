"""Full-page screenshots of the key pages at 1280 and 320 px, for docs/screenshots/ and for a person's eye.

Not collected by a normal test run; `make screenshots` runs it:

    python -m helpdesk.embedded exec --profile test -- python -m pytest tests/e2e/screenshots.py

SCREENSHOT_DIR chooses another folder; SCREENSHOT_ALL=1 takes every page, not only the key ones.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django_tenants.utils import tenant_context

from demo.reporting import load_reporting_demo
from reporting.models import Report
from tenants.models import CareOrganisation
from tests.e2e.pages import NAMES, SCREENS
from tests.e2e.report_pages import REPORT_SCREENS, media_of, reports_removed
from tests.e2e.support import ROOT, WIDTHS, Visitor, new_context
from tests.e2e.ticket_pages import HELP_SCREENS, TICKET_SCREENS

pytestmark = pytest.mark.browser

KEY_SCREENS = {
    "tenant-home",
    "tenant-home-manager",
    "sign-in",
    "sign-in-errors",
    "link-sent",
    "redeem",
    "people",
    "person-new-errors",
    "person-detail",
    "not-ready",
    "portal-sign-in",
    "portal-otp-setup",
    "portal-home",
    "organisation-new",
    "organisation-detail",
}
# Asking a question (every step), the volunteers' queue and the question page are key pages all,
# and so are passing questions on, duty, approvals, advice and rating.
CHOSEN = [
    *(SCREENS if os.environ.get("SCREENSHOT_ALL") else [s for s in SCREENS if s.name in KEY_SCREENS]),
    *TICKET_SCREENS,
    *HELP_SCREENS,
    *REPORT_SCREENS,
]
OUTPUT = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "docs" / "screenshots"))


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("screen", CHOSEN, ids=[screen.name for screen in CHOSEN])
def test_screenshot(browser, server, people, screen, width):
    context = new_context(browser, width=width)
    try:
        visitor = Visitor(server=server, context=context, page=context.new_page())
        with reports_removed():
            screen.open(visitor, people)
            # The picture shows the page as it rests: no focus ring from the error summary's focus.
            visitor.page.evaluate("() => document.activeElement && document.activeElement.blur()")
            OUTPUT.mkdir(parents=True, exist_ok=True)
            suffix = "" if width == "wide" else f"-{WIDTHS[width][0]}"
            visitor.page.screenshot(path=str(OUTPUT / f"{screen.name}{suffix}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_report_screenshots(browser, server, people, width):
    """The dashboard and the report's pages with the demo's year of history, for the README."""
    context = new_context(browser, width=width)
    try:
        visitor = Visitor(server=server, context=context, page=context.new_page())
        with reports_removed():
            people.member("volunteer", full_name="Henk de Vries")
            manager = people.member("manager", full_name=NAMES["manager"])
            organisation = CareOrganisation.objects.get(slug="test-a")
            with override_settings(MEDIA_ROOT=str(media_of(visitor))):
                load_reporting_demo(organisation)
            connection.set_schema_to_public()
            visitor.sign_in_as(manager)
            visitor.page.goto(visitor.server.tenant("test-a", "/reports/dashboard/"), wait_until="load")
            OUTPUT.mkdir(parents=True, exist_ok=True)
            suffix = "" if width == "wide" else f"-{WIDTHS[width][0]}"
            visitor.page.screenshot(path=str(OUTPUT / f"reports-dashboard-demo{suffix}.png"), full_page=True)
            if width == "wide":
                with tenant_context(organisation):
                    stored = Report.objects.get().main_file()
                    with override_settings(MEDIA_ROOT=str(media_of(visitor))), stored.file.open("rb") as handle:
                        data = handle.read()
                for old in OUTPUT.glob("report-page-*.png"):
                    old.unlink()
                subprocess.run(
                    ["pdftoppm", "-png", "-r", "70", "-", str(OUTPUT / "report-page")], input=data, check=True
                )
    finally:
        context.close()
