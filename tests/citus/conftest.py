"""Tests that need a Citus coordinator: they run when DATABASE_URL points at one (the CI job
`.ci/citus` does that when a Citus server is configured) and are skipped otherwise, saying so."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from tenants.citus import citus_version

NO_CITUS = "skipped: no Citus server configured (point DATABASE_URL at a Citus 12+ coordinator, see docs/scaling.md)"


@pytest.fixture(scope="session")
def citus(django_db_setup, django_db_blocker) -> str:
    """The Citus version of the test database; skips the test without Citus (fails with
    REQUIRE_CITUS=1, so a Citus job cannot pass by skipping everything)."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        version = citus_version(cursor)
    if version is None:
        if os.environ.get("REQUIRE_CITUS") == "1":
            pytest.fail("REQUIRE_CITUS=1 but the test database has no Citus extension")
        pytest.skip(NO_CITUS)
    return version


def pytest_report_header(config: pytest.Config) -> str:
    return "citus: tests/citus run only against a Citus coordinator (DATABASE_URL); otherwise skipped"
