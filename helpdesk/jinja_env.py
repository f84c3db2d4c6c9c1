"""The Jinja2 environment for the few templates on the hottest paths (docs/decisions.md #22).

Most pages are Django templates. A form field (`jinja2_templates/forms/field.html`, through the `field`
tag) and the rows of the volunteers' queue (`jinja2_templates/tickets/queue_rows.html`) are Jinja2, which
compiles a template to Python and renders the same HTML in a fraction of the time. They get the
same helpers as the Django templates: `url`, the date filters, `widget`, and `_` for the catalogue
(`makemessages` finds `{{ _("...") }}` in them as it does in Django templates).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from jinja2 import Environment

from helpdesk.templatetags.helpdesk_tags import day, moment, money, when, widget


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def environment(**options: Any) -> Environment:
    # Escaping is on: Django's backend passes autoescape=True, and nothing here may turn it off.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    # Old-style callables: what `_()` returns is escaped like any other text.
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.globals.update(url=url, widget=widget)
    env.filters.update(capfirst=capfirst, day=day, moment=moment, money=money, when=when)
    return env
