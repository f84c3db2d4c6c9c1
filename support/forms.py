"""Forms for support for volunteers. They validate; services do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from support.models import Level
from tenants.models import Product
from tickets.forms import MESSAGE_MAX_LENGTH


class ApproveForm(forms.Form):
    prefix = "approve"

    body = forms.CharField(
        label=_("The answer"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("You may improve the text first. The person who asked gets it with the name of the trainee."),
        error_messages={"required": _("Write the answer the person who asked gets.")},
    )


class ReturnForm(forms.Form):
    prefix = "return"

    note = forms.CharField(
        label=_("Note for the trainee"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say kindly what to change. Only the trainee reads this note."),
        error_messages={"required": _("Write what the trainee should change.")},
    )


class AgainForm(forms.Form):
    prefix = "again"

    body = forms.CharField(
        label=_("Your new answer"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The person who asked reads this. Use short sentences and plain words."),
        error_messages={"required": _("Write your answer to the person who asked.")},
    )


class AdviceAskForm(forms.Form):
    prefix = "advice"

    body = forms.CharField(
        label=_("Your question to a professional"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only you and the professionals read this. The question stays yours."),
        error_messages={"required": _("Write what you want to ask the professionals.")},
    )


class AdviceAnswerForm(forms.Form):
    prefix = "answer"

    body = forms.CharField(
        label=_("Your advice"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the volunteer who asked and the professionals read this."),
        error_messages={"required": _("Write your advice or your addition.")},
    )


class LevelForm(forms.Form):
    prefix = "level"

    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.none(), required=False, empty_label=_("All products")
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a level.")},
    )

    def __init__(self, *args: Any, products: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
