"""A manager handles one person's data in a browser: the download of everything about them (its
index.html must meet ui.md too, opened straight from the ZIP) and the erasure with its check."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from django_tenants.utils import schema_context

from helpdesk.accounts.models import Role, User
from tenants.models import Product
from tests.e2e import checks
from tests.e2e.support import WIDTHS
from tests.e2e.ticket_pages import questions_removed
from tickets import services

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("PRIVACY_SCREENSHOTS")  # a folder to keep the screenshots in, to look at them


@pytest.fixture
def client_with_question(people):
    with questions_removed():
        manager = people.member(Role.MANAGER, full_name="Marieke Jansen")
        client = people.member(Role.REQUESTER, full_name="Gerrit Bakker")
        with schema_context("org_test_a"):
            services.ticket_create(
                actor=client,
                requester=client,
                product=Product.objects.get(slug="beeldbel-tablet"),
                subject="Het beeld van de tablet blijft zwart",
                body="Als ik mijn dochter bel, zie ik haar niet. Wat kan ik doen?",
            )
        yield manager, client


def _shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_the_export_opens_as_a_readable_accessible_page(visitor, client_with_question, tmp_path):
    manager, client = client_with_question
    page = visitor.page
    visitor.sign_in_as(manager)
    page.goto(visitor.server.tenant("test-a", f"/account/people/{client.pk}/"), wait_until="load")
    _shoot(page, "person-detail")
    with page.expect_download() as download:
        page.locator("form[action$='/export/'] button").click()
    archive = tmp_path / "export.zip"
    download.value.save_as(archive)
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(tmp_path / "export")

    page.goto((tmp_path / "export" / "index.html").as_uri(), wait_until="load")
    assert "Het beeld van de tablet blijft zwart" in page.content()
    problems = []
    for name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        problems += [f"[{width} px] {p}" for p in checks.axe_violations(page) + checks.horizontal_scroll(page)]
        _shoot(page, f"person-export-{name}")
    assert not problems, "\n".join(problems)


def test_a_manager_erases_a_person_after_ticking_the_box(visitor, client_with_question):
    manager, client = client_with_question
    page = visitor.page
    visitor.sign_in_as(manager)
    page.goto(visitor.server.tenant("test-a", f"/account/people/{client.pk}/erase/"), wait_until="load")
    with page.expect_navigation(wait_until="load"):
        page.locator("main form button[type=submit]").click()
    assert checks.rejected_form(page) == []
    assert page.locator(".error-summary").count() == 1
    page.locator("#id_confirm").check()
    with page.expect_navigation(wait_until="load"):
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/account/people/")
    with schema_context("org_test_a"):
        erased = User.objects.get(pk=client.pk)
    assert not erased.is_active and erased.email is None


def test_the_audit_log_about_one_person_in_both_widths(visitor, client_with_question):
    manager, client = client_with_question
    page = visitor.page
    visitor.sign_in_as(manager)
    page.goto(visitor.server.tenant("test-a", f"/account/audit/?person={client.pk}"), wait_until="load")
    assert page.locator(f"a[href$='/account/audit/person/{client.pk}/']").count() == 1
    problems = []
    for name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        problems += [f"[{width} px] {p}" for p in checks.axe_violations(page) + checks.horizontal_scroll(page)]
        _shoot(page, f"audit-log-person-{name}")
    assert not problems, "\n".join(problems)
