"""A manager exports everything about one person as a ZIP, or erases the person; both are logged."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import AuditEvent, LoginToken, User
from helpdesk.accounts.services import login_card_issue
from satisfaction.models import SurveyAnswer
from satisfaction.services import survey_answer_save
from support.models import AdviceMessage
from support.services import advice_ask
from tests.conftest import english_client
from tests.factories import ticket_make
from tests.signing_in import sign_in
from tests.tickets.test_photos import image_bytes
from tickets import services, uploads
from tickets.models import Attachment, Message, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def riets_data(in_org, requester_a, volunteer_a, manager_a):
    """Riet asked two questions: one signed in, one earlier without an account, from her address.
    A helper answered, she added a photo and rated the help; the helper asked for advice."""
    first = ticket_make(requester=requester_a, subject="Tablet <b>kapot</b>", body="Het scherm blijft zwart.")
    second = ticket_make(contact_name="Riet V.", contact_email=requester_a.email.upper(), body="Geen geluid.")
    services.ticket_claim(ticket=first, actor=volunteer_a)
    services.reply_post(ticket=first, actor=volunteer_a, body="Houd de aan-knop tien seconden in.")
    services.reply_post(ticket=first, actor=requester_a, body="Dank je, Vera!")
    photo = uploads.photo_clean(SimpleUploadedFile("scherm.png", image_bytes(), content_type="image/png"))
    services.attachment_add(ticket=first, actor=requester_a, photo=photo)
    advice_ask(ticket=first, actor=volunteer_a, body="Is dit een defect van mevrouw haar tablet?")
    services.ticket_resolve(ticket=first, actor=volunteer_a, cause="explanation")
    survey_answer_save(ticket=first, actor=requester_a, help_score=5, technology_score=2, comment="Vera was lief.")
    login_card_issue(actor=manager_a, user=requester_a)
    return first, second


def _export(client, person) -> zipfile.ZipFile:
    response = client.post(f"/account/people/{person.pk}/export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_export_holds_everything_about_the_person(org_a, manager_a, requester_a, riets_data):
    first, second = riets_data
    archive = _export(sign_in(english_client(org_a.host), org_a, manager_a), requester_a)

    data = json.loads(archive.read("data.json"))
    sections = {section["key"]: section for section in data["sections"]}
    assert set(sections) >= {"account", "questions", "messages", "history", "photos", "advice", "ratings", "access_log"}
    assert sections["account"]["rows"][0]["email"] == requester_a.email
    assert [row["reference"] for row in sections["questions"]["rows"]] == [
        f"TSA-{first.number}",
        f"TSA-{second.number}",
    ]
    texts = [row["text"] for row in sections["messages"]["rows"]]
    assert "Houd de aan-knop tien seconden in." in texts and "Dank je, Vera!" in texts
    assert sections["ratings"]["rows"][0]["comment"] == "Vera was lief."
    assert sections["advice"]["rows"][0]["text"].startswith("Is dit een defect")
    assert any(row["action"] == "ticket_created" for row in sections["access_log"]["rows"])

    photo_path = sections["photos"]["files"][0]
    assert archive.read(f"files/{photo_path}").startswith(b"\x89PNG")

    html = archive.read("index.html").decode()
    assert "<!DOCTYPE html>" in html and requester_a.full_name in html
    assert "Tablet &lt;b&gt;kapot&lt;/b&gt;" in html and "<b>kapot" not in html
    assert "<script" not in html


def test_the_export_is_logged(org_a, manager_a, requester_a, riets_data):
    _export(sign_in(english_client(org_a.host), org_a, manager_a), requester_a)
    with tenant_context(org_a):
        event = AuditEvent.objects.get(action="person_data_exported")
    assert event.actor_id == manager_a.pk and event.subject_id == requester_a.pk


@pytest.mark.parametrize("who", ["volunteer_a", "requester_a", "professional_a"])
def test_only_managers_export_or_erase(org_a, requester_a, second_requester_a, who, request):
    client = sign_in(english_client(org_a.host), org_a, request.getfixturevalue(who))
    assert client.post(f"/account/people/{second_requester_a.pk}/export/").status_code == 404
    assert client.post(f"/account/people/{second_requester_a.pk}/erase/", {"confirm": "on"}).status_code == 404
    with tenant_context(org_a):
        assert User.objects.get(pk=second_requester_a.pk).is_active


def test_a_manager_of_another_organisation_gets_nothing(org_a, org_b, manager_b, requester_a):
    client = sign_in(english_client(org_b.host), org_b, manager_b)
    # Riet's id in organisation B is somebody else or nobody: B's manager only ever reaches B.
    response = client.post(f"/account/people/{requester_a.pk}/export/")
    if response.status_code == 200:
        data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))
        assert requester_a.email not in json.dumps(data)
    client_on_a = sign_in(english_client(org_a.host), org_b, manager_b)
    assert client_on_a.post(f"/account/people/{requester_a.pk}/export/").status_code in (302, 404)


def test_erasing_asks_for_confirmation(org_a, manager_a, requester_a):
    client = sign_in(english_client(org_a.host), org_a, manager_a)
    page = client.post(f"/account/people/{requester_a.pk}/erase/").content.decode()
    assert "There is a problem" in page and "Tick the box" in page
    with tenant_context(org_a):
        assert User.objects.get(pk=requester_a.pk).full_name == requester_a.full_name


def test_erasing_anonymises_the_person_everywhere(
    org_a, manager_a, requester_a, volunteer_a, riets_data, django_capture_on_commit_callbacks
):
    first, second = riets_data
    with tenant_context(org_a):
        photo = Attachment.objects.get(ticket=first)
        storage, photo_name = photo.file.storage, photo.file.name
        assert storage.exists(photo_name)
    client = sign_in(english_client(org_a.host), org_a, manager_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/account/people/{requester_a.pk}/erase/", {"confirm": "on"})
    assert response.status_code == 302

    with tenant_context(org_a):
        person = User.objects.get(pk=requester_a.pk)
        assert person.full_name == "Erased person" and person.email is None and person.phone == ""
        assert not person.is_active and not person.has_usable_password()
        assert not LoginToken.objects.filter(user=person, revoked_at__isnull=True).exists()
        for ticket in Ticket.objects.filter(pk__in=[first.pk, second.pk]):
            assert ticket.anonymised_at is not None and ticket.requester_id is None
            assert requester_a.full_name not in ticket.contact_name and ticket.contact_email == ""
            assert "Tablet" not in ticket.subject and "zwart" not in ticket.body
            # What the reports count stays.
            assert ticket.product_id and ticket.created_at
        assert ticket.status
        first = Ticket.objects.get(pk=first.pk)
        assert first.bottleneck_cause == "explanation" and first.resolved_at is not None
        assert not Message.objects.filter(ticket=first, body__contains="Vera").exists()
        assert not Attachment.objects.filter(ticket=first).exists()
        assert not storage.exists(photo_name)
        answer = SurveyAnswer.objects.get(ticket=first)
        assert (answer.help_score, answer.technology_score) == (5, 2) and "Vera" not in answer.comment
        assert not AdviceMessage.objects.filter(body__contains="defect").exists()
        erased = AuditEvent.objects.get(action="person_erased")
        assert erased.actor_id == manager_a.pk and erased.subject_id == person.pk
        assert erased.data["changed"]["questions"] == 2


def test_erasing_a_volunteer_removes_their_name_from_the_questions_they_helped(
    org_a, manager_a, volunteer_a, riets_data
):
    first, _ = riets_data
    client = sign_in(english_client(org_a.host), org_a, manager_a)
    client.post(f"/account/people/{volunteer_a.pk}/erase/", {"confirm": "on"})
    with tenant_context(org_a):
        assert not Message.objects.filter(author_name=volunteer_a.full_name).exists()
        assert Message.objects.filter(author_id=volunteer_a.pk, author_name="Erased person").exists()
        assert Ticket.objects.get(pk=first.pk).anonymised_at is None
