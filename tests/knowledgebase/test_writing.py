"""Writing: a draft from a solved question, easy-read notes, review by an experienced volunteer."""

from __future__ import annotations

import pytest
from django.core.files.storage import storages
from django_tenants.utils import tenant_context

from knowledgebase import text
from knowledgebase.content import RevisionStatus
from knowledgebase.models import Instruction, InstructionRevision
from tenants.models import Product
from tests.conftest import english_client
from tests.factories import ticket_make
from tests.knowledgebase.conftest import png_upload, shared_published
from tests.signing_in import sign_in
from tickets import services as ticket_services

pytestmark = pytest.mark.django_db


def solved_question(org, volunteer):
    with tenant_context(org):
        ticket = ticket_make(subject="Het geluid is te zacht")
        ticket_services.ticket_claim(ticket=ticket, actor=volunteer)
        ticket_services.reply_post(ticket=ticket, actor=volunteer, body="Druk op de knop met de plus.")
        ticket_services.ticket_resolve(ticket=ticket, actor=volunteer, cause="explanation")
        return ticket


def test_a_volunteer_drafts_from_a_solved_question_and_another_publishes(org_a, volunteer_a, colleague_a, client_a):
    ticket = solved_question(org_a, volunteer_a)
    writer = sign_in(english_client(org_a.host), org_a, volunteer_a)
    page = writer.get(f"/questions/{ticket.number}/").content.decode()
    assert "Make an instruction of this" in page
    made = writer.post(f"/instructions/write/from-question/{ticket.number}/")
    with tenant_context(org_a):
        instruction = Instruction.objects.get()
        revision = InstructionRevision.objects.get()
        first_step = revision.steps.get().text
    assert made.url == f"/instructions/write/{instruction.pk}/"
    assert (revision.title, first_step) == ("Het geluid is te zacht", "Druk op de knop met de plus.")
    assert writer.post(f"/instructions/write/{instruction.pk}/submit/").status_code == 302
    assert writer.post(f"/instructions/write/{instruction.pk}/publish/").status_code == 404  # not one's own
    assert client_a.get(f"/instructions/{instruction.pk}/").status_code == 404
    reviewer = sign_in(english_client(org_a.host), org_a, colleague_a)
    assert "Publish this version" in reviewer.get(f"/instructions/write/{instruction.pk}/").content.decode()
    reviewer.post(f"/instructions/write/{instruction.pk}/publish/", {"note": "Goed"})
    assert client_a.get(f"/instructions/{instruction.pk}/").status_code == 200
    history = reviewer.get(f"/instructions/write/{instruction.pk}/history/").content.decode()
    assert "First version" in history and "approved by Bram Ervaren" in history


def test_a_trainee_cannot_publish(org_a, volunteer_a, trainee_a):
    trainee = trainee_a
    ticket = solved_question(org_a, volunteer_a)
    writer = sign_in(english_client(org_a.host), org_a, volunteer_a)
    writer.post(f"/instructions/write/from-question/{ticket.number}/")
    with tenant_context(org_a):
        pk = Instruction.objects.get().pk
    client = sign_in(english_client(org_a.host), org_a, trainee)
    assert client.post(f"/instructions/write/{pk}/publish/").status_code == 404


def test_requesters_and_strangers_cannot_write(client_a, org_a, requester_a):
    assert client_a.get("/instructions/write/").status_code == 302  # sign in first
    client = sign_in(english_client(org_a.host), org_a, requester_a)
    assert client.get("/instructions/write/").status_code == 404


def test_writing_with_a_picture_and_easy_read_notes(org_a, volunteer_a, settings, tmp_path):
    storages["default"].__dict__.pop("relative_media_root", None)
    settings.MEDIA_ROOT = tmp_path
    client = sign_in(english_client(org_a.host), org_a, volunteer_a)
    data = {
        "title": "Hoe zet ik het geluid harder?",
        "product": Product.objects.get(slug="beeldbel-tablet").pk,
        "needs": "",
        "step-TOTAL_FORMS": "2",
        "step-INITIAL_FORMS": "0",
        "step-0-text": "Druk op de knop.",
        "step-0-photo": png_upload(),
        "step-0-alt": "",
        "step-1-text": "Als u de configuratie-instellingen van de applicatie wilt veranderen, moet u eerst heel lang zoeken.",
    }
    response = client.post("/instructions/write/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response.url).content.decode()
    assert "The picture has no description" in page
    assert "jargon" in page and "Aim for 12 or fewer" in page
    refused = client.post(
        "/instructions/write/new/", {**data, "step-0-photo": png_upload().__class__("x.png", b"not an image")}
    )
    assert refused.status_code == 200 and "This is not a photo" in refused.content.decode()
    with tenant_context(org_a):
        assert InstructionRevision.objects.get().status == RevisionStatus.DRAFT


def test_easy_read_notes():
    notes = text.easy_read_notes([("Druk op de knop.", True, True), ("Download de applicatie.", False, False)])
    messages = [str(note.message) for note in notes]
    assert all(note.step == 2 for note in notes)
    assert any("applicatie" in message for message in messages) and any("No picture" in m for m in messages)


def test_a_helper_finds_an_instruction_and_puts_its_link_in_the_answer(org_a, volunteer_a):
    shared = shared_published("Hoe zet ik het geluid harder?")
    with tenant_context(org_a):
        ticket = ticket_make(subject="Geluid te zacht")
    client = sign_in(english_client(org_a.host), org_a, volunteer_a)
    found = client.get(f"/questions/{ticket.number}/", {"instructions": "geluid harder"}).content.decode()
    assert f'href="?insert=/instructions/shared/{shared.pk}/#reply-heading"' in found
    page = client.get(f"/questions/{ticket.number}/", {"insert": f"/instructions/shared/{shared.pk}/"}).content.decode()
    assert f"Hoe zet ik het geluid harder?\nhttp://{org_a.host}/instructions/shared/{shared.pk}/</textarea>" in page
    unknown = client.get(f"/questions/{ticket.number}/", {"insert": "/questions/"}).content.decode()
    assert "http://" not in unknown.split('id="id_body"')[1].split("</textarea>")[0]


def test_only_managers_and_professionals_hide_or_adapt_shared_instructions(org_a, volunteer_a, manager_a):
    shared = shared_published("Verbinden met wifi")
    volunteer = sign_in(english_client(org_a.host), org_a, volunteer_a)
    assert "Instructions from the helpdesk" not in volunteer.get("/instructions/write/").content.decode()
    assert volunteer.post(f"/instructions/write/shared/{shared.pk}/hide/").status_code == 404
    manager = sign_in(english_client(org_a.host), org_a, manager_a)
    assert "Verbinden met wifi" in manager.get("/instructions/write/").content.decode()
    assert manager.post(f"/instructions/write/shared/{shared.pk}/hide/").status_code == 302
