"""Forms of the professionals' queue. They validate; selectors and services do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from escalations.models import AlertPreference
from escalations.selectors import QueueFilters


class IdChoiceField(forms.TypedChoiceField):
    """A select of rows by id that accepts any whole number.

    The choices come from a cache that may be a minute old; an organisation added meanwhile can
    still be filtered by (from a link), and an unknown id simply finds nothing.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, required=False, empty_value=None, **kwargs)

    def valid_value(self, value: Any) -> bool:
        text = str(value)
        return text.isascii() and text.isdigit() and len(text) <= 18


class QueueFilterForm(forms.Form):
    """Filters by organisation and product. The choices come in as (id, name) pairs, so checking
    a choice costs no query (a model choice field would look the row up)."""

    organisation = IdChoiceField(label=_("Care organisation"))
    product = IdChoiceField(label=_("Product"))

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[int, str]],
        products: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("All care organisations")), *organisations]
        self.fields["product"].choices = [("", _("All products")), *products]

    def filters(self) -> QueueFilters:
        if not self.is_bound or not self.is_valid():
            return QueueFilters()
        return QueueFilters(
            organisation_id=self.cleaned_data.get("organisation"),
            product_id=self.cleaned_data.get("product"),
        )


class AlertPreferenceForm(forms.Form):
    rest = forms.ChoiceField(
        label=_("When do you want an e-mail about questions that are not urgent?"),
        choices=AlertPreference.Rest.choices,
        widget=forms.RadioSelect,
        help_text=_("Urgent questions and worries about safety always come at once."),
        error_messages={"required": _("Choose when you want an e-mail.")},
    )
