"""How long it takes to add a care organisation, and what cloning the template schema saves.

Three measurements, each against the database that `bench_database()` set up:

- adding N organisations the way the portal does: `organisation_create` (the rows) and then
  `organisation_provision` (clone the template schema, invite the first manager), run here
  instead of in a Celery worker;
- cloning the template schema alone, a few times;
- building a schema the slow way, with every tenant migration (`migrate_schemas --tenant`),
  the same number of times.
"""

from __future__ import annotations

import contextlib
import io
import math
import resource
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

BENCH_DATABASE = "helpdesk_bench"


@dataclass(frozen=True)
class Figures:
    """Seconds of a series of runs."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def max(self) -> float:
        return max(self.samples)


@dataclass
class Results:
    organisations: int
    migrate_all_seconds: float = 0.0
    create: Figures = field(default_factory=lambda: Figures(()))
    provision: Figures = field(default_factory=lambda: Figures(()))
    total: Figures = field(default_factory=lambda: Figures(()))
    clone: Figures = field(default_factory=lambda: Figures(()))
    migrate: Figures = field(default_factory=lambda: Figures(()))
    tables_cloned: int = 0
    tables_migrated: int = 0
    peak_rss_mb: float = 0.0
    server_version: str = ""


def percentile(samples: tuple[float, ...], pct: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default method)."""
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * pct / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _admin_conninfo() -> dict[str, str]:
    """Connection parameters of the configured server, for its maintenance database."""
    from django.conf import settings

    params = settings.DATABASES["default"]
    values = {
        "dbname": "postgres",
        "user": params.get("USER"),
        "password": params.get("PASSWORD"),
        "host": params.get("HOST"),
        "port": str(params.get("PORT") or ""),
    }
    return {key: value for key, value in values.items() if value}


def _drop(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(**_admin_conninfo(), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextlib.contextmanager
def bench_database(name: str = BENCH_DATABASE) -> Iterator[str]:
    """A fresh, empty database on the configured server, which Django uses until the block ends."""
    import psycopg
    from django.conf import settings
    from django.db import connection, connections
    from psycopg import sql

    connections.close_all()
    _drop(name)
    with psycopg.connect(**_admin_conninfo(), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    original = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"]["NAME"] = name
    connection.settings_dict["NAME"] = name
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            if cursor.fetchone()[0] != name:
                raise RuntimeError(f"Django did not switch to the database {name}")
        yield name
    finally:
        connections.close_all()
        settings.DATABASES["default"]["NAME"] = original
        connection.settings_dict["NAME"] = original
        _drop(name)


def _prefix(index: int) -> str:
    """BAA, BAB, ...: a valid, unique reference prefix per organisation."""
    return "B" + chr(ord("A") + index // 26) + chr(ord("A") + index % 26)


def _table_count(schema: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [schema],
        )
        return int(cursor.fetchone()[0])


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def organisation_add(index: int, products: list) -> tuple[float, float]:
    """Adds organisation number `index` as the portal does; the seconds to create and to provision."""
    from django.db import connection

    # Imported here: bench.run sets Django up only after reading its arguments.
    from tenants.models import CareOrganisation
    from tenants.services import organisation_create, organisation_provision

    slug = f"bench-{index + 1:02d}"
    started = time.perf_counter()
    organisation = organisation_create(
        actor=None,
        name=f"Benchmark zorggroep {index + 1}",
        slug=slug,
        reference_prefix=_prefix(index),
        manager_email=f"manager@{slug}.example",
        products=products,
    )
    created = time.perf_counter()
    organisation = organisation_provision(organisation_id=organisation.pk)
    done = time.perf_counter()
    connection.set_schema_to_public()
    if organisation.status != CareOrganisation.Status.ACTIVE:
        raise RuntimeError(f"{slug} did not become active: {organisation.provisioning_error}")
    return created - started, done - created


def history_rows(text: str, start: str, end: str) -> list[str]:
    """The dated rows of a history table on the page, between its two markers."""
    if start not in text or end not in text:
        return []
    block = text.split(start, 1)[1].split(end, 1)[0]
    return [line for line in block.splitlines() if line.startswith("| 2")]


def run(*, organisations: int = 10, schema_runs: int = 5, say: Callable[[str], None] = print) -> Results:
    """Measures everything; the caller has set up the database."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    # Imported here: bench.run sets Django up only after reading its arguments.
    from demo.load import products_ensure
    from tenants.cloning import schema_clone
    from tenants.models import Product

    results = Results(organisations=organisations)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        results.server_version = str(cursor.fetchone()[0]).split(" ")[0]

    say("migrate_all on an empty database ...")
    results.migrate_all_seconds = timed(lambda: call_command("migrate_all", verbosity=0, stdout=io.StringIO()))
    products_ensure()
    products = list(Product.objects.filter(slug__in=["beeldbel-tablet", "persoonlijk-alarm"]))

    create: list[float] = []
    provision: list[float] = []
    for index in range(organisations):
        created, provisioned = organisation_add(index, products)
        create.append(created)
        provision.append(provisioned)
        say(f"  organisation {index + 1:2d}/{organisations}: {created + provisioned:.3f} s")
    results.create = Figures(tuple(create))
    results.provision = Figures(tuple(provision))
    results.total = Figures(tuple(a + b for a, b in zip(create, provision, strict=True)))

    clone: list[float] = []
    migrate: list[float] = []
    for index in range(schema_runs):
        cloned, migrated = f"bench_clone_{index}", f"bench_migrate_{index}"

        def clone_one(target: str = cloned) -> None:
            schema_clone(source=settings.TENANT_BASE_SCHEMA, target=target)
            connection.set_schema_to_public()

        def migrate_one(target: str = migrated) -> None:
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{target}"')
            call_command("migrate_schemas", schema_name=target, tenant=True, interactive=False, verbosity=0)
            connection.set_schema_to_public()

        clone.append(timed(clone_one))
        migrate.append(timed(migrate_one))
        say(f"  schema {index + 1}/{schema_runs}: clone {clone[-1]:.3f} s, migrations {migrate[-1]:.3f} s")
    results.clone = Figures(tuple(clone))
    results.migrate = Figures(tuple(migrate))
    # Both ways must build the same schema, or the comparison means nothing.
    results.tables_cloned = _table_count("bench_clone_0")
    results.tables_migrated = _table_count("bench_migrate_0")
    if results.tables_cloned != results.tables_migrated:
        raise RuntimeError(f"clone has {results.tables_cloned} tables, migrations {results.tables_migrated}")
    results.peak_rss_mb = peak_rss_mb()
    return results
