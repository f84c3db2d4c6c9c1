"""The figures of a month, against March 2025 counted by hand (see conftest.py)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from reporting.selectors.figures import month_figures
from reporting.services import report_request
from tenants.models import Product
from tests.factories import ticket_make
from tests.reporting.conftest import MARCH, PERSONAL
from tickets import services


def figures(org, **kwargs):
    with tenant_context(org):
        return month_figures(organisation=org, month=MARCH, **kwargs)


def test_questions_belong_to_the_month_of_their_local_time(org_a, march):
    summary = figures(
        org_a,
    )["summary"]

    assert summary["asked"] == 5  # Q1 Q2 Q3 Q5 Q7: Q5 at 23:30 on the 31st counts, Q6 at 00:15 on 1 April not
    assert summary["asked_last_month"] == 1  # Q4
    assert summary["asked_last_year"] == 0


def test_solved_counts_the_solve_in_the_month_also_after_a_reopen(org_a, march):
    summary = figures(org_a)["summary"]

    assert summary["solved"] == 5  # Q1 Q2 Q3 Q4 (asked in February, solved again in March) Q7
    assert summary["solved_volunteers"] == 4  # Q3 was handed back and solved by a volunteer
    assert summary["solved_professionals"] == 1  # Q7
    assert summary["share_volunteers"] == 80.0


def test_median_times(org_a, march):
    summary = figures(org_a)["summary"]

    # First answers of the questions asked in March: 30, 60, 120, 60 minutes.
    assert summary["first_answer_minutes"] == 60.0
    # Solved in March: 60, 180, 2880 (Q3), 7200 (Q4 from 27 Feb), 120 minutes.
    assert summary["solved_minutes"] == 180.0


def test_people_repeats_and_escalations(org_a, march):
    result = figures(org_a)

    assert result["summary"]["people"] == 3  # r1, r2, Meneer de Wit
    assert result["bottlenecks"]["repeat"] == 2  # Q2 after Q1, Q5 after Q3
    assert result["bottlenecks"]["escalated_total"] == 2
    assert {row["reason"]: row["questions"] for row in result["bottlenecks"]["escalated"]} == {
        "too_difficult": 1,
        "nobody_on_duty": 1,
    }
    assert result["bottlenecks"]["nobody_on_duty"] == 1
    assert result["bottlenecks"]["waited_too_long"] == 0


def test_causes_and_top_bottlenecks(org_a, march):
    result = figures(org_a)
    causes = {(row["name"], row["cause"]): row["questions"] for row in result["bottlenecks"]["causes"]}

    assert causes == {
        ("Beeldbel-tablet", "explanation"): 2,
        ("Beeldbel-tablet", "device_internet"): 1,
        ("Persoonlijk alarm", "product_fault"): 1,
        ("Persoonlijk alarm", "wish"): 1,
    }
    top = [(row["name"], row["cause"]) for row in result["bottlenecks"]["top"]]
    assert top[0] == ("Beeldbel-tablet", "explanation")
    assert ("Persoonlijk alarm", "wish") not in top  # wishes are listed apart
    assert [row["subject"] for row in result["satisfaction"]["wishes"]] == ["Kan het alarm ook trillen?"]


def test_satisfaction_counts_a_changed_answer_once(org_a, march):
    result = figures(org_a)
    summary = result["summary"]

    assert summary["answers"] == 3
    assert summary["help_score"] == 4.0  # 5 (changed from 4), 4, 3
    assert summary["technology_score"] == round((2 + 4 + 5) / 3, 2)
    tablet = next(row for row in result["satisfaction"]["products"] if row["name"] == "Beeldbel-tablet")
    assert tablet["answers"] == 2
    assert tablet["help"] == [0, 0, 0, 1, 1]
    assert tablet["technology"] == [0, 1, 0, 1, 0]
    assert [row["comment"] for row in result["satisfaction"]["comments"]] == ["Fijn geholpen"]


def test_channels_relations_and_helpers(org_a, march):
    result = figures(org_a)

    assert {row["channel"]: row["questions"] for row in result["channels"]} == {"web": 4, "phone": 1}
    assert {row["relation"]: row["questions"] for row in result["relations"]} == {"": 4, "informal_carer": 1}
    assert result["helpers"]["duty_hours"] == 8.0
    assert result["helpers"]["questions_helped"] == 3  # Q1, Q2, Q4 (3 March)
    assert result["helpers"]["volunteers_on_duty"] == 1


def test_filter_by_product(org_a, march):
    with tenant_context(org_a):
        alarm = Product.objects.get(slug="persoonlijk-alarm").pk
    result = figures(org_a, product_ids=[alarm])

    assert result["summary"]["asked"] == 3  # Q3 Q5 Q7
    assert [row["name"] for row in result["use"]["products"]] == ["Persoonlijk alarm"]


def test_no_names_or_contact_details_in_the_figures(org_a, march):
    text = str(figures(org_a))

    for personal in PERSONAL:
        assert personal not in text


def test_a_later_change_to_a_question_does_not_rewrite_a_frozen_month(org_a, march, django_capture_on_commit_callbacks):
    with tenant_context(org_a):
        with django_capture_on_commit_callbacks(execute=True):
            report = report_request(month=MARCH, actor=None)
        report.refresh_from_db()
        assert report.status == "ready"
        services.ticket_reopen(ticket=march["q1"], actor=march["volunteer"])
        report.refresh_from_db()

        assert report.figures["summary"]["solved"] == 5
        assert month_figures(organisation=org_a, month=MARCH)["summary"]["solved"] == 4


def test_the_query_count_does_not_grow_with_the_questions(org_a, march):
    with tenant_context(org_a), CaptureQueriesContext(connection) as few:
        month_figures(organisation=org_a, month=MARCH)
    with tenant_context(org_a):
        for _ in range(5):
            ticket_make(contact_name="Iemand")
    with tenant_context(org_a), CaptureQueriesContext(connection) as more:
        month_figures(organisation=org_a, month=MARCH)

    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_dashboard_cache_of_closed_months_agrees_and_follows_changes(org_a, march):
    april = dt.date(2025, 4, 1)

    def people_per_product(result):
        return {series["name"]: series["values"][-2] for series in result["use"]["adoption"]["series"]}

    with tenant_context(org_a):
        fresh = month_figures(organisation=org_a, month=april)
        cached = month_figures(organisation=org_a, month=april, cached=True)
        again = month_figures(organisation=org_a, month=april, cached=True)  # from the cache now
        assert fresh["use"] == cached["use"] == again["use"]
        assert fresh["bottlenecks"]["causes"] == again["bottlenecks"]["causes"]
        assert people_per_product(again) == {"Beeldbel-tablet": 1, "Persoonlijk alarm": 2}

        tablet = Product.objects.get(slug="beeldbel-tablet")
        services.ticket_change_product(ticket=march["q3"], actor=march["volunteer"], product=tablet)
        changed = month_figures(organisation=org_a, month=april, cached=True)

    assert people_per_product(changed) == {"Beeldbel-tablet": 2, "Persoonlijk alarm": 2}
