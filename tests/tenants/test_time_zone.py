"""An organisation has its own time zone: its pages show times in it and its months run in it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django_tenants.utils import tenant_context

from reporting.selectors.figures import month_figures
from tenants.models import CareOrganisation
from tests.factories import ticket_make
from tests.reporting.conftest import MARCH
from tests.signing_in import sign_in
from tests.tenants.test_portal_organisation_edit import GOOD

pytestmark = pytest.mark.django_db


def _zone(organisation: CareOrganisation, name: str) -> None:
    organisation.time_zone = name
    organisation.save(update_fields=["time_zone"])


def test_the_operator_chooses_a_time_zone_from_the_list(admin_client, org_a):
    response = admin_client.post(f"/organisations/{org_a.pk}/edit/", {**GOOD, "time_zone": "Europe/London"})

    assert response.status_code == 302
    assert CareOrganisation.objects.get(pk=org_a.pk).time_zone == "Europe/London"


@pytest.mark.parametrize("odd", ["Mars/Olympus", "America/New_York", "", "Europe/Amsterdam\x00"])
def test_a_time_zone_outside_the_list_is_refused_kindly(admin_client, org_a, odd):
    response = admin_client.post(f"/organisations/{org_a.pk}/edit/", {**GOOD, "time_zone": odd})

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode() or "errorlist" in response.content.decode()
    assert CareOrganisation.objects.get(pk=org_a.pk).time_zone == "Europe/Amsterdam"


def test_the_question_page_shows_the_time_in_the_organisations_zone(client_a, org_a, volunteer_a):
    moment = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)
    with tenant_context(org_a), time_machine.travel(moment, tick=False):
        ticket = ticket_make(contact_name="Piet", contact_email="piet@example.org")
    sign_in(client_a, org_a, volunteer_a)

    assert "15 January 2026, 13:00" in client_a.get(f"/questions/{ticket.number}/").content.decode()
    _zone(org_a, "Europe/London")
    assert "15 January 2026, 12:00" in client_a.get(f"/questions/{ticket.number}/").content.decode()


def test_a_month_of_the_reports_runs_in_the_organisations_zone(org_a):
    # 31 March 2025 at 22:30 UTC: 00:30 on 1 April in Amsterdam, 23:30 on 31 March in London.
    with tenant_context(org_a), time_machine.travel(dt.datetime(2025, 3, 31, 22, 30, tzinfo=dt.UTC), tick=False):
        ticket_make(contact_name="Piet", contact_email="piet@example.org")

    with tenant_context(org_a):
        assert month_figures(organisation=org_a, month=MARCH)["summary"]["asked"] == 0
        _zone(org_a, "Europe/London")
        london = month_figures(organisation=org_a, month=MARCH)
    assert london["summary"]["asked"] == 1
    assert london["time_zone"] == "Europe/London"
