"""The access log's hash chain: every sealed row carries the hash of the row before it.

Rows are written by `helpdesk.accounts.audit.audit` inside the transaction of what they record,
without a lock, so writing stays as parallel as the work itself. Every minute the beat task
(`helpdesk.accounts.tasks.seal_audit_chains`) runs `seal` in each schema: it tries the schema's
chain lock (skipping when another sealer holds it), gives the new rows the next positions in the
order they were written and fills in `previous_hash` and `entry_hash`. A row's hash covers every
column except the three chain columns, plus the previous row's hash, so changing, removing or
inserting a row anywhere but at the end breaks the chain. `verify` walks it again;
`manage.py verify_audit_chain` runs both in every schema.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django_tenants.utils import schema_context

from helpdesk.accounts.models import AuditEvent

CHAIN_FIELDS = ("position", "previous_hash", "entry_hash")
# The first number of PostgreSQL's two-number advisory lock, for "the audit chain of a schema".
_CHAIN_LOCK = 7513


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def entry_digest(row: dict[str, Any], previous_hash: str) -> str:
    """The SHA-256 of a row (as `AuditEvent.objects.values()` gives it) after `previous_hash`."""
    content = {key: _plain(value) for key, value in row.items() if key not in CHAIN_FIELDS}
    payload = json.dumps(
        {"previous": previous_hash, "entry": content}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _head() -> tuple[int, str]:
    last = AuditEvent.objects.filter(position__isnull=False).order_by("-position").values("position", "entry_hash")
    row = last.first()
    return (row["position"], row["entry_hash"]) if row else (0, "")


def seal(*, batch: int = 500, wait: bool = True) -> int:
    """Chains the rows of the current schema that are not sealed yet; returns how many.

    `wait=False` (the beat task) gives up at once when another process holds the chain lock, so
    sealers never queue behind one another: what that sealer did not see is sealed by the next
    run a minute later, and the trigger guards the row's content meanwhile."""
    sealed = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            lock = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
            cursor.execute(f"SELECT {lock}(%s, hashtext(%s))", [_CHAIN_LOCK, connection.schema_name])
            if not wait and not cursor.fetchone()[0]:
                return 0
        position, previous = _head()
        while True:
            rows = list(AuditEvent.objects.filter(position__isnull=True).order_by("pk").values()[:batch])
            if not rows:
                return sealed
            last_batch = len(rows) < batch
            for row in rows:
                position += 1
                digest = entry_digest(row, previous)
                AuditEvent.objects.filter(pk=row["id"]).update(
                    position=position, previous_hash=previous, entry_hash=digest
                )
                previous = digest
                sealed += 1
            if last_batch:
                # Rows written after this read are sealed by a later seal; asking again would
                # only find the same nothing.
                return sealed


def seal_schema(schema: str, *, wait: bool = True) -> int:
    if connection.schema_name == schema:
        # Already there (a request's own schema): switching would only send the search path again.
        return seal(wait=wait)
    with schema_context(schema):
        return seal(wait=wait)


@dataclass(frozen=True)
class ChainReport:
    """What `verify` found: how many rows it checked, and the first place the chain breaks."""

    checked: int
    unsealed: int
    broken_at: int | None = None
    problem: str = ""
    head: str = ""

    @property
    def is_intact(self) -> bool:
        return self.broken_at is None


def verify() -> ChainReport:
    """Walks the chain of the current schema from its first row and recomputes every hash."""
    previous = ""
    expected = 1
    checked = 0
    rows = AuditEvent.objects.filter(position__isnull=False).order_by("position").values()
    for row in rows.iterator(chunk_size=2000):
        problem = ""
        if row["position"] != expected:
            problem = f"rows {expected} to {row['position'] - 1} are missing"
        elif row["previous_hash"] != previous:
            problem = "it does not follow the row before it"
        elif entry_digest(row, previous) != row["entry_hash"]:
            problem = "its content was changed after it was written"
        if problem:
            return ChainReport(checked, _unsealed(), broken_at=expected, problem=problem, head=previous)
        previous = row["entry_hash"]
        expected += 1
        checked += 1
    return ChainReport(checked, _unsealed(), head=previous)


def _unsealed() -> int:
    return AuditEvent.objects.filter(position__isnull=True).count()
