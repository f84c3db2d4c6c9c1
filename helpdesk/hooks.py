"""Hooks: how a lower app lets the apps above it act, without knowing them.

The apps stand in layers (docs/architecture.md): an app imports only from the layers below it.
When a lower app must let a higher one join in (a question is solved, so satisfaction asks for
a rating; a question is saved, so the escalation index follows), the lower app declares a hook
in its `hooks.py` and calls it at that moment; the higher app connects a receiver in its
`AppConfig.ready()`. Unlike Django's signals, a hook is called explicitly by the service that
owns the moment, inside its transaction when the rule needs it, and a receiver's error is not
swallowed: it rolls the whole change back.

A panel slot is the same idea for a page: apps above add a panel (a template and a function that
gives it its context, or None to show nothing) to a page of a lower app, which renders the slot
with `{% panels slot obj %}` (helpdesk_tags).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Hook:
    """A named moment that receivers can join. `send` calls each in the order they connected."""

    name: str
    receivers: list[Callable[..., Any]] = field(default_factory=list)

    def connect(self, receiver: Callable[..., Any]) -> Callable[..., Any]:
        """Adds `receiver` (once, however often `ready()` runs); usable as a decorator."""
        if receiver not in self.receivers:
            self.receivers.append(receiver)
        return receiver

    def send(self, **kwargs: Any) -> list[Any]:
        return [receiver(**kwargs) for receiver in self.receivers]

    def first(self, **kwargs: Any) -> Any:
        """The first result that is not None, asking the receivers in order; None if none has one."""
        for receiver in self.receivers:
            result = receiver(**kwargs)
            if result is not None:
                return result
        return None


@dataclass(frozen=True)
class Panel:
    """A part of another app's page: `template`, rendered with what `context(request, obj)` gives."""

    name: str
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]


@dataclass
class PanelSlot:
    """A place on a page where apps above add panels, shown in the order they were added."""

    name: str
    panels: list[Panel] = field(default_factory=list)

    def add(self, panel: Panel) -> Panel:
        if all(existing.name != panel.name for existing in self.panels):
            self.panels.append(panel)
        return panel

    def contexts(self, request: Any, obj: Any) -> list[tuple[Panel, dict[str, Any]]]:
        """The panels that have something to show for `obj`, with their contexts."""
        shown = []
        for panel in self.panels:
            context = panel.context(request, obj)
            if context is not None:
                shown.append((panel, context))
        return shown
