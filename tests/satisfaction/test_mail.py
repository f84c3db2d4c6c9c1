"""The e-mail that asks how it went: sent once when a question is solved, with a link that works."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from satisfaction.models import SurveyAnswer, SurveyInvitation
from satisfaction.services import survey_answer_save
from satisfaction.tasks import send_satisfaction_request
from tests.conftest import english_client, link_in_mail
from tests.factories import ticket_make, ticket_solve
from tickets import services as tickets

pytestmark = pytest.mark.django_db


def _survey_mails(mailoutbox, address):
    return [mail for mail in mailoutbox if mail.to == [address] and "How did it go" in mail.subject]


def test_solving_sends_one_email_whose_link_leads_to_the_questions(
    org_a, requester_a, volunteer_a, mailoutbox, django_capture_on_commit_callbacks
):
    with tenant_context(org_a), django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_make(requester=requester_a)
        mailoutbox.clear()
        ticket = ticket_solve(ticket=ticket, actor=volunteer_a, cause="explanation")
    [mail] = _survey_mails(mailoutbox, "riet@example.org")
    assert f"TSA-{ticket.number}" in mail.subject
    assert "Hello Riet Vraagsteller," in mail.body
    assert "Opening the link does not send anything." in mail.body
    path = link_in_mail(mail, org_a)
    assert path.startswith("/rating/")

    browser = english_client(org_a.host)
    page = browser.get(path)
    assert page.status_code == 200 and 'name="help_score"' in page.content.decode()
    with tenant_context(org_a):
        assert not SurveyAnswer.objects.exists()
    browser.post(path, {"help_score": "5", "technology_score": "4", "comment": ""})
    with tenant_context(org_a):
        assert SurveyAnswer.objects.get(ticket=ticket).help_score == 5

    # A retry of the task, or a second dispatch for the same solving, sends nothing more.
    with tenant_context(org_a):
        assert send_satisfaction_request(ticket_id=ticket.pk) is False
    assert len(_survey_mails(mailoutbox, "riet@example.org")) == 1


def test_the_task_sends_once_per_solving(org_a, requester_a, volunteer_a, mailoutbox):
    with tenant_context(org_a):
        ticket = ticket_make(requester=requester_a)
        ticket = ticket_solve(ticket=ticket, actor=volunteer_a, cause="explanation")
        mailoutbox.clear()
        assert send_satisfaction_request(ticket_id=ticket.pk) is True
        assert send_satisfaction_request(ticket_id=ticket.pk) is False
        assert len(mailoutbox) == 1
        # Opened again and solved again, still without an answer: asked once more.
        ticket = tickets.ticket_reopen(ticket=ticket, actor=volunteer_a)
        assert send_satisfaction_request(ticket_id=ticket.pk) is False  # not solved now
        ticket = ticket_solve(ticket=ticket, actor=volunteer_a, cause="explanation")
        assert send_satisfaction_request(ticket_id=ticket.pk) is True
        assert send_satisfaction_request(ticket_id=ticket.pk) is False
        assert SurveyInvitation.objects.filter(ticket=ticket).count() == 2
    assert len(mailoutbox) == 2


def test_no_email_without_an_address_or_once_answered(org_a, requester_a, volunteer_a, mailoutbox):

    with tenant_context(org_a):
        by_phone = ticket_make(contact_name="Mevrouw de Boer", contact_phone="06 12345678", channel="phone")
        by_phone = ticket_solve(ticket=by_phone, actor=volunteer_a, cause="account")
        mailoutbox.clear()
        assert send_satisfaction_request(ticket_id=by_phone.pk) is False

        answered = ticket_solve(ticket=ticket_make(requester=requester_a), actor=volunteer_a, cause="wish")
        survey_answer_save(ticket=answered, actor=requester_a, help_score=4, technology_score=4)
        assert send_satisfaction_request(ticket_id=answered.pk) is False
        assert send_satisfaction_request(ticket_id=999_999) is False
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("language", "greeting"), [("nl", "Beste Riet Vraagsteller,"), ("en", "Hello Riet Vraagsteller,")]
)
def test_the_email_is_in_the_requesters_language(org_a, requester_a, volunteer_a, mailoutbox, language, greeting):
    from django.utils import translation

    with tenant_context(org_a):
        requester_a.language = language
        requester_a.save(update_fields=["language"])
        ticket = ticket_solve(ticket=ticket_make(requester=requester_a), actor=volunteer_a, cause="wish")
        mailoutbox.clear()
        with translation.override("en" if language == "nl" else "nl"):
            send_satisfaction_request(ticket_id=ticket.pk)
    [mail] = mailoutbox
    assert mail.body.startswith(greeting)
