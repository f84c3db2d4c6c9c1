"""The Jinja2 environment for the templates on the hottest paths (docs/decisions.md #22).

Most pages are Django templates. A form field (`jinja2_templates/forms/field.html`, through the
`field` tag), the volunteers' queue below its heading and a helper's question page below the site's
frame are Jinja2, which compiles a template to Python and renders the same HTML in a fraction of the
time. They get the same helpers as the Django templates: `url` (and `url_pattern` for rows), the date filters, `linebreaksbr`,
`field` and `widget`, `panels` for what the apps above add (their own Django templates),
`django_include` for a shared Django part, and `_` for the catalogue (`makemessages` finds
`{{ _("...") }}` in them as it does in Django templates; a text with a name in it is written
`_("... %(name)s ...") % {"name": ...}`, the message id `blocktranslate` would give).
"""

from __future__ import annotations

from typing import Any

from django.template import engines
from django.template.defaultfilters import linebreaksbr as django_linebreaksbr
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from helpdesk.hooks import Panel
from helpdesk.templatetags.helpdesk_tags import day, field, moment, money, when, widget


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


# A number no address has, to reverse a pattern once and fill it in per row.
_SLOT = 918273645


def url_pattern(name: str) -> str:
    """The address of `name` with `{}` where its one number goes: reversed once for a table whose
    rows all link to that page (`pattern.format(number)`), not once per row."""
    return reverse(name, args=[_SLOT]).replace(str(_SLOT), "{}")


def linebreaksbr(value: Any) -> SafeString:
    """The text escaped, with its line breaks as `<br>`."""
    return django_linebreaksbr(value, autoescape=True)


def django_include(name: str, **values: Any) -> SafeString:
    """A Django template with only these `values`, such as `_error_summary.html`."""
    return mark_safe(engines["django"].get_template(name).render(values))  # noqa: S308 - the template escaped it


@pass_context
def panels(context: Context, shown: list[tuple[Panel, dict[str, Any]]]) -> SafeString:
    """The panels the apps above added, as the view read them (`slot.contexts(request, obj)`):
    each its own Django template, with the page's values and its own."""
    page = context.get_all()
    django = engines["django"]
    parts = [django.get_template(panel.template).render(page | extra, page.get("request")) for panel, extra in shown]
    return mark_safe("".join(parts))  # noqa: S308 - the panels' own templates escaped what they show


def environment(**options: Any) -> Environment:
    # Escaping is on: Django's backend passes autoescape=True, and nothing here may turn it off.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    # Old-style callables: what `_()` returns is escaped like any other text.
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.globals.update(
        url=url, url_pattern=url_pattern, widget=widget, field=field, panels=panels, django_include=django_include
    )
    env.filters.update(capfirst=capfirst, day=day, linebreaksbr=linebreaksbr, moment=moment, money=money, when=when)
    return env
