"""The operator's report pages: volume against contract (page and CSV), per organisation its line
and reports; operator admins download (audited in both logs), professionals see figures only."""

from __future__ import annotations

import csv
import io

import pytest
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import AuditEvent
from reporting.services import report_request
from tests.reporting.conftest import MARCH
from tests.signing_in import sign_in, sign_in_operator


@pytest.fixture
def ready(org_a, march, django_capture_on_commit_callbacks):
    with tenant_context(org_a), django_capture_on_commit_callbacks(execute=True):
        return report_request(month=MARCH, actor=None)


def test_contract_overview_lists_every_active_organisation(admin_client, org_a, org_b):
    org_a.expected_questions_per_month = 40
    org_a.save()
    page = admin_client.get("/contracts/").content.decode()

    assert "Zorggroep Test A" in page and "Zorggroep Test B" in page


def test_contract_csv_counts_the_month(admin_client, march, org_a):
    org_a.expected_questions_per_month = 10
    org_a.save()
    response = admin_client.get("/contracts/contracts.csv?month=2025-03")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))

    row = next(line for line in rows if line[0] == "Zorggroep Test A")
    assert row[1:5] == ["2025-03", "5", "10", "50"]


def test_professionals_see_figures_but_not_the_contract_overview_or_reports(portal_client, professional, ready):
    sign_in_operator(portal_client, professional)

    assert portal_client.get("/contracts/").status_code == 404
    assert portal_client.get("/contracts/test-a/").status_code == 200
    assert portal_client.get("/contracts/test-a/2025-03/report.pdf").status_code == 404


def test_operator_admin_downloads_a_report_audited_in_both_logs(admin_client, operator_admin, ready, org_a):
    response = admin_client.get("/contracts/test-a/2025-03/report.pdf")

    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="report_downloaded", actor=operator_admin).exists()
    with tenant_context(org_a):
        event = AuditEvent.objects.get(action="report_downloaded_by_operator")
        assert event.data["operator"] == operator_admin.email


def test_without_second_factor_the_portal_asks_for_it(portal_client, operator_admin):
    sign_in_operator(portal_client, operator_admin, verified=False)
    response = portal_client.get("/contracts/")

    assert response.status_code == 302
    assert "otp" in response["Location"] or "code" in response["Location"]


def test_organisation_pages_are_not_on_a_tenant_host(client_a, org_a, manager_a):
    sign_in(client_a, org_a, manager_a)

    assert client_a.get("/contracts/").status_code == 404


def test_unknown_organisation_is_404(admin_client):
    assert admin_client.get("/contracts/nowhere/").status_code == 404
