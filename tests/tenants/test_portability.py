"""One organisation out and back in: export its schema and files, restore them into a new
organisation with 0 differences, and offboard an organisation after naming it."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation
from django_tenants.utils import schema_context, schema_exists, tenant_context

from helpdesk.accounts import audit_chain
from helpdesk.accounts.models import AuditEvent
from satisfaction.services import survey_answer_save
from support.services import advice_ask
from tenants import portability
from tenants.models import CareOrganisation, Domain
from tests.factories import ticket_make
from tests.tickets.test_photos import image_bytes
from tickets import services, uploads

pytestmark = pytest.mark.django_db


@pytest.fixture
def lived_in(org_a, volunteer_a, requester_a, manager_a, trainee_a):
    """Organisation A with a bit of everything: questions, answers, a photo, advice, a rating."""
    with tenant_context(org_a):
        ticket = ticket_make(requester=requester_a, subject="Beeldbellen lukt niet", body="Zwart scherm 'oké'?")
        ticket_make(contact_name='Henk "de" Boer', contact_email="henk@example.org", body="Regel 1\nRegel 2,\tmet tab")
        services.ticket_claim(ticket=ticket, actor=volunteer_a)
        services.reply_post(ticket=ticket, actor=volunteer_a, body="Probeer het opnieuw.")
        photo = uploads.photo_clean(SimpleUploadedFile("s.png", image_bytes(), content_type="image/png"))
        services.attachment_add(ticket=ticket, actor=requester_a, photo=photo)
        advice_ask(ticket=ticket, actor=volunteer_a, body="Wat nu?")
        services.ticket_resolve(ticket=ticket, actor=volunteer_a, cause="explanation")
        survey_answer_save(ticket=ticket, actor=requester_a, help_score=5, technology_score=4, comment="Top")
        audit_chain.seal()
    connection.set_schema_to_public()
    return org_a


def _rows(schema: str, table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{schema}"."{table}"')
        return sorted(cursor.fetchall(), key=repr)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _export(organisation) -> bytes:
    out = io.BytesIO()
    portability.organisation_export(actor=None, organisation=organisation, into=out)
    return out.getvalue()


def test_an_organisation_survives_export_and_restore_with_no_difference(lived_in, operator_admin):
    archive = _export(lived_in)
    restored = portability.organisation_restore(
        actor=operator_admin,
        source=io.BytesIO(archive),
        new=portability.NewOrganisation(name="Zorggroep Terug", slug="terug", reference_prefix="TRG"),
    )

    old, new = lived_in.schema_name, restored.schema_name
    tables = portability.schema_tables(old)
    assert tables == portability.schema_tables(new) and len(tables) > 20
    differences = [table for table in tables if _rows(old, table) != _rows(new, table)]
    assert differences == []
    assert sum(len(_rows(new, table)) for table in tables) > 50
    old_files, new_files = _files(portability.media_folder(old)), _files(portability.media_folder(new))
    assert old_files and old_files == new_files

    # The new organisation works: its own address, the exported settings and products, its
    # sequences past the restored ids, and an access log whose chain still holds.
    restored = CareOrganisation.objects.get(pk=restored.pk)
    assert restored.is_active and Domain.objects.filter(tenant=restored, domain=restored.host).exists()
    assert restored.personal_data_months == lived_in.personal_data_months
    assert set(restored.products.values_list("slug", flat=True)) == set(
        lived_in.products.values_list("slug", flat=True)
    )
    with tenant_context(restored):
        assert audit_chain.verify().is_intact
        ticket = ticket_make(contact_name="Nieuw")
        assert ticket.pk > max(row[0] for row in _rows(new, "tickets_ticket") if row[0] != ticket.pk)
    assert AuditEvent.objects.filter(action="organisation_restored", actor=operator_admin).exists()


def test_the_export_is_readable(lived_in):
    archive = zipfile.ZipFile(io.BytesIO(_export(lived_in)))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["organisation"]["slug"] == lived_in.slug
    assert manifest["tables"]["tickets_ticket"]["rows"] == 2
    assert any(name.startswith("files/questions/") for name in archive.namelist())
    assert AuditEvent.objects.filter(action="organisation_exported").exists()


def test_an_export_from_other_migrations_is_refused_and_leaves_nothing(lived_in):
    archive = zipfile.ZipFile(io.BytesIO(_export(lived_in)))
    manifest = json.loads(archive.read("manifest.json"))
    manifest["migrations"].append("tickets.9999_from_the_future")
    changed = io.BytesIO()
    with zipfile.ZipFile(changed, "w") as out:
        for name in archive.namelist():
            out.writestr(name, json.dumps(manifest) if name == "manifest.json" else archive.read(name))
    with translation.override("en"), pytest.raises(portability.PortabilityError, match="other migrations"):
        portability.organisation_restore(
            actor=None, source=changed, new=portability.NewOrganisation("Mis", "mis", "MIS")
        )
    assert not schema_exists("org_mis") and not CareOrganisation.objects.filter(slug="mis").exists()


@pytest.mark.parametrize("content", [b"not a zip", b"PK\x05\x06" + b"\0" * 18])
def test_a_file_that_is_no_export_is_refused(db, content):
    with pytest.raises(portability.PortabilityError):
        portability.organisation_restore(
            actor=None, source=io.BytesIO(content), new=portability.NewOrganisation("X", "xx", "XX")
        )


def test_offboarding_deletes_schema_and_files_after_the_name_is_given(lived_in, operator_admin):
    restored = portability.organisation_restore(
        actor=None, source=io.BytesIO(_export(lived_in)), new=portability.NewOrganisation("Weg Ermee", "weg", "WEG")
    )
    folder = portability.media_folder(restored.schema_name)
    assert folder.is_dir()

    with pytest.raises(portability.PortabilityError):
        portability.organisation_offboard(actor=operator_admin, organisation=restored, confirm_name="weg")
    assert schema_exists(restored.schema_name)

    portability.organisation_offboard(actor=operator_admin, organisation=restored, confirm_name="Weg Ermee")
    assert not schema_exists("org_weg") and not folder.exists()
    assert not CareOrganisation.objects.filter(slug="weg").exists()
    with schema_context("public"):
        event = AuditEvent.objects.get(action="organisation_offboarded")
    assert event.data["name"] == "Weg Ermee" and event.actor_id == operator_admin.pk
    # The organisation that was exported is untouched.
    assert schema_exists(lived_in.schema_name)


# --- The portal and the commands ---------------------------------------------------------------


def test_an_operator_admin_downloads_restores_and_offboards_in_the_portal(admin_client, lived_in):
    response = admin_client.post(f"/organisations/{lived_in.pk}/export/")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('-export.zip"')
    archive = b"".join(response.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(archive)).read("manifest.json")

    upload = SimpleUploadedFile("export.zip", archive, content_type="application/zip")
    response = admin_client.post(
        "/organisations/restore/",
        {"archive": upload, "name": "Zorggroep Kopie", "slug": "kopie", "reference_prefix": "kop"},
    )
    restored = CareOrganisation.objects.get(slug="kopie")
    assert response.status_code == 302 and restored.reference_prefix == "KOP"

    page = admin_client.post(f"/organisations/{restored.pk}/offboard/", {"confirm_name": "Zorggroep"}).content.decode()
    assert "There is a problem" in page and "This is not the name of this organisation" in page
    assert schema_exists("org_kopie")
    response = admin_client.post(f"/organisations/{restored.pk}/offboard/", {"confirm_name": "Zorggroep Kopie"})
    assert response.status_code == 302 and not schema_exists("org_kopie")


def test_restoring_a_bad_file_in_the_portal_explains_it(admin_client, lived_in):
    upload = SimpleUploadedFile("export.zip", b"no zip at all", content_type="application/zip")
    page = admin_client.post(
        "/organisations/restore/", {"archive": upload, "name": "Mis", "slug": "mis", "reference_prefix": "MIS"}
    ).content.decode()
    assert "There is a problem" in page
    taken = SimpleUploadedFile("export.zip", b"x", content_type="application/zip")
    page = admin_client.post(
        "/organisations/restore/", {"archive": taken, "name": "A", "slug": lived_in.slug, "reference_prefix": "TSA"}
    ).content.decode()
    assert "already in use" in page and "Another organisation already uses this prefix" in page


@pytest.mark.parametrize("who", ["professional", "nobody"])
def test_only_operator_admins_move_organisations(portal_client, professional, lived_in, who):
    from tests.signing_in import sign_in_operator

    if who == "professional":
        sign_in_operator(portal_client, professional)
    for response in (
        portal_client.post(f"/organisations/{lived_in.pk}/export/"),
        portal_client.get(f"/organisations/{lived_in.pk}/offboard/"),
        portal_client.post(f"/organisations/{lived_in.pk}/offboard/", {"confirm_name": lived_in.name}),
        portal_client.get("/organisations/restore/"),
    ):
        assert response.status_code in (302, 404)
    assert schema_exists(lived_in.schema_name)


def test_the_commands_export_restore_and_offboard(lived_in, tmp_path):
    from django.core.management import CommandError, call_command

    file = tmp_path / "a.zip"
    call_command("export_organisation", lived_in.slug, str(file))
    call_command("restore_organisation", str(file), name="Via Commando", slug="commando", prefix="CMD")
    assert schema_exists("org_commando")
    with pytest.raises(CommandError):
        call_command("offboard_organisation", "commando", confirm="via commando")
    call_command("offboard_organisation", "commando", confirm="Via Commando")
    assert not schema_exists("org_commando")
