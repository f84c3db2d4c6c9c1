"""Building a month's report: one row per month, a PDF/UA file, a history line per build."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
from pathlib import Path

import pikepdf
import pytest
import time_machine
from django_tenants.utils import tenant_context

from reporting.models import Report, ReportBuild
from reporting.services import ReportBusy, report_rebuild, report_request, reports_schedule_month
from tests.reporting.conftest import AMS, MARCH, PERSONAL


@pytest.fixture
def built(org_a, march, django_capture_on_commit_callbacks):
    with tenant_context(org_a):
        with django_capture_on_commit_callbacks(execute=True):
            report = report_request(month=MARCH, actor=None)
        report.refresh_from_db()
        yield report


def _pdf(report):
    with report.main_file().file.open("rb") as handle:
        return handle.read()


def test_the_report_is_tagged_pdf_ua_with_language_and_title(org_a, built):
    with tenant_context(org_a):
        data = _pdf(built)
    pdf = pikepdf.Pdf.open(io.BytesIO(data))

    assert pdf.Root.MarkInfo.Marked is True
    assert "/StructTreeRoot" in pdf.Root
    assert str(pdf.Root.Lang) == "nl"
    assert "Maandverslag" in str(pdf.docinfo.Title) or "Monthly report" in str(pdf.docinfo.Title)
    with pdf.open_metadata() as meta:
        assert meta.get("pdfuaid:part") == "1"
    assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
    assert len(pdf.pages) >= 5


def test_the_pdf_holds_no_personal_data(org_a, built):
    with tenant_context(org_a):
        data = _pdf(built)
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()

    assert "Beeldbel-tablet" in text
    for personal in PERSONAL:
        assert personal not in text
    assert "minder dan 5" in text  # three people asked


def test_pages_render_to_png(org_a, built, tmp_path):
    """Renders the pages; SCREENSHOT_DIR keeps them for the docs."""
    with tenant_context(org_a):
        data = _pdf(built)
    target = Path(os.environ.get("REPORT_PNG_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    (tmp_path / "report.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", tmp_path / "report.pdf", target / "report-page"], check=True)

    assert sorted(target.glob("report-page-*.png"))


def test_one_report_per_month_and_requests_do_not_queue_twice(org_a, built):
    with tenant_context(org_a):
        again = report_request(month=MARCH, actor=None)

        assert again.pk == built.pk
        assert Report.objects.filter(month=MARCH).count() == 1
        assert ReportBuild.objects.filter(report=built).count() == 1


def test_a_rebuild_replaces_the_file_and_keeps_a_history_line(
    org_a, built, manager_a, django_capture_on_commit_callbacks
):
    manager = manager_a
    with tenant_context(org_a):
        old_name = built.main_file().file.name
        storage = built.main_file().file.storage
        with django_capture_on_commit_callbacks(execute=True):
            report_rebuild(report=built, actor=manager)
        built.refresh_from_db()

        assert built.status == Report.Status.READY
        assert built.files.filter(product__isnull=True).count() == 1
        assert built.main_file().file.name != old_name
        assert not storage.exists(old_name)
        assert list(built.builds.values_list("reason", flat=True)) == ["rebuilt", "requested"]
        assert built.builds.first().requested_by_name == manager.full_name


def test_a_report_being_built_is_not_rebuilt_twice(org_a, march, manager_a):
    manager = manager_a
    with tenant_context(org_a):
        report = Report.objects.create(month=MARCH, status=Report.Status.BUILDING)
        with pytest.raises(ReportBusy):
            report_rebuild(report=report, actor=manager)


def test_the_supplier_pdf_is_built_per_product_with_questions(org_a, built):
    with tenant_context(org_a):
        files = built.files.filter(product__isnull=False)

        assert files.count() == 2
        with files.first().file.open("rb") as handle:
            pdf = pikepdf.Pdf.open(io.BytesIO(handle.read()))
        assert "/StructTreeRoot" in pdf.Root


def test_the_schedule_queues_last_month_once_per_organisation(org_a, org_b, django_capture_on_commit_callbacks):
    night = dt.datetime(2025, 4, 1, 3, 0, tzinfo=AMS)
    with time_machine.travel(night, tick=False), django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = reports_schedule_month()
        second = reports_schedule_month()

    assert first == 2
    assert second == 0  # already queued: nothing new
    assert len(callbacks) == 2
    for organisation in (org_a, org_b):
        with tenant_context(organisation):
            assert list(Report.objects.values_list("month", "status")) == [(MARCH, "queued")]
