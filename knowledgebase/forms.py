"""Forms of the knowledge base: they validate, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from knowledgebase.content import STEP_MAX_CHARS
from knowledgebase.models import Reason
from tickets.uploads import CleanPhoto, photo_clean


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the instructions"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.ChoiceField(label=_("What was wrong with it?"), choices=Reason.choices, widget=forms.RadioSelect)


class InstructionForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=None, empty_label=None)
    title = forms.CharField(
        label=_("The question people ask"),
        max_length=200,
        help_text=_("For example: How do I make the sound louder?"),
    )
    needs = forms.CharField(
        label=_("What you need"),
        max_length=300,
        required=False,
        help_text=_("For example: the tablet and its charger."),
    )
    change_note = forms.CharField(label=_("What did you change?"), max_length=200, required=False)

    def __init__(self, *args: Any, products: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products


class StepForm(forms.Form):
    text = forms.CharField(
        label=_("What to do"),
        max_length=STEP_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One short sentence, or two."),
    )
    photo = forms.FileField(
        label=_("Picture or screenshot"), required=False, widget=forms.FileInput(attrs={"accept": "image/*"})
    )
    alt = forms.CharField(label=_("What the picture shows"), max_length=200, required=False)
    picture_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    remove_picture = forms.BooleanField(label=_("Remove this picture"), required=False)

    def clean_photo(self) -> CleanPhoto | None:
        upload = self.cleaned_data.get("photo")
        return photo_clean(upload) if upload else None


StepFormSet = forms.formset_factory(StepForm, extra=2, max_num=20, absolute_max=30)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the writer"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(forms.Form):
    note = forms.CharField(label=_("What should change?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("For example: Your tablet, the first steps."))
    summary = forms.CharField(label=_("What you learn"), max_length=300, required=False)
    product = forms.ModelChoiceField(label=_("Product"), queryset=None, required=False, empty_label=_("Any product"))

    def __init__(self, *args: Any, products: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products


class LessonForm(forms.Form):
    """A new lesson: a title and the instruction whose steps it teaches ("shared:12", "own:3")."""

    title = forms.CharField(label=_("Title of the lesson"), max_length=200)
    instruction = forms.ChoiceField(label=_("The instruction this lesson teaches"))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instruction"].choices = choices

    def linked(self) -> tuple[str, int]:
        source, pk = self.cleaned_data["instruction"].split(":")
        return source, int(pk)
