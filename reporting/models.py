"""Monthly reports, their build history, users per product and improvement actions, per organisation."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import BottleneckCause


def report_path(instance: ReportFile, filename: str) -> str:
    """A random name per file inside the organisation's own media folder (TenantFileSystemStorage)."""
    import secrets

    return f"reports/{instance.report.month:%Y-%m}/{secrets.token_hex(12)}-{filename}"


class Report(models.Model):
    """The report of one month: its frozen figures and its PDF. One row per month, rebuilt on request."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be built")
        BUILDING = "building", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Could not be built")

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    step = models.CharField(max_length=40, blank=True)
    # The figures as they were when the report was built: the PDF, the page and the CSV read these.
    figures = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    build_seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        constraints = [
            models.CheckConstraint(condition=models.Q(month__day=1), name="report_month_first_day"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="report_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.status}"

    @property
    def slug(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_busy(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.BUILDING)

    def main_file(self) -> ReportFile | None:
        return self.files.filter(product__isnull=True).first()


class ReportFile(models.Model):
    """A PDF of a report: the manager's report (no product) or the page for one product's supplier."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    product = models.ForeignKey("tenants.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    file = models.FileField(upload_to=report_path)
    size = models.PositiveIntegerField(default=0)
    pages = models.PositiveSmallIntegerField(default=0)
    # For a supplier's file: that product's figures, frozen with it, which its page shows.
    figures = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report"], condition=models.Q(product__isnull=True), name="report_one_main_file"
            ),
            models.UniqueConstraint(
                fields=["report", "product"],
                condition=models.Q(product__isnull=False),
                name="report_one_file_per_product",
            ),
        ]

    def __str__(self) -> str:
        return self.file.name


class ReportBuild(models.Model):
    """One line of a report's history: each time it was built, why and by whose request."""

    class Reason(models.TextChoices):
        SCHEDULED = "scheduled", _("Monthly schedule")
        REQUESTED = "requested", _("Requested")
        REBUILT = "rebuilt", _("Built again on request")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="builds")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    requested_by_name = models.CharField(max_length=150, blank=True)
    built_at = models.DateTimeField()
    seconds = models.FloatField()
    questions = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-built_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.reason} {self.built_at:%Y-%m-%d %H:%M}"


class ReportRecipient(models.Model):
    """A manager who wants an e-mail when a monthly report is ready."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.user_id)


class ProductUsers(models.Model):
    """How many clients use a product, from a month on, until a later row says otherwise."""

    product = models.ForeignKey(
        "tenants.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("from month"))
    users = models.PositiveIntegerField(_("users"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["product", "-month"]
        verbose_name = _("users of a product")
        verbose_name_plural = _("users per product")
        constraints = [
            models.UniqueConstraint(fields=["product", "month"], name="product_users_once_per_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="product_users_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.month:%Y-%m}: {self.users}"


class Stage(models.TextChoices):
    PLAN = "plan", _("Plan")
    DO = "do", _("Do")
    CHECK = "check", _("Check")
    ACT = "act", _("Act")
    DONE = "done", _("Done")


STAGE_ORDER = [Stage.PLAN, Stage.DO, Stage.CHECK, Stage.ACT, Stage.DONE]


class Measure(models.TextChoices):
    """A figure of the report that an action should move; its value comes from the monthly figures."""

    QUESTIONS = "questions", _("Questions about the product")
    CAUSE = "cause", _("Questions with this cause")
    REPEAT = "repeat", _("Repeat questions")
    HELP_SCORE = "help_score", _("Satisfaction with the help")
    TECHNOLOGY_SCORE = "technology_score", _("Satisfaction with the technology")
    ESCALATED = "escalated", _("Questions passed to the professionals")


class ImprovementAction(models.Model):
    """A verbeteractie: what is done about a bottleneck or a satisfaction result (Plan-Do-Check-Act)."""

    class Scale(models.TextChoices):
        NONE = "", _("None")
        HELP = "help", _("Satisfaction with the help")
        TECHNOLOGY = "technology", _("Satisfaction with the technology")

    title = models.CharField(_("what"), max_length=200)
    reason = models.TextField(_("why"), max_length=2000)
    product = models.ForeignKey(
        "tenants.Product", verbose_name=_("product"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cause = models.CharField(_("cause"), max_length=20, choices=BottleneckCause.choices, blank=True, default="")
    satisfaction = models.CharField(
        _("satisfaction result"), max_length=20, choices=Scale.choices, blank=True, default=""
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.PLAN)
    planned_on = models.DateField(_("planned on"), default=dt.date.today)
    do_on = models.DateField(_("started on"), null=True, blank=True)
    check_on = models.DateField(_("checked on"), null=True, blank=True)
    act_on = models.DateField(_("acted on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices, default=Measure.QUESTIONS)
    month_before = models.DateField(_("month before"), null=True, blank=True)
    month_after = models.DateField(_("month after"), null=True, blank=True)
    value_before = models.FloatField(_("value before"), null=True, blank=True)
    value_after = models.FloatField(_("value after"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["done_on", "-planned_on", "-pk"]
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        indexes = [models.Index(fields=["stage"], name="action_stage")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.stage == Stage.DONE

    def next_stage(self) -> str | None:
        index = STAGE_ORDER.index(Stage(self.stage))
        return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None
