"""Retention: solved questions keep personal data for the organisation's own number of months;
then a beat task removes it and keeps the figures the reports need."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import AuditEvent
from satisfaction.models import SurveyAnswer
from satisfaction.services import survey_answer_save
from tenants.models import CareOrganisation
from tests.conftest import english_client
from tests.factories import ticket_make
from tests.signing_in import sign_in
from tests.tickets.test_photos import image_bytes
from tickets import services, tasks, uploads
from tickets.models import Attachment, Message, Status, Ticket

pytestmark = pytest.mark.django_db


def _solved(volunteer, *, months_ago: float, closed: bool = False, **fields) -> Ticket:
    ticket = ticket_make(
        contact_name="Henk de Boer", contact_email="henk@example.org", contact_phone="0612345678", **fields
    )
    services.reply_post(ticket=ticket, actor=volunteer, body="Zet hem uit en aan, Henk.")
    services.reply_post(ticket=ticket, actor=None, body="Het werkt, dank je. Groet, Henk, Dorpsstraat 4.")
    services.ticket_resolve(ticket=ticket, actor=volunteer, cause="device_internet")
    survey_answer_save(ticket=ticket, actor=None, help_score=4, technology_score=3, comment="Henk is blij.")
    when = timezone.now() - timedelta(days=round(months_ago * 30.44))
    if closed:
        Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED, resolved_at=when, closed_at=when)
    else:
        Ticket.objects.filter(pk=ticket.pk).update(resolved_at=when)
    return Ticket.objects.get(pk=ticket.pk)


def test_organisations_keep_personal_data_24_months_by_default(org_a):
    assert CareOrganisation._meta.get_field("personal_data_months").default == 24
    assert org_a.personal_data_months == 24


def test_the_task_runs_from_beat_every_night():
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("anonymise_old_questions"))
    assert entry["schedule"].hour == {3}


def test_old_solved_questions_lose_their_personal_data_and_keep_their_figures(
    in_org, volunteer_a, django_capture_on_commit_callbacks
):
    old = _solved(volunteer_a, months_ago=25, on_behalf_of_name="Mevrouw Bos", on_behalf_relation="informal_carer")
    photo = uploads.photo_clean(SimpleUploadedFile("kamer.png", image_bytes(), content_type="image/png"))
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.attachment_add(ticket=old, actor=volunteer_a, photo=photo)
    storage, name = attachment.file.storage, attachment.file.name
    closed_old = _solved(volunteer_a, months_ago=30, closed=True)
    recent = _solved(volunteer_a, months_ago=23)
    still_open = ticket_make(contact_name="Oude Open Vraag")
    Ticket.objects.filter(pk=still_open.pk).update(created_at=timezone.now() - timedelta(days=1000))

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.anonymise_old_questions() == 2

    for ticket in (Ticket.objects.get(pk=old.pk), Ticket.objects.get(pk=closed_old.pk)):
        assert ticket.anonymised_at is not None
        assert "Henk" not in ticket.contact_name and ticket.contact_email == "" and ticket.contact_phone == ""
        assert ticket.subject == ticket.body == "[weggehaald]"
        assert not Message.objects.filter(ticket=ticket, body__contains="Henk").exists()
        assert not Message.objects.filter(ticket=ticket, author_name__contains="Henk").exists()
        # The figures stay.
        assert ticket.product_id and ticket.created_at and ticket.resolved_at
        assert ticket.bottleneck_cause == "device_internet" and ticket.tier == "volunteer"
        answer = SurveyAnswer.objects.get(ticket=ticket)
        assert (answer.help_score, answer.technology_score) == (4, 3) and "Henk" not in answer.comment
    assert Ticket.objects.get(pk=old.pk).on_behalf_of_name == "[weggehaald]"
    assert Ticket.objects.get(pk=old.pk).status == Status.RESOLVED
    assert not Attachment.objects.filter(ticket=old).exists() and not storage.exists(name)

    assert Ticket.objects.get(pk=recent.pk).contact_name == "Henk de Boer"
    assert Ticket.objects.get(pk=still_open.pk).contact_name == "Oude Open Vraag"
    event = AuditEvent.objects.get(action="tickets_anonymised")
    assert event.data["months"] == 24 and len(event.data["references"]) == 2

    # A second run finds nothing more to do.
    assert tasks.anonymise_old_questions() == 0


def test_each_organisation_keeps_data_as_long_as_it_chose(org_a, in_org, volunteer_a):
    CareOrganisation.objects.filter(pk=org_a.pk).update(personal_data_months=6)
    seven_months = _solved(volunteer_a, months_ago=7)
    five_months = _solved(volunteer_a, months_ago=5)

    tasks.anonymise_old_questions()

    assert Ticket.objects.get(pk=seven_months.pk).anonymised_at is not None
    assert Ticket.objects.get(pk=five_months.pk).anonymised_at is None


def test_the_manager_sees_and_sets_the_period_in_the_settings(org_a, manager_a):
    client = sign_in(english_client(org_a.host), org_a, manager_a)
    page = client.get("/settings/").content.decode()
    assert "Months a solved question keeps personal data" in page and 'value="24"' in page
    good = {
        "escalate_after_minutes": "240",
        "escalate_urgent_after_minutes": "30",
        "max_open_per_volunteer": "5",
        "auto_close_days": "14",
        "personal_data_months": "12",
    }
    assert client.post("/settings/", good).status_code == 302
    assert CareOrganisation.objects.get(pk=org_a.pk).personal_data_months == 12
    page = client.post("/settings/", {**good, "personal_data_months": "0"}).content.decode()
    assert "Enter a number of months from 1 to 120." in page
    with tenant_context(org_a):
        assert AuditEvent.objects.filter(action="organisation_settings_changed").exists()
