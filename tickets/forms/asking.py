"""Forms of asking and following a question: the steps of asking, intake by a helper, opening a question with its number, the requester's reply and photos. They validate; services do the work."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tenants.models import Product
from tickets.models import (
    Channel,
    ContactMethod,
    OnBehalfRelation,
    Priority,
)
from tickets.uploads import CleanPhoto, photo_clean

if TYPE_CHECKING:
    from helpdesk.accounts.models import User

from tickets.forms.common import MESSAGE_MAX_LENGTH


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
    photo = forms.FileField(
        label=_("Add a photo"),
        required=False,
        help_text=_("A photo helps us see the problem. For example a photo of the screen."),
        error_messages={"empty": _("This file is empty. Choose another photo.")},
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )
    is_worry = forms.BooleanField(
        label=_("I am worried about someone's safety or health"),
        help_text=_(
            "For example: someone does not answer, has fallen, or the alarm does not work. "
            "A professional then looks at your question first. In an emergency, call 112."
        ),
        required=False,
    )
    # A field people never see. Robots fill in every field; a question with this filled in is dropped.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    # Shown only when a photo was chosen earlier in this question.
    remove_photo = forms.BooleanField(label=_("Remove this photo"), required=False)

    def clean_photo(self) -> CleanPhoto | None:
        upload = self.cleaned_data.get("photo")
        return photo_clean(upload) if isinstance(upload, UploadedFile) else None


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
        label=_("Your name"),
        max_length=150,
        error_messages={"required": _("Write your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    # Which of the two is needed depends on the answer above; the hints say so, clean() checks it.
    contact_phone = forms.CharField(
        label=_("Your phone number"),
        max_length=30,
        required=False,
        help_text=_("We need it to call you back."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_("We need it to send the answer by e-mail."),
        error_messages={"invalid": _("Write an e-mail address like name@example.nl.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
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


class RequesterReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class PhotoForm(forms.Form):
    prefix = "photo"

    photo = forms.FileField(
        label=_("Photo or screenshot"),
        help_text=_("A JPG, PNG, GIF or WebP file of at most 5 MB."),
        error_messages={"required": _("Choose a photo."), "empty": _("This file is empty. Choose a photo.")},
        # site.css sizes file inputs (fits 320 px, a 44 px target): the CSP allows no inline style.
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )

    def clean_photo(self) -> CleanPhoto:
        return photo_clean(self.cleaned_data["photo"])


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
    is_worry = forms.BooleanField(
        label=_("There is a worry about the safety or health of the client"),
        help_text=_("The question then goes straight to the professionals, and the contact person hears of it."),
        required=False,
    )

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
