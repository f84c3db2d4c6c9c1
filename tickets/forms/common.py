"""What the forms of questions share. They validate; services do the work."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms

if TYPE_CHECKING:
    from django.http import QueryDict


MESSAGE_MAX_LENGTH = 5000


class _IdForm(forms.Form):
    id = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)


def query_id(query: QueryDict, name: str) -> int | None:
    """The row id in query parameter `name` (`?saved=12`, `?product=3`), or None for anything that
    is not a whole number of a row's size. `"²".isdigit()` is true but `int("²")` fails: a number
    from a request always comes through a form field."""
    form = _IdForm({"id": query.get(name, "")})
    return form.cleaned_data["id"] if form.is_valid() else None


class _SlugForm(forms.Form):
    slug = forms.SlugField(max_length=50)


def query_slug(query: QueryDict, name: str) -> str | None:
    """The slug in query parameter `name` (`?product=tablet`), or None for anything that is not
    one (a NUL byte or a long string never reaches the database)."""
    form = _SlugForm({"slug": query.get(name, "")})
    return form.cleaned_data["slug"] if form.is_valid() else None
