"""Moving one care organisation as a whole: export its schema and files, restore them into a
new organisation, and offboard it (delete schema and files).

The export is a ZIP:

- `manifest.json`: the format, the organisation's own settings (from the public registry),
  its products (by slug), the migrations its schema has, and per table the columns and the
  number of rows;
- `tables/<table>.csv`: every row of every table of the schema, written by PostgreSQL's
  `COPY ... TO STDOUT (FORMAT csv)` with an explicit column list (generated columns are left
  out: PostgreSQL computes them again);
- `files/...`: the organisation's media folder (photos), as it is on disk.

A restore builds the new schema the way provisioning does (a copy of `tenant_template`, with
the same tables, indexes and the access log's guard), checks that the export has exactly the
migrations the template has, then loads every table with `COPY ... FROM STDIN` in one
transaction (Django's foreign keys are deferred to the commit) and sets each table's id
sequence past its highest id. Because the rows are copied as they are, the access log's hash
chain still verifies in the new schema. This needs nothing but the database connection the
application already has; `pg_dump` cannot restore into a schema of a different name.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_context, schema_exists

from helpdesk.accounts.audit import audit
from helpdesk.accounts.models import User
from tenants.models import CareOrganisation, Domain, Product
from tenants.services import _provisioning_lock

FORMAT = "helpdesk-organisation/1"
# The organisation's own fields that travel with it; name, slug, prefix and schema are chosen anew.
CARRIED_FIELDS = (
    "brand_colour",
    "default_language",
    "help_phone",
    "monthly_fee",
    "expected_questions_per_month",
    "contract_start",
    *CareOrganisation.SETTINGS_FIELDS,
)


class PortabilityError(Exception):
    """An export that cannot be restored here, or an offboarding that was not confirmed."""


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def schema_tables(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY table_name",
            [schema],
        )
        return [row[0] for row in cursor.fetchall()]


def table_columns(schema: str, table: str) -> list[str]:
    """The columns one can write, in their order: not dropped, not generated."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped "
            "AND a.attgenerated = '' ORDER BY a.attnum",
            [schema, table],
        )
        return [row[0] for row in cursor.fetchall()]


def media_folder(schema: str) -> Path:
    with schema_context(schema):
        return Path(default_storage.location)


def _migrations(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app || '.' || name FROM {_quote(schema)}.django_migrations ORDER BY 1")
        return [row[0] for row in cursor.fetchall()]


def _copy_out(schema: str, table: str, columns: list[str]) -> bytes:
    listed = ", ".join(_quote(column) for column in columns)
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY {_quote(schema)}.{_quote(table)} ({listed}) TO STDOUT (FORMAT csv)") as copy:
            for chunk in copy:
                buffer.write(chunk)
    return buffer.getvalue()


def _copy_in(schema: str, table: str, columns: list[str], content: bytes) -> None:
    listed = ", ".join(_quote(column) for column in columns)
    statement = f"COPY {_quote(schema)}.{_quote(table)} ({listed}) FROM STDIN (FORMAT csv)"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        copy.write(content)


def _organisation_fields(organisation: CareOrganisation) -> dict[str, Any]:
    fields = {}
    for name in CARRIED_FIELDS:
        value = getattr(organisation, name)
        fields[name] = value if isinstance(value, int | str | type(None)) else str(value)
    return fields


def organisation_export(*, actor: User | None, organisation: CareOrganisation, into: BinaryIO) -> dict[str, Any]:
    """Writes the ZIP of `organisation` to `into` and returns its manifest. Run it on the public
    schema; it reads the organisation's schema in one snapshot (a repeatable-read transaction)."""
    schema = organisation.schema_name
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "organisation": {"name": organisation.name, "slug": organisation.slug, **_organisation_fields(organisation)},
        "products": sorted(organisation.products.values_list("slug", flat=True)),
        "tables": {},
        "files": [],
    }
    outermost = not connection.in_atomic_block
    with zipfile.ZipFile(into, "w", zipfile.ZIP_DEFLATED) as archive, transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        manifest["migrations"] = _migrations(schema)
        for table in schema_tables(schema):
            columns = table_columns(schema, table)
            content = _copy_out(schema, table, columns)
            archive.writestr(f"tables/{table}.csv", content)
            manifest["tables"][table] = {"columns": columns, "rows": _row_count(content)}
        folder = media_folder(schema)
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                relative = path.relative_to(folder).as_posix()
                archive.write(path, f"files/{relative}")
                manifest["files"].append(relative)
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    audit(actor=actor, action="organisation_exported", target=organisation, tables=len(manifest["tables"]))
    return manifest


def _row_count(content: bytes) -> int:
    return sum(1 for _ in csv.reader(io.StringIO(content.decode())))


@dataclass(frozen=True)
class NewOrganisation:
    name: str
    slug: str
    reference_prefix: str


def _read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as error:
        raise PortabilityError(_("This file is not an export of a care organisation.")) from error
    if manifest.get("format") != FORMAT:
        raise PortabilityError(
            _("This export has another format than this version reads (%(format)s).") % {"format": FORMAT}
        )
    return manifest


def _safe_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        raise PortabilityError(_("The export holds a file outside its folder: %(name)s") % {"name": name})
    return path


def organisation_restore(*, actor: User | None, source: BinaryIO, new: NewOrganisation) -> CareOrganisation:
    """Makes a new, active organisation from an export: its own name, address and prefix, the
    exported settings, products, rows and files. Fails, leaving nothing behind, when the export
    does not fit this installation's migrations."""
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as error:
        raise PortabilityError(_("This file is not a ZIP file.")) from error
    with archive:
        manifest = _read_manifest(archive)
        template = settings.TENANT_BASE_SCHEMA
        if manifest["migrations"] != _migrations(template):
            raise PortabilityError(
                _("The export was made with other migrations: migrate both to the same version first.")
            )
        schema = CareOrganisation.schema_for_slug(new.slug)
        if schema_exists(schema):
            raise PortabilityError(_("The schema %(schema)s exists already.") % {"schema": schema})
        products = Product.objects.filter(slug__in=manifest["products"])
        try:
            with transaction.atomic():
                carried = {name: manifest["organisation"][name] for name in CARRIED_FIELDS}
                organisation = CareOrganisation.objects.create(
                    name=new.name,
                    slug=new.slug,
                    schema_name=schema,
                    reference_prefix=new.reference_prefix.upper(),
                    status=CareOrganisation.Status.ACTIVE,
                    provisioning_step="done",
                    **carried,
                )
                Domain.objects.create(domain=organisation.host, tenant=organisation, is_primary=True)
                organisation.products.set(products)
                with _provisioning_lock():
                    CloneSchema().clone_schema(template, schema, "NODATA")
                try:
                    _load_tables(archive, schema, manifest)
                except (KeyError, zipfile.BadZipFile) as error:
                    raise PortabilityError(_("The export is incomplete or damaged.")) from error
                audit(
                    actor=actor,
                    action="organisation_restored",
                    target=organisation,
                    source=manifest["organisation"]["slug"],
                )
            _restore_files(archive, media_folder(schema), manifest)
        except Exception:
            connection.set_schema_to_public()
            if schema_exists(schema):
                with connection.cursor() as cursor:
                    cursor.execute(f"DROP SCHEMA {_quote(schema)} CASCADE")
            raise
    connection.set_schema_to_public()
    return organisation


def _load_tables(archive: zipfile.ZipFile, schema: str, manifest: dict[str, Any]) -> None:
    tables = schema_tables(schema)
    if set(tables) != set(manifest["tables"]):
        raise PortabilityError(_("The export's tables differ from this installation's."))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    for table in tables:
        columns = manifest["tables"][table]["columns"]
        if columns != table_columns(schema, table):
            raise PortabilityError(_("The columns of %(table)s differ from this installation's.") % {"table": table})
        _copy_in(schema, table, columns, archive.read(f"tables/{table}.csv"))
        if "id" in columns:
            name = f"{schema}.{table}"
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 0) + 1, false) "
                    f"FROM {_quote(schema)}.{_quote(table)} WHERE pg_get_serial_sequence(%s, 'id') IS NOT NULL",
                    [name, name],
                )
    with connection.cursor() as cursor:
        # Checks every foreign key now: an export whose rows do not fit fails here, in the restore.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _restore_files(archive: zipfile.ZipFile, folder: Path, manifest: dict[str, Any]) -> None:
    for relative in manifest["files"]:
        target = folder.joinpath(*_safe_member(relative).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(f"files/{relative}") as member, target.open("wb") as out:
            shutil.copyfileobj(member, out)


def organisation_offboard(*, actor: User | None, organisation: CareOrganisation, confirm_name: str) -> None:
    """Deletes an organisation for good: its schema (every person, question and log entry in
    it), its files and its rows in the public registry. Only when `confirm_name` is its name."""
    if confirm_name.strip() != organisation.name:
        raise PortabilityError(_("Type the organisation's name exactly to confirm."))
    folder = media_folder(organisation.schema_name)
    details = {"name": organisation.name, "slug": organisation.slug, "schema": organisation.schema_name}
    with transaction.atomic():
        audit(actor=actor, action="organisation_offboarded", target=organisation, **details)
        organisation.delete(force_drop=True)
    shutil.rmtree(folder, ignore_errors=True)
