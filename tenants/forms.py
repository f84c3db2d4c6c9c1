from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import RESERVED_SLUGS, CareOrganisation, Product


class OrganisationForm(forms.ModelForm):
    manager_email = forms.EmailField(
        label=_("E-mail address of the first manager"),
        help_text=_("This person gets an invitation and can then invite the others."),
    )
    reference_prefix = forms.CharField(
        label=_("reference prefix"),
        max_length=5,
        help_text=_("Two to five letters before each question number, for example AMP."),
    )
    products = forms.ModelMultipleChoiceField(
        label=_("Supported products"),
        queryset=Product.objects.filter(retired_at__isnull=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

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
