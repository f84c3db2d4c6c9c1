"""The report pages of a manager and of the operator, and how a browser gets there (REPORT_SCREENS).

Used by the every-page checks (test_pages.py), the screenshots and the report journey. The
questions of last month and this month, and last month's report, are committed so the server
sees them; the report's PDF is written into the server's own media folder. `reports_removed`
takes all of it away again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator

import time_machine
from django.utils import timezone
from django_tenants.utils import schema_context

from reporting.models import ImprovementAction, ProductUsers, Report, ReportRecipient
from reporting.services import report_build
from satisfaction.models import SurveyAnswer
from satisfaction.services import survey_answer_save
from tenants.models import Product
from tests.e2e.pages import NAMES, Screen
from tests.e2e.support import People, Visitor, schema_for
from tests.e2e.ticket_pages import SLUG, questions_removed
from tickets import services

SUBJECTS = [
    ("beeldbel-tablet", "Ik zie mijn kleinzoon niet als hij belt", "explanation"),
    ("beeldbel-tablet", "Het geluid is heel zacht", "explanation"),
    ("beeldbel-tablet", "De tablet gaat niet meer aan", "device_internet"),
    ("persoonlijk-alarm", "Kan het alarm ook trillen?", "wish"),
    ("persoonlijk-alarm", "De knop piept steeds", "product_fault"),
    ("beeldbel-tablet", "Ik kan niet inloggen", "account"),
]


def media_of(visitor: Visitor):
    """The server's media folder (beside its mail folder, see conftest.server)."""
    return visitor.server.mail_dir.parent / "media"


def last_month() -> dt.date:
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@contextlib.contextmanager
def reports_removed() -> Iterator[None]:
    """questions_removed, and the reports, actions and users per product of the organisation."""
    with questions_removed():
        try:
            yield
        finally:
            with schema_context(schema_for(SLUG)):
                Report.objects.all().delete()
                ImprovementAction.objects.all().delete()
                ProductUsers.objects.all().delete()
                ReportRecipient.objects.all().delete()
                SurveyAnswer.objects.all().delete()


def month_of_questions(people: People) -> None:
    """Six questions solved last month and three asked this month, with two ratings."""
    volunteer = people.member("volunteer", full_name="Henk de Vries")
    requester = people.member("requester", full_name=NAMES["requester"])
    first = timezone.make_aware(dt.datetime.combine(last_month(), dt.time(10)))
    with schema_context(schema_for(SLUG)):
        products = {p.slug: p for p in Product.objects.all()}
        for index, (slug, subject, cause) in enumerate(SUBJECTS):
            with time_machine.travel(first + dt.timedelta(days=2 * index), tick=False):
                ticket = services.ticket_create(
                    actor=requester, requester=requester, product=products[slug], subject=subject, body=subject
                )
                services.ticket_claim(ticket=ticket, actor=volunteer)
                services.reply_post(ticket=ticket, actor=volunteer, body="Zo lukt het.")
            with time_machine.travel(first + dt.timedelta(days=2 * index, hours=3), tick=False):
                services.ticket_resolve(ticket=ticket, actor=volunteer, cause=cause)
                if index < 2:
                    survey_answer_save(ticket=ticket, actor=requester, help_score=5, technology_score=3)
        for slug, subject, _cause in SUBJECTS[:3]:
            services.ticket_create(
                actor=requester, requester=requester, product=products[slug], subject=subject, body=subject
            )


def report_built(visitor: Visitor) -> str:
    """Builds last month's report into the server's media folder; returns its month as `YYYY-MM`."""
    schema = schema_for(SLUG)
    with schema_context(schema):
        report = Report.objects.create(month=last_month())
        report_build(report_id=report.pk)
        # The server reads its own media folder: put the files where it looks for them.
        for stored in report.files.all():
            target = media_of(visitor) / schema / stored.file.name
            target.parent.mkdir(parents=True, exist_ok=True)
            with stored.file.open("rb") as handle:
                target.write_bytes(handle.read())
    return f"{last_month():%Y-%m}"


def _as_manager(path: Callable[[str], str], *, build: bool = True, action: bool = False, submit: bool = False):
    def open_page(visitor: Visitor, people: People) -> None:
        month_of_questions(people)
        month = report_built(visitor) if build else f"{last_month():%Y-%m}"
        manager = people.member("manager", full_name=NAMES["manager"])
        if action:
            with schema_context(schema_for(SLUG)):
                ImprovementAction.objects.create(
                    title="Uitlegkaart bij de tablet",
                    reason="Veel vragen over bellen",
                    owner=manager,
                    cause="explanation",
                )
        visitor.sign_in_as(manager)
        visitor.page.goto(visitor.server.tenant(SLUG, path(month)), wait_until="load")
        if submit:
            with visitor.page.expect_navigation(wait_until="load"):
                visitor.page.locator("main form button[type=submit]").first.click()

    return open_page


def _as_operator(path: str):
    def open_page(visitor: Visitor, people: People) -> None:
        month_of_questions(people)
        report_built(visitor)
        visitor.sign_in_as(people.operator(), slug="public", verified=True)
        visitor.page.goto(visitor.server.portal(path), wait_until="load")

    return open_page


REPORT_SCREENS = [
    Screen("reports", _as_manager(lambda month: "/reports/"), end_user=False, shows="#reports"),
    Screen("reports-dashboard", _as_manager(lambda month: "/reports/dashboard/"), end_user=False, shows="#figures"),
    Screen(
        "reports-actions", _as_manager(lambda month: "/reports/actions/", action=True), end_user=False, shows="table"
    ),
    Screen(
        "reports-action-new-errors",
        _as_manager(lambda month: "/reports/actions/new/", build=False, submit=True),
        rejected=True,
        end_user=False,
    ),
    Screen("reports-users", _as_manager(lambda month: "/reports/users/", build=False), end_user=False, shows="table"),
    Screen(
        "reports-supplier",
        _as_manager(lambda month: f"/reports/{month}/supplier/beeldbel-tablet/"),
        end_user=False,
        shows=".report",
    ),
    Screen("portal-contracts", _as_operator("/contracts/"), end_user=False, shows="table"),
    Screen("portal-organisation-figures", _as_operator("/contracts/test-a/"), end_user=False, shows="figure"),
]
