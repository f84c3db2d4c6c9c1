"""The public side: care organisations (tenants), their domains and the product catalogue."""

from __future__ import annotations

import re
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from helpdesk.urls_util import absolute_url
from tenants.product_choices import product_choices_forget

SLUG_VALIDATOR = RegexValidator(
    r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$",
    _("Use 3 to 40 lower-case letters, digits or dashes, starting with a letter."),
)
PREFIX_VALIDATOR = RegexValidator(r"^[A-Z]{2,5}$", _("Use 2 to 5 capital letters, such as AMP."))
COLOUR_VALIDATOR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1d5a8c."))

# The time zones a care organisation can have: Europe's, and those of the Dutch and Danish
# places overseas (the Caribbean, Greenland, the Faroe Islands).
TIME_ZONES = tuple(
    sorted(
        name
        for name in zoneinfo.available_timezones()
        if name.startswith("Europe/")
        or name
        in {
            "America/Aruba",
            "America/Curacao",
            "America/Kralendijk",
            "America/Lower_Princes",
            "America/Nuuk",
            "Atlantic/Canary",
            "Atlantic/Faroe",
            "Atlantic/Madeira",
            "Atlantic/Azores",
        }
    )
)


def TIME_ZONE_VALIDATOR(value: str) -> None:
    if value not in TIME_ZONES:
        raise ValidationError(_("Choose a time zone from the list, such as Europe/Amsterdam."))


RESERVED_SLUGS = frozenset({"www", "admin", "api", "static", "files", "mail", "portal", "tenant-template"})


class Product(models.Model):
    """A supported care technology in the operator's global catalogue.

    Tenant rows point at products, so a product is never deleted, only retired.
    """

    class Kind(models.TextChoices):
        APP = "app", _("App")
        DEVICE = "device", _("Device")
        ALARM = "alarm", _("Alarm or sensor")
        SERVICE = "service", _("Service")

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.APP)
    supplier = models.CharField(_("supplier"), max_length=120, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    icon = models.CharField(
        _("picture"), max_length=60, default="generic", help_text=_("File name in static/img/products.")
    )
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.name

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:  # type: ignore[override]
        raise models.ProtectedError(_("Products are retired, never deleted."), {self})

    def retire(self) -> None:
        if self.retired_at is None:
            self.retired_at = timezone.now()
            self.save(update_fields=["retired_at"])
            product_choices_forget(self.organisations.all())


class CareOrganisation(TenantMixin):
    """A care organisation: the tenant, with one PostgreSQL schema of its own."""

    # What the operator and the organisation's managers may change themselves.
    # What the operator changes after creating it; the web address and the reference prefix stay,
    # because links, e-mails and reference numbers already carry them.
    PORTAL_FIELDS = (
        "name",
        "help_phone",
        "brand_colour",
        "default_language",
        "monthly_fee",
        "expected_questions_per_month",
        "contract_start",
        "time_zone",
    )
    SETTINGS_FIELDS = (
        "escalate_after_minutes",
        "escalate_urgent_after_minutes",
        "max_open_per_volunteer",
        "auto_close_days",
        "personal_data_months",
        "contact_person_name",
        "contact_person_email",
    )

    class Status(models.TextChoices):
        PROVISIONING = "provisioning", _("Being set up")
        ACTIVE = "active", _("Active")
        FAILED = "failed", _("Set-up failed")
        SUSPENDED = "suspended", _("Suspended")

    class Language(models.TextChoices):
        DUTCH = "nl", _("Dutch")
        ENGLISH = "en", _("English")

    # The schema is created by a Celery task from the template schema, never on save.
    auto_create_schema = False
    auto_drop_schema = False

    name = models.CharField(_("name"), max_length=150)
    slug = models.CharField(_("web address"), max_length=40, unique=True, validators=[SLUG_VALIDATOR])
    reference_prefix = models.CharField(_("reference prefix"), max_length=5, unique=True, validators=[PREFIX_VALIDATOR])
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    brand_colour = models.CharField(_("brand colour"), max_length=7, default="#1d5a8c", validators=[COLOUR_VALIDATOR])
    default_language = models.CharField(
        _("default language"), max_length=5, choices=Language.choices, default=Language.DUTCH
    )
    help_phone = models.CharField(_("help phone number"), max_length=30, blank=True)
    # Its pages show times in it, and a month of its reports runs from midnight to midnight in it.
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Amsterdam", validators=[TIME_ZONE_VALIDATOR]
    )
    monthly_fee = models.DecimalField(
        _("monthly fee (euro)"), max_digits=9, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    expected_questions_per_month = models.PositiveIntegerField(_("expected questions per month"), default=0)
    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    # How the organisation's questions flow: limits for waiting, holding and closing.
    escalate_after_minutes = models.PositiveIntegerField(
        _("minutes a question may wait for a volunteer"),
        default=240,
        validators=[MinValueValidator(5), MaxValueValidator(60 * 24 * 14)],
        help_text=_("After this, a question nobody took goes to the professionals."),
    )
    escalate_urgent_after_minutes = models.PositiveIntegerField(
        _("minutes an urgent question may wait"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(60 * 24 * 14)],
    )
    # While no volunteer is on duty, a new question goes to the professionals at once (and the
    # sweep sends those still waiting). Off: questions wait for the volunteers until their limit.
    escalate_when_nobody_on_duty = models.BooleanField(
        _("questions go to the professionals while no volunteer is on duty"), default=True
    )
    max_open_per_volunteer = models.PositiveSmallIntegerField(
        _("questions a volunteer may hold at once"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    auto_close_days = models.PositiveSmallIntegerField(
        _("days before a solved question closes by itself"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    # Retention (AVG): how long a solved question keeps its personal data; then a beat task
    # removes names, contact details, texts and photos, and keeps the figures.
    personal_data_months = models.PositiveSmallIntegerField(
        _("months a solved question keeps personal data"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    contact_person_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_person_email = models.EmailField(
        _("contact person's e-mail address"),
        blank=True,
        help_text=_("Hears at once about every question with a worry about safety."),
    )
    products = models.ManyToManyField(
        Product, verbose_name=_("supported products"), blank=True, related_name="organisations"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROVISIONING)
    provisioning_step = models.CharField(max_length=40, blank=True)
    provisioning_error = models.TextField(blank=True)
    provisioned_seconds = models.FloatField(null=True, blank=True)
    first_manager_email = models.EmailField(_("first manager's e-mail address"), blank=True)
    first_manager_name = models.CharField(_("first manager's name"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("care organisation")
        verbose_name_plural = _("care organisations")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def schema_for_slug(slug: str) -> str:
        return settings.TENANT_SCHEMA_PREFIX + re.sub(r"[^a-z0-9]", "_", slug)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_provisioning(self) -> bool:
        return self.status == self.Status.PROVISIONING

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def is_suspended(self) -> bool:
        """Closed by the operator: its site says so, its data stays."""
        return self.status == self.Status.SUSPENDED

    @property
    def is_stopped(self) -> bool:
        """Its site does not open: setting it up failed, or it is suspended."""
        return self.status in (self.Status.FAILED, self.Status.SUSPENDED)

    @property
    def can_be_exported(self) -> bool:
        """Its schema is whole: open, or closed by the operator (export it before offboarding)."""
        return self.status in (self.Status.ACTIVE, self.Status.SUSPENDED)

    @property
    def host(self) -> str:
        return f"{self.slug}.{settings.BASE_DOMAIN}"

    def absolute_url(self, path: str = "/") -> str:
        return absolute_url(self.host, path)

    def reference_for(self, number: int) -> str:
        """The reference people quote for question `number`, such as AMP-1042."""
        return f"{self.reference_prefix}-{number}"

    def text_colour(self) -> str:
        """Black or white, whichever reads better on the brand colour."""
        red, green, blue = (int(self.brand_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        luminance = 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
        return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"

    def active_products(self) -> models.QuerySet[Product]:
        return self.products.filter(retired_at__isnull=True)


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
