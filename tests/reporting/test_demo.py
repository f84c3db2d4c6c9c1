"""The demo's year of history: growing use, and last month's report already built."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from demo.reporting import load_reporting_demo
from reporting.models import ImprovementAction, ProductUsers, Report


def test_demo_builds_a_year_of_history_and_last_months_report_once(org_a, manager_a, volunteer_a):
    load_reporting_demo(org_a)
    load_reporting_demo(org_a)  # a second start adds nothing

    with tenant_context(org_a):
        report = Report.objects.get()
        assert report.status == Report.Status.READY
        figures = report.figures
        volume = figures["use"]["volume"]["values"]
        assert volume[-1] > 3 * volume[0] > 0  # use grows through the year
        assert figures["use"]["users_known"]
        first_product = figures["use"]["adoption"]["series"][0]["values"]
        assert first_product[-1] > 3 * first_product[0]  # the launching product grew by more than 300%
        assert figures["summary"]["answers"] > 0
        assert figures["bottlenecks"]["top"]
        assert ImprovementAction.objects.count() == 2
        assert ProductUsers.objects.exists()
        assert report.main_file() is not None
