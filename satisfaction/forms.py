"""The two questions about a solved question, and the optional comment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from satisfaction.models import COMMENT_MAX_LENGTH, Score


def _score_field(label: str, message: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=Score.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


class SurveyForm(forms.Form):
    help_score = _score_field(
        _("How satisfied are you with the help?"), _("Choose a face to say how satisfied you are with the help.")
    )
    technology_score = _score_field(
        _("How satisfied are you with the technology?"),
        _("Choose a face to say how satisfied you are with the technology."),
    )
    comment = forms.CharField(
        label=_("Do you want to tell us more?"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: what went well, or what could be better."),
    )

    def __init__(self, *args: Any, product_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["help_score"].help_text = _("Did the helper help you well?")
        if product_name:
            self.fields["technology_score"].help_text = _("It is about: %(product)s") % {"product": product_name}
