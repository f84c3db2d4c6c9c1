from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from tenants.models import RESERVED_SLUGS, TIME_ZONES, CareOrganisation, Product


def _products_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("Supported products"),
        queryset=Product.objects.filter(retired_at__isnull=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class OrganisationForm(forms.ModelForm):
    manager_name = forms.CharField(
        label=_("Name of the first manager"),
        max_length=150,
        help_text=_("The invitation greets them by this name."),
        error_messages={"required": _("Write the name of the first manager.")},
    )
    manager_email = forms.EmailField(
        label=_("E-mail address of the first manager"),
        help_text=_("This person gets an invitation and can then invite the others."),
    )
    reference_prefix = forms.CharField(
        label=_("reference prefix"),
        max_length=5,
        help_text=_("Two to five letters before each question number, for example AMP."),
    )
    products = _products_field()

    class Meta:
        model = CareOrganisation
        fields = [
            "name",
            "slug",
            "reference_prefix",
            "brand_colour",
            "default_language",
            "help_phone",
            "monthly_fee",
            "expected_questions_per_month",
        ]
        help_texts = {
            "slug": _("The first part of the web address, for example amphia for amphia.example.org."),
        }
        widgets = {"brand_colour": forms.TextInput(attrs={"type": "color"})}

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip().lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This web address is reserved. Choose another."))
        if CareOrganisation.objects.filter(schema_name=CareOrganisation.schema_for_slug(slug)).exists():
            raise forms.ValidationError(_("This web address is already in use."))
        return slug

    def clean_reference_prefix(self) -> str:
        prefix = "".join(self.cleaned_data["reference_prefix"].split()).upper()
        if CareOrganisation.objects.filter(reference_prefix=prefix).exists():
            raise forms.ValidationError(_("Another organisation already uses this prefix."))
        return prefix


class OrganisationEditForm(forms.ModelForm):
    """What the operator changes after the organisation was created: its contract and its face."""

    products = _products_field()

    class Meta:
        model = CareOrganisation
        fields = list(CareOrganisation.PORTAL_FIELDS)
        widgets = {
            "brand_colour": forms.TextInput(attrs={"type": "color"}),
            "contract_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "help_phone": _("Shown on every page of the organisation, for people who want to call."),
            "brand_colour": _("The colour of the top of its pages. The text on it turns black or white by itself."),
            "time_zone": _("Its pages show times in it, and each month of its reports starts at midnight in it."),
        }
        error_messages = {
            "name": {"required": _("Write the name of the care organisation.")},
            "brand_colour": {"invalid": _("Use a colour like #1d5a8c.")},
            "monthly_fee": {
                "invalid": _("Write an amount in euro, such as 1450 or 1450.50."),
                "required": _("Write an amount in euro, such as 1450 or 1450.50."),
            },
            "expected_questions_per_month": {
                "invalid": _("Write a whole number, such as 40."),
                "required": _("Write a whole number, such as 40."),
            },
            "contract_start": {"invalid": _("Write a date like 2026-01-31.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["products"] = list(self.instance.products.values_list("pk", flat=True))
        self.fields["monthly_fee"].localize = False
        self.fields["help_phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["time_zone"].widget = forms.Select(choices=[(name, name) for name in TIME_ZONES])


def _bounds(name: str) -> tuple[int, int]:
    """The smallest and largest value the model allows for a setting: one source for both."""
    field = CareOrganisation._meta.get_field(name)
    low = max(v.limit_value for v in field.validators if isinstance(v, MinValueValidator))
    high = min(v.limit_value for v in field.validators if isinstance(v, MaxValueValidator))
    return int(low), int(high)


class OrganisationSettingsForm(forms.Form):
    """How an organisation's questions flow. The operator and the organisation's managers use it."""

    escalate_after_minutes = forms.IntegerField(label=_("Minutes a question may wait for a volunteer"))
    escalate_urgent_after_minutes = forms.IntegerField(label=_("Minutes an urgent question may wait for a volunteer"))
    max_open_per_volunteer = forms.IntegerField(label=_("Questions a volunteer may hold at once"))
    auto_close_days = forms.IntegerField(label=_("Days before a solved question closes by itself"))
    personal_data_months = forms.IntegerField(label=_("Months a solved question keeps personal data"))
    contact_person_name = forms.CharField(label=_("Contact person"), max_length=150, required=False)
    contact_person_email = forms.EmailField(
        label=_("E-mail address of the contact person"),
        required=False,
        help_text=_("This person hears at once about every question with a worry about safety."),
    )

    HINTS = {
        "escalate_after_minutes": _(
            "If no volunteer takes a question in this time, it goes to the professionals. "
            "From %(low)s to %(high)s minutes (240 minutes is 4 hours)."
        ),
        "escalate_urgent_after_minutes": _(
            "The same for urgent questions. Not longer than the limit above. From %(low)s to %(high)s minutes."
        ),
        "max_open_per_volunteer": _(
            "A volunteer who holds this many open questions cannot take another one. From %(low)s to %(high)s."
        ),
        "auto_close_days": _(
            "A solved question closes by itself after this many days without a reply. From %(low)s to %(high)s days."
        ),
        "personal_data_months": _(
            "After this, names, contact details, texts and photos are removed from a solved question. "
            "The figures for the reports stay. From %(low)s to %(high)s months."
        ),
    }
    RANGE_ERRORS = {
        "escalate_after_minutes": _("Enter a number of minutes from %(low)s to %(high)s."),
        "escalate_urgent_after_minutes": _("Enter a number of minutes from %(low)s to %(high)s."),
        "max_open_per_volunteer": _("Enter a number of questions from %(low)s to %(high)s."),
        "auto_close_days": _("Enter a number of days from %(low)s to %(high)s."),
        "personal_data_months": _("Enter a number of months from %(low)s to %(high)s."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, hint in self.HINTS.items():
            low, high = _bounds(name)
            field = self.fields[name]
            message = self.RANGE_ERRORS[name] % {"low": low, "high": high}
            field.min_value, field.max_value = low, high
            field.validators = [MinValueValidator(low, message=message), MaxValueValidator(high, message=message)]
            field.error_messages["invalid"] = message
            field.error_messages["required"] = message
            field.widget.attrs.update({"min": low, "max": high, "inputmode": "numeric"})
            field.help_text = hint % {"low": low, "high": high}
        self.fields["contact_person_email"].error_messages["invalid"] = _(
            "Enter an e-mail address like name@example.org."
        )
        self.fields["contact_person_email"].widget.attrs["autocomplete"] = "email"
        self.fields["contact_person_name"].widget.attrs["autocomplete"] = "name"

    @classmethod
    def for_organisation(cls, organisation: CareOrganisation, data: Any = None) -> OrganisationSettingsForm:
        return cls(data, initial={name: getattr(organisation, name) for name in CareOrganisation.SETTINGS_FIELDS})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        normal, urgent = data.get("escalate_after_minutes"), data.get("escalate_urgent_after_minutes")
        if normal is not None and urgent is not None and urgent > normal:
            self.add_error(
                "escalate_urgent_after_minutes",
                _("An urgent question may not wait longer than other questions (%(minutes)s minutes).")
                % {"minutes": normal},
            )
        return data


class RestoreForm(forms.Form):
    """A new organisation made from an export: its own name, web address and prefix."""

    archive = forms.FileField(
        label=_("Export file (ZIP)"), error_messages={"required": _("Choose the export file to restore.")}
    )
    name = forms.CharField(
        label=_("Name of the new organisation"),
        max_length=150,
        error_messages={"required": _("Give the new organisation a name.")},
    )
    slug = forms.SlugField(label=_("web address"), max_length=40, help_text=OrganisationForm.Meta.help_texts["slug"])
    reference_prefix = OrganisationForm.base_fields["reference_prefix"]

    clean_slug = OrganisationForm.clean_slug
    clean_reference_prefix = OrganisationForm.clean_reference_prefix


class OffboardForm(forms.Form):
    """Deleting an organisation for good: its name, typed, is the confirmation."""

    confirm_name = forms.CharField(
        label=_("Type the name of the organisation"),
        max_length=150,
        error_messages={"required": _("Type the name of the organisation to confirm. Nothing was deleted.")},
    )

    def __init__(self, *args: Any, organisation: CareOrganisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["confirm_name"].help_text = _("Type it exactly as it is written here: %(name)s") % {
            "name": organisation.name
        }

    def clean_confirm_name(self) -> str:
        value = self.cleaned_data["confirm_name"].strip()
        if value != self.organisation.name:
            raise forms.ValidationError(_("This is not the name of this organisation. Nothing was deleted."))
        return value
