"""The manager's pages: who may open them, the downloads (audited), the htmx dashboard, bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import AuditEvent, Role
from reporting.models import ImprovementAction, ProductUsers, Report
from reporting.services import report_request
from tenants.models import Product
from tests.reporting.conftest import AMS, MARCH, PERSONAL
from tests.signing_in import sign_in


@pytest.fixture
def in_april_2025():
    """The dashboard offers the months up to now: these tests look at March 2025 from April."""
    with time_machine.travel(dt.datetime(2025, 4, 15, 12, tzinfo=AMS), tick=False):
        yield


@pytest.fixture
def manager(manager_a):
    return manager_a


@pytest.fixture
def manager_client(client_a, org_a, manager):
    return sign_in(client_a, org_a, manager)


@pytest.fixture
def ready(org_a, march, django_capture_on_commit_callbacks):
    with tenant_context(org_a), django_capture_on_commit_callbacks(execute=True):
        return report_request(month=MARCH, actor=None)


PAGES = ["/reports/", "/reports/dashboard/", "/reports/actions/", "/reports/actions/new/", "/reports/users/"]


@pytest.mark.parametrize("path", PAGES)
def test_manager_opens_every_page(manager_client, path):
    assert manager_client.get(path).status_code == 200


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.REQUESTER])
@pytest.mark.parametrize("path", [*PAGES, "/reports/2025-03/report.pdf", "/reports/dashboard/questions.csv"])
def test_other_roles_get_404(client_a, org_a, make_user, role, path):
    person = make_user(org_a, role=role, requester_kind="" if role != Role.REQUESTER else "client")
    sign_in(client_a, org_a, person)
    assert client_a.get(path).status_code == 404


def test_strangers_are_sent_to_sign_in(client_a):
    response = client_a.get("/reports/")
    assert response.status_code == 302
    assert "/account/" in response["Location"]


def test_a_manager_of_another_organisation_cannot_download(ready, client_b, org_b, manager_b):
    sign_in(client_b, org_b, manager_b)

    assert client_b.get("/reports/2025-03/report.pdf").status_code == 404


def test_download_is_a_pdf_and_audited(ready, manager_client, org_a, manager):
    response = manager_client.get("/reports/2025-03/report.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    with tenant_context(org_a):
        assert AuditEvent.objects.filter(action="report_downloaded", actor=manager).count() == 1


def test_the_list_shows_the_ready_report_and_its_history(ready, manager_client):
    page = manager_client.get("/reports/").content.decode()

    assert "March 2025" in page
    assert "/reports/2025-03/report.pdf" in page
    assert "Requested" in page


def test_a_building_report_shows_its_progress_and_polls(manager_client, org_a):
    with tenant_context(org_a):
        Report.objects.create(month=MARCH, status=Report.Status.BUILDING, progress=40)
    page = manager_client.get("/reports/").content.decode()

    assert 'value="40"' in page
    assert 'hx-trigger="every 2s"' in page


def test_figures_csv_agrees_with_the_frozen_report(ready, manager_client):
    response = manager_client.get("/reports/2025-03/figures.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))

    assert rows[0] == ["Section", "Figure", "Product", "Value"]
    assert ["Summary", "Questions this month", "", "5"] in rows
    assert ["Summary", "People who asked", "", "fewer than 5"] in rows


def test_dashboard_filters_with_and_without_htmx(march, manager_client, org_a, in_april_2025):
    with tenant_context(org_a):
        alarm = Product.objects.get(slug="persoonlijk-alarm").pk
    full = manager_client.get(f"/reports/dashboard/?month=2025-03&product={alarm}")
    swap = manager_client.get(f"/reports/dashboard/?month=2025-03&product={alarm}", HTTP_HX_REQUEST="true")

    assert full.status_code == 200
    assert "<h1>" in full.content.decode()
    assert 'id="figures"' in swap.content.decode()
    assert "<h1>" not in swap.content.decode()
    assert "Persoonlijk alarm" in swap.content.decode()
    assert full.context["figures"]["summary"]["asked"] == 3


def test_dashboard_ignores_bad_filters(manager_client):
    response = manager_client.get("/reports/dashboard/?month=<script>&product=abc")

    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</header>")[1]


def test_questions_csv_has_no_personal_data(march, manager_client, in_april_2025):
    response = manager_client.get("/reports/dashboard/questions.csv?month=2025-03")
    text = response.content.decode("utf-8-sig")

    assert text.count("\n") == 6  # header + Q1 Q2 Q3 Q5 Q7
    assert "TSA-" in text
    for personal in PERSONAL:
        assert personal not in text


def test_unknown_month_is_404(manager_client):
    assert manager_client.get("/reports/2099-13/report.pdf").status_code == 404
    assert manager_client.get("/reports/nonsense/figures.csv").status_code == 404


def test_manager_rebuilds_a_month(ready, manager_client, org_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post("/reports/2025-03/rebuild/")

    assert response.status_code == 302
    with tenant_context(org_a):
        assert Report.objects.get(month=MARCH).builds.count() == 2


def test_mail_preference_and_mail_on_ready(
    march, manager_client, org_a, django_capture_on_commit_callbacks, mailoutbox
):
    manager_client.post("/reports/mail/", {"wants": "1"})
    with tenant_context(org_a), django_capture_on_commit_callbacks(execute=True):
        report_request(month=MARCH, actor=None)

    assert len(mailoutbox) == 1
    assert "/reports/" in mailoutbox[0].body
    assert not mailoutbox[0].attachments


def test_improvement_action_create_and_advance(manager_client, manager, org_a):
    with tenant_context(org_a):
        tablet = Product.objects.get(slug="beeldbel-tablet").pk
    response = manager_client.post(
        "/reports/actions/new/",
        {
            "title": "Uitlegkaart bij de tablet",
            "reason": "Veel vragen over bellen",
            "product": tablet,
            "cause": "explanation",
            "satisfaction": "",
            "owner": manager.pk,
            "measure": "cause",
            "month_before": "2025-03",
            "month_after": "",
        },
    )
    assert response.status_code == 302
    with tenant_context(org_a):
        action = ImprovementAction.objects.get()
    manager_client.post(f"/reports/actions/{action.pk}/next/")
    with tenant_context(org_a):
        action.refresh_from_db()
        assert action.stage == "do"
        assert action.do_on is not None


def test_improvement_action_takes_its_before_value_from_the_frozen_month(ready, manager_client, manager, org_a):
    with tenant_context(org_a):
        tablet = Product.objects.get(slug="beeldbel-tablet").pk
    manager_client.post(
        "/reports/actions/new/",
        {
            "title": "Uitlegkaart",
            "reason": "Bellen",
            "product": tablet,
            "cause": "explanation",
            "owner": manager.pk,
            "measure": "cause",
            "month_before": "2025-03",
        },
    )
    with tenant_context(org_a):
        assert ImprovementAction.objects.get().value_before == 2.0


def test_a_rejected_action_form_keeps_what_was_typed(manager_client, manager):
    response = manager_client.post(
        "/reports/actions/new/", {"title": "Iets", "reason": "", "owner": manager.pk, "measure": "cause"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Iets"' in page
    assert "Error: " in page
    assert 'aria-invalid="true"' in page


def test_users_per_product_one_and_csv(manager_client, org_a):
    with tenant_context(org_a):
        tablet = Product.objects.get(slug="beeldbel-tablet").pk
    assert (
        manager_client.post(
            "/reports/users/", {"form": "one", "product": tablet, "month": "2026-11", "users": "120"}
        ).status_code
        == 302
    )
    upload = io.BytesIO(b"product;month;users\nbeeldbel-tablet;2025-01;40\nPersoonlijk alarm;2025-02;15\n")
    upload.name = "users.csv"
    assert manager_client.post("/reports/users/", {"form": "upload", "file": upload}).status_code == 302
    with tenant_context(org_a):
        assert ProductUsers.objects.count() == 3


def test_a_bad_users_csv_saves_nothing_and_says_which_line(manager_client, org_a):
    upload = io.BytesIO(b"beeldbel-tablet;2025-01;40\nonbekend;2025-02;15\nbeeldbel-tablet;maart;3\n")
    upload.name = "users.csv"
    response = manager_client.post("/reports/users/", {"form": "upload", "file": upload})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Line 2" in page and "Line 3" in page
    with tenant_context(org_a):
        assert ProductUsers.objects.count() == 0


def test_a_binary_upload_is_refused(manager_client):
    upload = io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    upload.name = "users.csv"
    response = manager_client.post("/reports/users/", {"form": "upload", "file": upload})

    assert response.status_code == 400
    assert "not a CSV file" in response.content.decode()


def test_supplier_page_has_no_personal_data(ready, manager_client):
    response = manager_client.get("/reports/2025-03/supplier/beeldbel-tablet/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "Bellen lukt niet" in page
    for personal in PERSONAL:
        assert personal not in page.split("</header>")[1]
    assert manager_client.get("/reports/2025-03/supplier/beeldbel-tablet/report.pdf").status_code == 200
