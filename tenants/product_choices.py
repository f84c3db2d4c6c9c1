"""The organisation's product choices, kept in the cache: every product menu of a helper's page
shows them, and they change only when the operator changes the organisation's products or
retires a product.

They live in the `shared` cache: Redis, which every process sees change, or nothing without Redis
(a copy per gunicorn worker could not be told to forget). The key names the organisation.
Forgetting happens at once and again after the commit, so a page that read the old products in
between does not keep them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from helpdesk.cache import shared_cache, shared_forget

# Long enough that a busy organisation reads its products a few times an hour; short enough that
# a change made outside the services (a data load) shows within minutes.
SECONDS = 15 * 60


def _key(organisation: Any) -> str:
    return f"product-choices:{organisation.pk}"


def product_choices(organisation: Any) -> list[tuple[int, str]]:
    """(id, name) of the organisation's active products, by name, in the organisation's schema."""
    cache, key = shared_cache(), _key(organisation)
    choices = cache.get(key)
    if choices is None:
        choices = [(pk, name) for pk, name in organisation.active_products().values_list("pk", "name")]
        cache.set(key, choices, SECONDS)
    return [(pk, name) for pk, name in choices]


def product_choices_forget(organisations: Iterable[Any]) -> None:
    """The products of these organisations changed: their menus read them again."""
    shared_forget([_key(organisation) for organisation in organisations])
