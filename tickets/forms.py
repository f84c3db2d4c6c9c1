"""Forms for the queue and the question page. They validate; services do the work."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tenants.models import Product
from tickets.models import (
    BottleneckCause,
    Channel,
    ContactMethod,
    NotificationPreference,
    OnBehalfRelation,
    Priority,
    Status,
)
from tickets.selectors import QueueFilters
from tickets.uploads import CleanPhoto, photo_clean

if TYPE_CHECKING:
    from helpdesk.accounts.models import User

MESSAGE_MAX_LENGTH = 5000


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

    def __init__(self, *args: Any, products: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products

    def filters(self) -> QueueFilters:
        data = self.cleaned_data
        return QueueFilters(
            product=data["product"].pk if data.get("product") else None,
            status=data.get("status") or "",
            mine=bool(data.get("mine")),
            unassigned=bool(data.get("unassigned")),
            q=data.get("q") or "",
        )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The person who asked reads this. Use short sentences and plain words."),
    )


class NoteForm(forms.Form):
    prefix = "note"

    body = forms.CharField(
        label=_("Internal note"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only helpers see this note. The person who asked never sees it."),
    )


class ResolveForm(forms.Form):
    prefix = "resolve"

    cause = forms.ChoiceField(
        label=_("What was the cause?"),
        choices=BottleneckCause.choices,
        widget=forms.RadioSelect,
        help_text=_("The monthly report counts these causes."),
    )


class ProductTopicForm(forms.Form):
    prefix = "about"

    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none(), empty_label=None)
    topic = forms.CharField(label=_("Topic"), max_length=100, required=False)

    def __init__(self, *args: Any, products: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products


class RequesterReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class IntakeForm(forms.Form):
    """A question that came in by phone, at the desk or by e-mail, recorded by a helper."""

    channel = forms.ChoiceField(
        label=_("How did the question come in?"),
        choices=[c for c in Channel.choices if c[0] != Channel.WEB],
        widget=forms.RadioSelect,
        initial=Channel.PHONE,
    )
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none(), empty_label=None)
    subject = forms.CharField(label=_("The question in a few words"), max_length=200)
    body = forms.CharField(
        label=_("The question"), max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )
    contact_name = forms.CharField(label=_("Name of the person who asks"), max_length=150)
    contact_method = forms.ChoiceField(
        label=_("How do we give the answer?"),
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        initial=ContactMethod.CALL_BACK,
    )
    contact_phone = forms.CharField(label=_("Phone number"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("E-mail address"), required=False)
    on_behalf_of_name = forms.CharField(label=_("Asked for someone else? Their name"), max_length=150, required=False)
    on_behalf_relation = forms.ChoiceField(
        label=_("The person who asks is"), choices=OnBehalfRelation.choices, required=False
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)

    def __init__(self, *args: Any, products: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        method = data.get("contact_method")
        if method == ContactMethod.CALL_BACK and not data.get("contact_phone"):
            self.add_error("contact_phone", _("Fill in a phone number, so we can call back."))
        if method == ContactMethod.EMAIL and not data.get("contact_email"):
            self.add_error("contact_email", _("Fill in an e-mail address, so we can send the answer."))
        if data.get("on_behalf_relation") and not data.get("on_behalf_of_name"):
            self.add_error("on_behalf_of_name", _("Fill in for whom the question is."))
        return data


# --- Asking a question, one question per page ---------------------------------------------------------


class AskProductForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Which product is your question about?"),
        queryset=Product.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose the product your question is about.")},
    )

    def __init__(self, *args: Any, products: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products


class AskQuestionForm(forms.Form):
    subject = forms.CharField(
        label=_("Your question in a few words"),
        max_length=200,
        help_text=_("For example: the tablet does not turn on."),
        error_messages={"required": _("Write your question in a few words.")},
    )
    body = forms.CharField(
        label=_("Tell us more"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What did you do? What happened?"),
        error_messages={"required": _("Tell us a little more about your question.")},
    )
    # A field people never see. Robots fill in every field; a question with this filled in is dropped.
    website = forms.CharField(required=False, label=_("Leave this empty"))


class AskForWhomForm(forms.Form):
    for_whom = forms.ChoiceField(
        label=_("Who is the question for?"),
        choices=[("me", _("For me")), ("other", _("For someone else"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who the question is for.")},
    )
    on_behalf_of_name = forms.CharField(label=_("Their name"), max_length=150, required=False)
    on_behalf_relation = forms.ChoiceField(
        label=_("I am their"),
        choices=[c for c in OnBehalfRelation.choices if c[0]],
        widget=forms.RadioSelect,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("for_whom") == "other":
            if not data.get("on_behalf_of_name"):
                self.add_error("on_behalf_of_name", _("Write the name of the person the question is for."))
            if not data.get("on_behalf_relation"):
                self.add_error("on_behalf_relation", _("Choose how you know this person."))
        else:
            data["on_behalf_of_name"] = ""
            data["on_behalf_relation"] = ""
        return data


class AskContactForm(forms.Form):
    contact_method = forms.ChoiceField(
        label=_("How do you want the answer?"),
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you want the answer.")},
    )
    contact_name = forms.CharField(
        label=_("Your name"), max_length=150, error_messages={"required": _("Write your name.")}
    )
    contact_phone = forms.CharField(label=_("Your phone number"), max_length=30, required=False)
    contact_email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        error_messages={"invalid": _("Write an e-mail address like name@example.nl.")},
    )

    def __init__(self, *args: Any, known: User | None = None, **kwargs: Any) -> None:
        """`known`: the signed-in person. What their account already tells us is not asked again."""
        super().__init__(*args, **kwargs)
        self.known = known
        if known is not None:
            del self.fields["contact_name"]
            if known.email:
                del self.fields["contact_email"]
            if known.phone:
                del self.fields["contact_phone"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.known is not None:
            data.setdefault("contact_name", self.known.full_name)
            data.setdefault("contact_email", self.known.email or "")
            data.setdefault("contact_phone", self.known.phone)
            if "contact_email" not in self.fields and "contact_phone" not in self.fields:
                return data
        method = data.get("contact_method")
        if method == ContactMethod.CALL_BACK and not data.get("contact_phone"):
            self.add_error("contact_phone", _("Write your phone number, so we can call you."))
        if method == ContactMethod.EMAIL and not data.get("contact_email") and "contact_email" not in self.errors:
            self.add_error("contact_email", _("Write your e-mail address, so we can send the answer."))
        if method == ContactMethod.WEBSITE and not (data.get("contact_email") or data.get("contact_phone")):
            self.add_error(
                "contact_email",
                _("Write your e-mail address or phone number. With it you can open your question later."),
            )
        return data


class OpenQuestionForm(forms.Form):
    """Opening a question without an account: its number and the e-mail address or phone number given."""

    reference = forms.CharField(
        label=_("Your question number"),
        max_length=30,
        help_text=_("For example: AMP-1042. Spaces and small letters are fine."),
        error_messages={"required": _("Write the number of your question.")},
    )
    contact = forms.CharField(
        label=_("Your e-mail address or phone number"),
        max_length=150,
        help_text=_("The one you gave when you asked the question."),
        error_messages={"required": _("Write your e-mail address or phone number.")},
    )


class PhotoForm(forms.Form):
    prefix = "photo"

    photo = forms.FileField(
        label=_("Photo or screenshot"),
        help_text=_("A JPG, PNG, GIF or WebP file of at most 5 MB."),
        error_messages={"required": _("Choose a photo."), "empty": _("This file is empty. Choose a photo.")},
        # Inline size until site.css styles file inputs: fits 320 px and is a 44 px target.
        widget=forms.ClearableFileInput(
            attrs={
                "accept": "image/jpeg,image/png,image/gif,image/webp",
                "style": "max-width: 100%; min-height: 44px; box-sizing: border-box",
            }
        ),
    )

    def clean_photo(self) -> CleanPhoto:
        return photo_clean(self.cleaned_data["photo"])


class NotificationForm(forms.Form):
    new_questions = forms.ChoiceField(
        label=_("When do you want an e-mail about new questions?"),
        choices=NotificationPreference.NewQuestions.choices,
        widget=forms.RadioSelect,
    )


class SavedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120, help_text=_("Helpers choose the reply by this title."))
    body = forms.CharField(label=_("Text"), max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6}))
