"""Forms of a helper's work on the queue and a question: filters, answers, notes, solving, product and topic, escalation, e-mail choice and saved replies. They validate; services do the work."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tenants.models import Product
from tickets.models import (
    VOLUNTEER_ESCALATION_REASONS,
    BottleneckCause,
    CloseReason,
    EscalationReason,
    NotificationPreference,
    Status,
)
from tickets.selectors import QueueFilters

if TYPE_CHECKING:
    pass

from tickets.forms.common import MESSAGE_MAX_LENGTH


def _product_menu(field: forms.ModelChoiceField, products: QuerySet[Product], choices: list | None) -> None:
    """`products` checks what is sent; the menu shows `choices` (id, name) when given, after the
    field's empty choice if it has one, rather than reading `products` again."""
    field.queryset = products
    if choices is not None:
        field.choices = choices if field.empty_label is None else [("", field.empty_label), *choices]


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.none(), required=False, empty_label=_("All products")
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All open questions")), *Status.choices], required=False
    )
    mine = forms.BooleanField(label=_("Only my questions"), required=False)
    unassigned = forms.BooleanField(label=_("Only questions nobody has taken"), required=False)
    with_professionals = forms.BooleanField(label=_("Only questions with the professionals"), required=False)

    def __init__(
        self, *args: Any, products: QuerySet[Product], choices: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _product_menu(self.fields["product"], products, choices)

    def filters(self) -> QueueFilters:
        data = self.cleaned_data
        return QueueFilters(
            product=data["product"].pk if data.get("product") else None,
            status=data.get("status") or "",
            mine=bool(data.get("mine")),
            unassigned=bool(data.get("unassigned")),
            with_professionals=bool(data.get("with_professionals")),
            q=data.get("q") or "",
        )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The person who asked reads this. Use short sentences and plain words."),
        error_messages={"required": _("Write your answer to the person who asked.")},
    )


class NoteForm(forms.Form):
    prefix = "note"

    body = forms.CharField(
        label=_("Internal note"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only helpers see this note. The person who asked never sees it."),
        error_messages={"required": _("Write the note for the other helpers.")},
    )


class ResolveForm(forms.Form):
    prefix = "resolve"

    cause = forms.ChoiceField(
        label=_("What was the cause?"),
        choices=BottleneckCause.choices,
        widget=forms.RadioSelect,
        help_text=_("The monthly report counts these causes."),
        error_messages={
            "required": _("Choose what the cause was."),
            "invalid_choice": _("Choose one of the causes in the list."),
        },
    )


class CallForm(forms.Form):
    """A call to the requester: did it reach them, and a short note they will read too."""

    prefix = "call"

    reached = forms.TypedChoiceField(
        label=_("Did you reach them?"),
        choices=[("yes", _("Yes, we spoke")), ("no", _("No, nobody answered. I will try again later."))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you reached the person who asked.")},
    )
    note = forms.CharField(
        label=_("Short note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What did you agree? The person who asked reads this on their page."),
        error_messages={"max_length": _("Keep the note to at most %(limit_value)d characters.")},
    )


class CloseForm(forms.Form):
    """Why a question that is not solved is closed."""

    prefix = "close"

    reason = forms.ChoiceField(
        label=_("Why do you close this question?"),
        choices=CloseReason.choices,
        widget=forms.RadioSelect,
        help_text=_("The monthly report counts these reasons."),
        error_messages={
            "required": _("Choose why you close the question."),
            "invalid_choice": _("Choose one of the reasons in the list."),
        },
    )


class ProductTopicForm(forms.Form):
    prefix = "about"

    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose the product."),
            "invalid_choice": _("Choose one of the products in the list."),
        },
    )
    topic = forms.CharField(label=_("Topic"), max_length=100, required=False)

    def __init__(
        self, *args: Any, products: QuerySet[Product], choices: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _product_menu(self.fields["product"], products, choices)


class NotificationForm(forms.Form):
    new_questions = forms.ChoiceField(
        label=_("When do you want an e-mail about new questions?"),
        choices=NotificationPreference.NewQuestions.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose when you want an e-mail.")},
    )


class SavedReplyForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_("Helpers choose the reply by this title."),
        error_messages={"required": _("Write a short title for the saved reply.")},
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write the text of the saved reply.")},
    )


# --- Escalation to the professionals -----------------------------------------------------------------

# The reasons a volunteer chooses from, in the words of the person choosing.

ESCALATION_REASON_WORDS = {
    EscalationReason.TOO_DIFFICULT: _("It is too difficult for me"),
    EscalationReason.NEEDS_SUPPLIER: _("The supplier of the product is needed"),
    EscalationReason.SAFETY_WORRY: _("It is urgent, or I worry about the client's safety"),
    EscalationReason.TOO_MUCH_NOW: _("It is more than I can handle now"),
}


class EscalateForm(forms.Form):
    prefix = "escalate"

    reason = forms.ChoiceField(
        label=_("Why do you pass the question on?"),
        choices=[(reason.value, ESCALATION_REASON_WORDS[reason]) for reason in VOLUNTEER_ESCALATION_REASONS],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose why you pass the question on."),
            "invalid_choice": _("Choose one of the reasons in the list."),
        },
    )
    note = forms.CharField(
        label=_("A note for the professional"),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What did you try? What does the person need? Only helpers see this note."),
    )


class HandBackForm(forms.Form):
    prefix = "hand_back"

    note = forms.CharField(
        label=_("What should the volunteers do next?"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The volunteers read this as an internal note. The person who asked does not see it."),
        error_messages={"required": _("Write what the volunteers should do next.")},
    )


# --- Duty ----------------------------------------------------------------------------------------
