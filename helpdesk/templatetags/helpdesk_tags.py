from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe

from helpdesk.hooks import PanelSlot

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


@register.simple_tag(takes_context=True)
def panels(context: template.Context, slot: PanelSlot, obj: Any) -> SafeString:
    """Renders the panels that apps above have added to `slot` for `obj` (see helpdesk.hooks).

    Each panel's template gets the page's context plus what the panel's context function gave.
    """
    request = context.get("request")
    parts = []
    for panel, extra in slot.contexts(request, obj):
        with context.push(**extra):
            parts.append(context.template.engine.get_template(panel.template).render(context))
    return mark_safe("".join(parts))  # noqa: S308 - the panels' own templates escaped what they show
