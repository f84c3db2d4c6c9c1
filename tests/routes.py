"""Every route of a URL conf, found by walking it, so a new page is tested without being listed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver

PART_RE = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    template: str  # "/questions/<int:number>/follow/"
    name: str = field(default="", compare=False)  # "tickets:follow"

    def parts(self) -> list[tuple[str, str]]:
        return [(m.group("converter") or "str", m.group("name")) for m in PART_RE.finditer(self.template)]

    def fill(self, values: dict[str, str]) -> str:
        return PART_RE.sub(lambda m: values[m.group("name")], self.template)


def _walk(patterns, prefix: str = "", namespace: str = "") -> list[Route]:
    routes = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            routes += _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            routes.append(Route("/" + prefix + str(pattern.pattern), f"{namespace}{pattern.name or ''}"))
    return routes


@cache
def routes_of(urlconf: str) -> tuple[Route, ...]:
    return tuple(sorted(set(_walk(get_resolver(urlconf).url_patterns)), key=lambda route: route.template))
