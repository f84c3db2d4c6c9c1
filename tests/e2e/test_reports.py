"""A manager reads the month's figures, filters them, downloads the report and the CSVs; an operator
opens the overview of questions against the contract."""

from __future__ import annotations

import pytest

from tests.e2e.pages import NAMES
from tests.e2e.report_pages import month_of_questions, report_built, reports_removed
from tests.e2e.ticket_pages import SLUG

pytestmark = pytest.mark.browser

# The table "questions per product" has one row per product shown.
PRODUCT_ROWS_JS = "() => document.querySelector('#figures #use table').tBodies[0].rows.length === 1"


@pytest.fixture
def month(people, visitor):
    with reports_removed():
        month_of_questions(people)
        yield report_built(visitor)


def _manager(visitor, people):
    visitor.sign_in_as(people.member("manager", full_name=NAMES["manager"]))


def test_manager_filters_the_dashboard_and_downloads_pdf_and_csv(visitor, people, month):
    page = visitor.page
    _manager(visitor, people)
    page.goto(visitor.server.tenant(SLUG, f"/reports/dashboard/?month={month}"), wait_until="load")
    assert page.locator("#figures").count() == 1
    assert page.locator("#figures #use table").first.locator("tbody tr").count() == 2  # both products

    page.select_option("#id_product", label="Persoonlijk alarm")  # htmx swaps the figures on change
    page.wait_for_function(PRODUCT_ROWS_JS)
    assert "product=" in page.url  # the address follows, so the filtered page can be shared or reloaded
    assert page.locator("#live-status").inner_text() != ""

    with page.expect_download() as figures:
        page.locator("#figures a[href*='figures.csv']").click()
    assert "Persoonlijk alarm" in figures.value.path().read_text(encoding="utf-8-sig")
    with page.expect_download() as questions:
        page.locator("#figures a[href*='questions.csv']").click()
    text = questions.value.path().read_text(encoding="utf-8-sig")
    assert "TSA-" in text and NAMES["requester"] not in text

    page.goto(visitor.server.tenant(SLUG, "/reports/"), wait_until="load")
    with page.expect_download() as pdf:
        page.locator(f"a[href='/reports/{month}/report.pdf']").click()
    assert pdf.value.path().read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("visitor", [{"javascript": False}], indirect=True)
def test_the_dashboard_filter_works_without_javascript(visitor, people, month):
    page = visitor.page
    _manager(visitor, people)
    page.goto(visitor.server.tenant(SLUG, "/reports/dashboard/"), wait_until="load")
    page.select_option("#id_month", value=month)
    page.select_option("#id_product", label="Beeldbel-tablet")
    with page.expect_navigation(wait_until="load"):
        page.locator("form[role=search] button[type=submit]").click()

    assert f"month={month}" in page.url
    assert page.locator("#figures #use table").first.locator("tbody tr").count() == 1


def test_operator_opens_the_contract_overview(visitor, people, month):
    page = visitor.page
    visitor.sign_in_as(people.operator(), slug="public", verified=True)
    page.goto(visitor.server.portal("/contracts/"), wait_until="load")
    row = page.locator("tbody tr", has_text="Zorggroep Test A")
    assert row.count() == 1

    row.locator("a").click()
    page.wait_for_load_state("load")
    assert page.locator("figure img").count() == 1
    with page.expect_download() as pdf:
        page.locator(f"a[href$='/{month}/report.pdf']").click()
    assert pdf.value.path().read_bytes().startswith(b"%PDF")
