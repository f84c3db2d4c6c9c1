"""Which organisation a host belongs to: asked first thing on every request, read through Redis.

The answer is cached for active organisations only, for at most `HOST_CACHE_SECONDS`, under the
host name in the `shared` cache (no schema in its keys: the host is looked up before a schema is
chosen). Every change to an organisation or a domain forgets its hosts at once and again when the
change commits, so a closed organisation is closed on its next request and a new colour shows
on the next page (docs/decisions.md #23). Code that changes an organisation with `.update()`
instead of `save()` calls `organisation_forget` itself, as `tenants.services` does.

Without Redis the `shared` cache keeps nothing (each gunicorn worker would keep its own copy,
which nobody could tell to forget).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from helpdesk.cache import shared_cache, shared_forget
from tenants.models import CareOrganisation, Domain

HOST_CACHE_SECONDS = 60


def host_key(hostname: str) -> str:
    return f"host:{hostname}"


def organisation_for_host(hostname: str) -> CareOrganisation | None:
    cache = shared_cache()
    organisation = cache.get(host_key(hostname))
    if organisation is not None:
        return organisation
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    if domain is None:
        return None
    organisation = domain.tenant
    if organisation.status == CareOrganisation.Status.ACTIVE:
        cache.set(host_key(hostname), organisation, HOST_CACHE_SECONDS)
    return organisation


def hosts_forget(hostnames: list[str]) -> None:
    """Drops the cached answers for `hostnames`, now and after the commit."""
    shared_forget([host_key(hostname) for hostname in hostnames])


def organisation_forget(organisation: CareOrganisation) -> None:
    hosts_forget(list(Domain.objects.filter(tenant_id=organisation.pk).values_list("domain", flat=True)))


def _organisation_changed(sender: Any, instance: CareOrganisation, **kwargs: Any) -> None:
    organisation_forget(instance)


def _domain_changed(sender: Any, instance: Domain, **kwargs: Any) -> None:
    hosts_forget([instance.domain])


def connect() -> None:
    post_save.connect(_organisation_changed, sender=CareOrganisation, dispatch_uid="hosts-organisation-saved")
    post_delete.connect(_organisation_changed, sender=CareOrganisation, dispatch_uid="hosts-organisation-deleted")
    post_save.connect(_domain_changed, sender=Domain, dispatch_uid="hosts-domain-saved")
    post_delete.connect(_domain_changed, sender=Domain, dispatch_uid="hosts-domain-deleted")
