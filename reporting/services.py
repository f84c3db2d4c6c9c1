"""Writes of the reporting app: requesting and building monthly reports, improvement actions, users
per product. Each takes `actor=` and leaves an audit row; building runs only in a Celery task."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.accounts.audit import audit
from helpdesk.accounts.models import User
from helpdesk.tasks import delay_on_commit
from helpdesk.tenancy import current_organisation, in_each_active_organisation
from reporting import months
from reporting.models import STAGE_ORDER, ImprovementAction, ProductUsers, Report, ReportBuild, ReportFile, Stage
from reporting.pdf import report_pdf, supplier_pdf
from reporting.selectors.figures import measure_value, month_figures
from tenants.models import Product

logger = logging.getLogger(__name__)


class ReportBusy(Exception):
    """The report is already waiting or being built."""


# --- Reports ------------------------------------------------------------------------------------


def _dispatch_build(report: Report, reason: str) -> None:
    from reporting.tasks import build_report  # tasks import this module: loaded when first needed

    delay_on_commit(build_report, report_id=report.pk, reason=reason)


def report_request(*, month: dt.date, actor: User | None, reason: str = ReportBuild.Reason.REQUESTED) -> Report:
    """The report of `month`, queued for building if it has none yet (or its last build failed).

    One row per month: asking twice, or the schedule running twice, queues nothing new.
    """
    return _report_queue(month=month, actor=actor, reason=reason)[0]


def _report_queue(*, month: dt.date, actor: User | None, reason: str) -> tuple[Report, bool]:
    month = months.first_of(month)
    queued = False
    with transaction.atomic():
        report, created = Report.objects.select_for_update().get_or_create(month=month)
        if created or report.status == Report.Status.FAILED:
            report.status = Report.Status.QUEUED
            report.progress = 0
            report.step = ""
            report.error = ""
            report.requested_by = actor
            report.requested_at = timezone.now()
            report.save()
            if actor is not None:
                audit(actor=actor, action="report_requested", target=report, month=report.slug)
            _dispatch_build(report, reason)
            queued = True
    return report, queued


def report_rebuild(*, report: Report, actor: User | None, operator: str = "") -> Report:
    """Builds a month again on request; the new file replaces the old one and the history keeps a line.

    `actor` is the manager or professional of this organisation; an operator on the portal has no
    account here, so `operator` (their e-mail address) goes into this schema's audit log instead.
    """
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.is_busy:
            raise ReportBusy
        report.status = Report.Status.QUEUED
        report.progress = 0
        report.step = ""
        report.error = ""
        report.requested_by = actor
        report.requested_at = timezone.now()
        report.save()
        extra = {"operator": operator} if operator else {}
        audit(actor=actor, action="report_rebuild_requested", target=report, month=report.slug, **extra)
        _dispatch_build(report, ReportBuild.Reason.REBUILT)
    return report


@contextmanager
def _build_lock(report_id: int) -> Iterator[None]:
    """One build of a report at a time, across workers; a session lock, so a killed worker's ends with
    its connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtext(%s), %s)", [connection.schema_name, report_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s), %s)", [connection.schema_name, report_id])


def _progress(report: Report, progress: int, step: str) -> None:
    """Committed at once (the build runs outside a transaction), so the page shows it while building."""
    Report.objects.filter(pk=report.pk).update(progress=progress, step=step)


def _language(organisation: Any) -> str:
    return getattr(organisation, "default_language", "") or "nl"


def _product_figures(organisation: Any, month: dt.date, product_id: int) -> dict[str, Any]:
    return month_figures(organisation=organisation, month=month, product_ids=[product_id])


def report_build(*, report_id: int, reason: str = ReportBuild.Reason.REQUESTED) -> Report | None:
    """Computes the month's figures, freezes them and renders the PDFs. Safe to run twice: a report
    that is ready is left alone, and a build that died half-way is simply done again."""
    with _build_lock(report_id):
        report = Report.objects.filter(pk=report_id).select_related("requested_by").first()
        if report is None or report.status == Report.Status.READY:
            return report
        started = time.perf_counter()
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.BUILDING, progress=5, step="figures", attempts=report.attempts + 1, error=""
        )
        organisation = current_organisation()
        try:
            figures = month_figures(organisation=organisation, month=report.month)
            _progress(report, 40, "pdf")
            language = _language(organisation)
            main = report_pdf(figures=figures, organisation=organisation, language=language)
            _progress(report, 75, "suppliers")
            suppliers = {}
            for row in figures["use"]["products"]:
                if row["questions"]:
                    product_figures = _product_figures(organisation, report.month, row["product"])
                    pdf = supplier_pdf(figures=product_figures, organisation=organisation, language=language)
                    suppliers[row["product"]] = (*pdf, product_figures)
            _progress(report, 95, "saving")
            return _report_store(
                report, figures=figures, main=main, suppliers=suppliers, reason=reason, started=started
            )
        except Exception as error:
            logger.exception("report %s of %s failed", report.slug, connection.schema_name)
            Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED, error=str(error)[:2000], step="")
            raise


def _report_store(
    report: Report,
    *,
    figures: dict[str, Any],
    main: tuple[bytes, int],
    suppliers: dict[int, tuple[bytes, int, dict[str, Any]]],
    reason: str,
    started: float,
) -> Report:
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        old_files = [old.file.name for old in report.files.all()]
        report.files.all().delete()
        for product_id, (data, pages, product_figures) in [(None, (*main, {})), *suppliers.items()]:
            name = f"report-{report.slug}.pdf" if product_id is None else f"supplier-{product_id}-{report.slug}.pdf"
            stored = ReportFile(
                report=report, product_id=product_id, size=len(data), pages=pages, figures=product_figures
            )
            stored.file.save(name, ContentFile(data), save=False)
            stored.save()
        report.figures = figures
        report.status = Report.Status.READY
        report.progress = 100
        report.step = ""
        report.built_at = timezone.now()
        report.build_seconds = round(time.perf_counter() - started, 2)
        report.save()
        requester = report.requested_by
        ReportBuild.objects.create(
            report=report,
            reason=reason,
            requested_by_name=requester.full_name if requester is not None else "",
            built_at=report.built_at,
            seconds=report.build_seconds,
            questions=figures["summary"]["asked"],
        )
        _actions_fill(report.month, figures)
        storage = ReportFile._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in old_files])
        from reporting.tasks import notify_managers_of_report  # tasks import this module

        delay_on_commit(notify_managers_of_report, report_id=report.pk)
    return report


def reports_schedule_month(*, now: dt.datetime | None = None) -> int:
    """For every active organisation, the report of the month before, queued once (the beat task)."""
    queued = 0
    for organisation in in_each_active_organisation("pk"):
        month = months.previous_month(months.time_zone_of(organisation), now)
        queued += _report_queue(month=month, actor=None, reason=ReportBuild.Reason.SCHEDULED)[1]
    return queued


# --- Improvement actions ---------------------------------------------------------------------------

ACTION_FIELDS = (
    "title",
    "reason",
    "product",
    "cause",
    "satisfaction",
    "owner",
    "measure",
    "month_before",
    "month_after",
)


def _figures_of(month: dt.date) -> dict[str, Any] | None:
    """A month's frozen figures, when its report is ready."""
    report = Report.objects.filter(month=month, status=Report.Status.READY).only("figures").first()
    return report.figures if report is not None else None


def _action_values(action: ImprovementAction) -> None:
    for which in ("before", "after"):
        month = getattr(action, f"month_{which}")
        figures = _figures_of(month) if month else None
        if figures is not None:
            value = measure_value(figures, measure=action.measure, product_id=action.product_id, cause=action.cause)
            setattr(action, f"value_{which}", value)


def _actions_fill(month: dt.date, figures: dict[str, Any]) -> None:
    for action in ImprovementAction.objects.filter(month_before=month) | ImprovementAction.objects.filter(
        month_after=month
    ):
        value = measure_value(figures, measure=action.measure, product_id=action.product_id, cause=action.cause)
        if action.month_before == month:
            action.value_before = value
        if action.month_after == month:
            action.value_after = value
        action.save(update_fields=["value_before", "value_after", "updated_at"])


def action_create(*, actor: User, **fields: Any) -> ImprovementAction:
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        action = ImprovementAction(**fields)
        _action_values(action)
        action.save()
        audit(actor=actor, action="improvement_action_created", target=action, title=action.title)
    return action


def action_update(*, actor: User, action: ImprovementAction, **fields: Any) -> ImprovementAction:
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        for name, value in fields.items():
            setattr(action, name, value)
        _action_values(action)
        action.save()
        audit(actor=actor, action="improvement_action_changed", target=action, fields=sorted(fields))
    return action


def action_advance(*, actor: User, action: ImprovementAction, on: dt.date | None = None) -> ImprovementAction:
    """Moves the action to its next stage (Plan → Do → Check → Act → Done) and records the date."""
    next_stage = action.next_stage()
    if next_stage is None:
        return action
    day = on or timezone.localdate()
    with transaction.atomic():
        action.stage = next_stage
        setattr(
            action,
            {Stage.DO: "do_on", Stage.CHECK: "check_on", Stage.ACT: "act_on", Stage.DONE: "done_on"}[next_stage],
            day,
        )
        action.save()
        audit(actor=actor, action="improvement_action_advanced", target=action, stage=next_stage)
    return action


def stage_position(stage: str) -> int:
    return STAGE_ORDER.index(Stage(stage))


# --- Users per product -------------------------------------------------------------------------------


def product_users_set(*, actor: User, product: Product, month: dt.date, users: int) -> ProductUsers:
    """How many clients use `product` from `month` on (a new count for the same month replaces it)."""
    with transaction.atomic():
        row, _created = ProductUsers.objects.update_or_create(
            product=product, month=months.first_of(month), defaults={"users": users, "recorded_by": actor}
        )
        audit(
            actor=actor,
            action="product_users_recorded",
            target=row,
            product=product.slug,
            month=f"{row.month:%Y-%m}",
            users=users,
        )
    return row


@dataclass
class ImportResult:
    saved: int = 0
    errors: list[str] = field(default_factory=list)


MAX_IMPORT_ROWS = 500


def product_users_import(*, actor: User, data: bytes, products: list[Product]) -> ImportResult:
    """Users per product from a CSV file (`product;month;users`, a header line allowed). All or nothing:
    any bad line saves nothing and says which line is wrong and why."""
    result = ImportResult()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append(_("The file is not a text file in UTF-8."))
        return result
    dialect = csv.excel
    with suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=";,\t")
    by_key = {p.slug.lower(): p for p in products} | {p.name.lower(): p for p in products}
    rows = []
    for number, line in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        if not line or not any(cell.strip() for cell in line):
            continue
        if number == 1 and line[0].strip().lower() in ("product", "produkt", "name", "naam"):
            continue
        if len(rows) >= MAX_IMPORT_ROWS:
            result.errors.append(_("More than %(n)s lines; split the file.") % {"n": MAX_IMPORT_ROWS})
            break
        if len(line) < 3:
            result.errors.append(_("Line %(n)s: give product, month and users.") % {"n": number})
            continue
        product = by_key.get(line[0].strip().lower())
        month = months.parse_month(line[1].strip())
        users = line[2].strip().replace(".", "")
        if product is None:
            result.errors.append(_("Line %(n)s: unknown product “%(p)s”.") % {"n": number, "p": line[0].strip()[:60]})
        elif month is None:
            result.errors.append(_("Line %(n)s: write the month as 2025-03.") % {"n": number})
        elif not (users.isascii() and users.isdigit()) or int(users) > 10_000_000:
            result.errors.append(_("Line %(n)s: users must be a whole number.") % {"n": number})
        else:
            rows.append((product, month, int(users)))
    if result.errors:
        return result
    if not rows:
        result.errors.append(_("The file has no lines to read."))
        return result
    with transaction.atomic():
        for product, month, users in rows:
            product_users_set(actor=actor, product=product, month=month, users=users)
    result.saved = len(rows)
    return result
