from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.forms import BoundField
from django.template import engines
from django.utils.dates import MONTHS
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import is_aware, localtime
from markupsafe import escape

from helpdesk.hooks import Panel, PanelSlot

register = template.Library()


@register.simple_tag
def widget(field: BoundField) -> SafeString:
    """The field's input, tied to its hint and error message for assistive technology."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_hint")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    attrs: dict[str, str] = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def field(bound: BoundField, *, hide_optional: bool = False) -> SafeString:
    """One form field with its label, hint, error and input (`jinja2_templates/forms/field.html`).

    `hide_optional` leaves "(optional)" off the label, for a filter whose fields all are."""
    template = engines["jinja2"].get_template("forms/field.html")
    return mark_safe(template.render({"field": bound, "hide_optional": hide_optional}))  # noqa: S308 - Jinja2 escaped it


@register.simple_tag(takes_context=True)
def panels(context: template.Context, slot: PanelSlot | list[tuple[Panel, dict[str, Any]]], obj: Any) -> SafeString:
    """Renders the panels that apps above have added to `slot` for `obj` (see helpdesk.hooks).

    Each panel's template gets the page's context plus what the panel's context function gave.
    A view that read the panels already (`slot.contexts(request, obj)`) passes that list instead.
    """
    shown = slot.contexts(context.get("request"), obj) if isinstance(slot, PanelSlot) else slot
    parts = []
    for panel, extra in shown:
        with context.push(**extra):
            parts.append(context.template.engine.get_template(panel.template).render(context))
    return mark_safe("".join(parts))  # noqa: S308 - the panels' own templates escaped what they show


@register.simple_tag(takes_context=True)
def jinja(context: template.Context, name: str, **values: Any) -> SafeString:
    """A part written in Jinja2 (`jinja2_templates/`), inside a Django template: it gets only the
    `values` named here, with the request (for `csrf_input`). The question page and the
    requester's page share their conversation and photos this way."""
    return mark_safe(engines["jinja2"].get_template(name).render(values, request=context.get("request")))  # noqa: S308 - Jinja2 escaped it


# --- Dates and money, the one way every page writes them --------------------------------------------


@register.filter
def when(value: Any) -> str:
    """A moment in the reader's language and the local time: "1 december 2026, 20:09".

    Written out rather than through `date_format(value, "j F Y, H:i")`, which parses its format
    again for every value: the queue writes fifty of these per page."""
    if not value:
        return ""
    return _written(_local(value))


@register.filter
def moment(value: Any) -> SafeString:
    """`<time>` for a moment: the machine-readable ISO time and what `when` writes."""
    if not value:
        return mark_safe("")
    local = _local(value)
    # The queue writes fifty of these: built here, not through format_html. The ISO time needs no
    # escaping; the words do.
    return mark_safe(f'<time datetime="{local.isoformat()}">{escape(_written(local))}</time>')  # noqa: S308


def _local(value: datetime) -> datetime:
    return localtime(value) if is_aware(value) else value


def _written(local: datetime) -> str:
    return f"{local.day} {MONTHS[local.month]} {local.year}, {local:%H:%M}"


@register.filter
def day(value: Any) -> str:
    """A day in the reader's language: "1 december 2026"."""
    if not value:
        return ""
    return date_format(localtime(value) if isinstance(value, datetime) and is_aware(value) else value, "j F Y")


@register.filter
def money(value: Any) -> str:
    """An amount in euro with the reader's separators: "€ 1.450,00" in Dutch."""
    if value is None or value == "":
        return ""
    return "€\u00a0" + number_format(Decimal(value), 2, force_grouping=True)
