"""Forms for the queue and the question page. They validate; services do the work."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import Product
from tickets.models import (
    VOLUNTEER_ESCALATION_REASONS,
    BottleneckCause,
    Channel,
    ContactMethod,
    EscalationReason,
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
    with_professionals = forms.BooleanField(label=_("Only questions with the professionals"), required=False)

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
            with_professionals=bool(data.get("with_professionals")),
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

MAX_DUTY_HOURS = 12
MAX_PLAN_AHEAD_DAYS = 366


# "24-12-2026", "24/12/26", "24 12 2026", "2026-12-24"; "16:30", "16.30", "1630", "16u30", "16".
DAY_MONTH_YEAR_RE = re.compile(r"^(\d{1,2})[\s./-]+(\d{1,2})[\s./-]+(\d{2}|\d{4})$")
YEAR_MONTH_DAY_RE = re.compile(r"^(\d{4})[\s./-]+(\d{1,2})[\s./-]+(\d{1,2})$")
TIME_RE = re.compile(r"^(\d{1,2})(?:\s*[.:hu]?\s*(\d{2}))?\s*(?:uur|u|h)?$", re.IGNORECASE)


class DayField(forms.DateField):
    """A day typed the way people write it, in a plain text box (no date picker to learn)."""

    widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "input--day"})

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if found := YEAR_MONTH_DAY_RE.match(text):
            year, month, day = (int(part) for part in found.groups())
        elif found := DAY_MONTH_YEAR_RE.match(text):
            day, month, year = (int(part) for part in found.groups())
            year += 2000 if year < 100 else 0
        else:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return date(year, month, day)
        except ValueError as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error


class ClockTimeField(forms.TimeField):
    """A time of day as people write it: 16:30, 16.30, 1630, 16u30 or just 16."""

    widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "input--time"})

    def to_python(self, value: Any) -> time | None:
        if value in self.empty_values:
            return None
        if isinstance(value, time):
            return value
        found = TIME_RE.match(str(value).strip())
        if found:
            hours, minutes = int(found.group(1)), int(found.group(2) or 0)
            if hours < 24 and minutes < 60:
                return time(hours, minutes)
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


def _local(day: date, at: time) -> datetime:
    """A date and a time on the organisation's clock, as a moment."""
    return timezone.make_aware(datetime.combine(day, at))


class DutyStartForm(forms.Form):
    """ "I am on duty now, until …": a few simple lengths, or a time later today."""

    prefix = "start"
    UNTIL_TIME = "until"

    length = forms.ChoiceField(
        label=_("How long are you on duty?"),
        choices=[
            ("1", _("1 hour")),
            ("2", _("2 hours")),
            ("4", _("4 hours")),
            (UNTIL_TIME, _("Until a time today")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how long you are on duty."),
            "invalid_choice": _("Choose one of the lengths in the list."),
        },
    )
    until = ClockTimeField(
        label=_("Until what time today?"),
        required=False,
        help_text=_("Only when you chose “Until a time today”. For example: 16:30."),
        error_messages={"invalid": _("Write the time like 16:30.")},
    )

    def __init__(self, *args: Any, now: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        length = data.get("length")
        if not length:
            return data
        if length != self.UNTIL_TIME:
            data["until_at"] = self.now + timedelta(hours=int(length))
            return data
        until = data.get("until")
        if until is None:
            if "until" not in self.errors:
                self.add_error("until", _("Write until what time you are on duty."))
            return data
        until_at = _local(timezone.localdate(self.now), until)
        if until_at <= self.now:
            self.add_error("until", _("Choose a time later than now."))
        elif until_at - self.now > timedelta(hours=MAX_DUTY_HOURS):
            self.add_error(
                "until", _("You can be on duty for at most %(hours)d hours at a time.") % {"hours": MAX_DUTY_HOURS}
            )
        else:
            data["until_at"] = until_at
        return data


class DutyPlanForm(forms.Form):
    """A period later on when the volunteer will be on duty: a day, and from and until what time."""

    prefix = "plan"

    day = DayField(
        label=_("Day"),
        help_text=_("For example: 24-12-2026."),
        error_messages={"required": _("Write the day."), "invalid": _("Write the day like 24-12-2026.")},
    )
    starts = ClockTimeField(
        label=_("From"),
        help_text=_("For example: 10:00."),
        error_messages={"required": _("Write from what time."), "invalid": _("Write the time like 10:00.")},
    )
    ends = ClockTimeField(
        label=_("Until"),
        help_text=_("For example: 12:00."),
        error_messages={"required": _("Write until what time."), "invalid": _("Write the time like 12:00.")},
    )

    def __init__(self, *args: Any, now: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day, starts, ends = data.get("day"), data.get("starts"), data.get("ends")
        if day is None or starts is None or ends is None:
            return data
        starts_at, ends_at = _local(day, starts), _local(day, ends)
        if ends_at <= starts_at:
            self.add_error("ends", _("The end must be later than the start."))
        elif starts_at <= self.now:
            self.add_error("starts", _("Choose a moment in the future. To start now, use “I am on duty now”."))
        elif ends_at - starts_at > timedelta(hours=MAX_DUTY_HOURS):
            self.add_error("ends", _("A period can be at most %(hours)d hours.") % {"hours": MAX_DUTY_HOURS})
        elif day > timezone.localdate(self.now) + timedelta(days=MAX_PLAN_AHEAD_DAYS):
            self.add_error("day", _("Plan at most a year ahead."))
        else:
            data["starts_at"], data["ends_at"] = starts_at, ends_at
        return data
