"""Forms of the reporting pages: they validate; services write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.models import Role, User
from reporting import months
from reporting.models import ImprovementAction, Measure
from tenants.models import Product

UPLOAD_MAX_BYTES = 256 * 1024


def month_choices(last: dt.date, count: int, *, blank: str | None = None) -> list[tuple[str, str]]:
    choices = [
        (f"{months.add_months(last, -offset):%Y-%m}", formats.date_format(months.add_months(last, -offset), "F Y"))
        for offset in range(count)
    ]
    return [("", blank), *choices] if blank is not None else choices


class DashboardFilterForm(forms.Form):
    product = forms.ChoiceField(label=_("Product"), required=False)
    month = forms.ChoiceField(label=_("Month"), required=False)

    def __init__(self, *args: Any, products: QuerySet[Product], this_month: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.this_month = this_month
        self.fields["product"].choices = [("", _("All products")), *((str(p.pk), p.name) for p in products)]
        self.fields["month"].choices = month_choices(this_month, 13)

    def chosen(self) -> tuple[list[int] | None, dt.date]:
        """(product ids or None for all, month); bad values fall back to all products and this month."""
        if not self.is_bound or not self.is_valid():
            return None, self.this_month
        product = self.cleaned_data.get("product")
        month = months.parse_month(self.cleaned_data.get("month") or "") or self.this_month
        return ([int(product)] if product else None), month


class RequestMonthForm(forms.Form):
    month = forms.ChoiceField(label=_("Month"))

    def __init__(self, *args: Any, last_month: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices(last_month, 24)

    def clean_month(self) -> dt.date:
        month = months.parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(_("Choose a month from the list."))
        return month


class MonthField(forms.ChoiceField):
    """A month chosen from a list as `YYYY-MM`, cleaned to its first day."""

    def clean(self, value: Any) -> dt.date | None:
        value = super().clean(value)
        return months.parse_month(value) if value else None


class ActionForm(forms.ModelForm):
    month_before = MonthField(
        label=_("Month before"), required=False, help_text=_("The month whose figure is the starting point.")
    )
    month_after = MonthField(
        label=_("Month after"), required=False, help_text=_("The month whose figure shows the result.")
    )

    class Meta:
        model = ImprovementAction
        fields = [
            "title",
            "reason",
            "product",
            "cause",
            "satisfaction",
            "owner",
            "measure",
            "month_before",
            "month_after",
        ]
        widgets = {"reason": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, products: QuerySet[Product], this_month: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["product"].required = False
        self.fields["owner"].queryset = User.objects.filter(
            role__in=(Role.MANAGER, Role.PROFESSIONAL), is_active=True
        ).order_by("full_name")
        self.fields["measure"].choices = Measure.choices
        for name in ("month_before", "month_after"):
            self.fields[name].choices = month_choices(months.add_months(this_month, 12), 37, blank=_("Not yet"))
            value = getattr(self.instance, name, None)
            if value and not self.is_bound:
                self.initial[name] = f"{value:%Y-%m}"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("measure") == Measure.CAUSE and not data.get("cause"):
            self.add_error("cause", _("Choose the cause this action should make less frequent."))
        before, after = data.get("month_before"), data.get("month_after")
        if before and after and after <= before:
            self.add_error("month_after", _("The month after must come after the month before."))
        return data


class ProductUsersForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    month = forms.ChoiceField(label=_("From month"))
    users = forms.IntegerField(label=_("Number of clients who use it"), min_value=0, max_value=10_000_000)

    def __init__(self, *args: Any, products: QuerySet[Product], this_month: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["month"].choices = month_choices(this_month, 24)
        self.fields["users"].widget.attrs.update({"inputmode": "numeric"})

    def clean_month(self) -> dt.date:
        month = months.parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(_("Choose a month from the list."))
        return month


class ProductUsersUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("One line per product: product; month (2025-03); users. A header line is allowed."),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large: at most 256 KB."))
        data = upload.read()
        if b"\x00" in data[:4096]:
            raise forms.ValidationError(_("This is not a CSV file. Save it as CSV (text) and try again."))
        return data
