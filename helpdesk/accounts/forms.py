from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from helpdesk.accounts.models import AUDIT_ACTION_LABELS, TENANT_ROLES, RequesterKind, Role, User


class EmailLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send you a link. With the link you are signed in."),
        error_messages={
            "required": _("Type your e-mail address."),
            "invalid": _("Type an e-mail address like name@example.nl."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class PasswordSignInForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address like name@example.org."),
        },
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class OtpForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("Six digits. Spaces are fine."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data["code"] if ch in "0123456789")
        if len(code) != 6:
            raise forms.ValidationError(_("Enter the six digits from your authenticator app."))
        return code


class NewPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_("At least 10 characters. A short sentence works well."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Choose a password.")},
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the same password again.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        if user.has_usable_password():
            # Changing a password asks for the current one, so an unattended session cannot.
            self.fields = {
                "current": forms.CharField(
                    label=_("Your current password"),
                    strip=False,
                    widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                    error_messages={"required": _("Enter your current password.")},
                ),
                **self.fields,
            }

    def clean_current(self) -> str:
        current = self.cleaned_data["current"]
        if not self.user.check_password(current):
            raise forms.ValidationError(_("This is not your current password."))
        return current

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


ROLE_CHOICES = [(role.value, role.label) for role in TENANT_ROLES if role != Role.PROFESSIONAL]


class UserForm(forms.ModelForm):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what this person does here.")},
    )
    requester_kind = forms.ChoiceField(
        label=_("This person is a"), choices=RequesterKind.choices, required=False, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(
        label=_("language"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the language this person reads best.")},
    )

    class Meta:
        model = User
        fields = ["full_name", "email", "phone", "role", "requester_kind", "language"]
        help_texts = {"email": _("Needed for staff. For clients it is optional: a login card also works.")}
        error_messages = {
            "full_name": {"required": _("Write the person's name.")},
            "email": {"invalid": _("Enter an e-mail address like name@example.org.")},
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        # The edit form has no e-mail field: there the address on file counts.
        email = data.get("email") if "email" in self.fields else self.instance.email
        if role in (Role.VOLUNTEER, Role.MANAGER) and not email:
            field = "email" if "email" in self.fields else "role"
            self.add_error(field, _("Staff need an e-mail address to sign in."))
        if role == Role.REQUESTER and not data.get("requester_kind"):
            self.add_error("requester_kind", _("Choose what kind of requester this is."))
        return data

    def clean_email(self) -> str | None:
        email = (self.cleaned_data.get("email") or "").strip().lower()
        if not email:
            return None
        clash = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Someone in this organisation already uses this e-mail address."))
        return email


class UserEditForm(UserForm):
    is_active = forms.BooleanField(label=_("This person can sign in"), required=False)
    language = None  # people choose their own language

    class Meta(UserForm.Meta):
        fields = ["full_name", "phone", "role", "requester_kind", "is_active"]


class OperatorStaffForm(forms.Form):
    """A new professional or operator admin, added in the portal."""

    full_name = forms.CharField(
        label=_("Name"), max_length=150, error_messages={"required": _("Write the person's full name.")}
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The invitation goes here. It is also how this person signs in."),
        error_messages={
            "required": _("Write the e-mail address the invitation should go to."),
            "invalid": _("Enter an e-mail address like name@example.org."),
        },
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(role.value, role.label) for role in (Role.PROFESSIONAL, Role.OPERATOR_ADMIN)],
        initial=Role.PROFESSIONAL,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what this person does.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Someone of the operator's staff already uses this e-mail address."))
        return email


def _action_choices() -> list[tuple[str, str]]:
    labels = sorted(((key, str(label)) for key, label in AUDIT_ACTION_LABELS.items()), key=lambda pair: pair[1])
    return [("", _("Everything")), *labels]


class AuditFilterForm(forms.Form):
    """Narrowing the access log. Read from the address; a bad value is a clear message, never an error page."""

    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.order_by("full_name"),
        required=False,
        empty_label=_("Everybody"),
        help_text=_("Who did it, or whose data it was."),
    )
    name = forms.CharField(
        label=_("Name"), required=False, max_length=150, help_text=_("Also finds people without an account.")
    )
    question = forms.CharField(
        label=_("Question"), required=False, max_length=30, help_text=_("The reference number, such as AMP-1042.")
    )
    action = forms.ChoiceField(label=_("What happened"), required=False, choices=_action_choices)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end comes before the start. Choose a later date."))
        return cleaned
