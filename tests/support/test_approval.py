"""A trainee's public answers wait for approval by an experienced volunteer or a professional."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import AuditEvent, Role
from support import services
from support.models import Level, PendingReply, VolunteerLevel
from support.selectors import is_trainee_for, reviewers_to_notify
from tenants.models import Product
from tests.conftest import english_client
from tests.factories import UserFactory, ticket_make
from tests.signing_in import sign_in
from tests.support.conftest import HOSTILE, shown_as_text
from tickets import services as tickets
from tickets.models import Message, Status

pytestmark = pytest.mark.django_db

WAITS = "Your answer waits for approval by an experienced volunteer or a professional."


def public_messages(org, ticket) -> list[Message]:
    with tenant_context(org):
        return list(Message.objects.filter(ticket=ticket, is_internal=False, from_requester=False))


def held(org, ticket) -> PendingReply:
    with tenant_context(org):
        return PendingReply.objects.select_related("reviewer", "message").get(ticket=ticket)


def follow_page(org, requester, ticket) -> str:
    browser = sign_in(english_client(org.host), org, requester)
    response = browser.get(f"/questions/{ticket.number}/follow/")
    assert response.status_code == 200
    return response.content.decode()


def trainee_replies(as_, trainee, ticket, body: str = "Zet de tablet uit en weer aan."):
    browser = as_(trainee)
    response = browser.post(f"/questions/{ticket.number}/reply/", {"body": body}, follow=True)
    assert response.status_code == 200
    return browser, response.content.decode()


def test_trainee_answer_waits_and_the_requester_sees_nothing_until_approved(
    org_a, as_, trainee_a, volunteer_a, requester_a, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _, page = trainee_replies(as_, trainee_a, ticket)

    assert WAITS in page
    assert public_messages(org_a, ticket) == []
    assert "Zet de tablet uit" not in follow_page(org_a, requester_a, ticket)
    assert [m.to for m in mailoutbox] == [["vera@example.org"]]  # the reviewer, never the requester
    assert f"/questions/approvals/{held(org_a, ticket).pk}/" in mailoutbox[0].body
    with tenant_context(org_a):
        assert AuditEvent.objects.filter(action="reply_held_for_approval", actor=trainee_a).exists()

    mailoutbox.clear()
    reviewer = as_(volunteer_a)
    review = reviewer.get(f"/questions/approvals/{held(org_a, ticket).pk}/").content.decode()
    assert "Zet de tablet uit" in review and "Approve and send" in review
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(
            f"/questions/approvals/{held(org_a, ticket).pk}/", {"approve-body": "Zet de tablet uit en weer aan."}
        )
    assert response.status_code == 302 and response["Location"] == f"/questions/{ticket.number}/"

    [message] = public_messages(org_a, ticket)
    assert message.author_id == trainee_a.pk and message.author_name == "Tom Leerling"
    assert "Zet de tablet uit" in follow_page(org_a, requester_a, ticket)
    pending = held(org_a, ticket)
    assert pending.status == PendingReply.Status.APPROVED and pending.reviewer_id == volunteer_a.pk
    assert pending.message_id == message.pk and not pending.was_edited
    assert sorted(m.to[0] for m in mailoutbox) == ["riet@example.org", "tom@example.org"]
    with tenant_context(org_a):
        approval = AuditEvent.objects.get(action="reply_approved")
        assert approval.actor_id == volunteer_a.pk and approval.data["author"] == "Tom Leerling"
    # The question page records who approved.
    detail = as_(trainee_a).get(f"/questions/{ticket.number}/").content.decode()
    assert "Approved by Vera Vrijwilliger." in detail


def test_approve_with_changes_sends_the_edited_text(org_a, as_, trainee_a, volunteer_a, ticket):
    trainee_replies(as_, trainee_a, ticket, body="Doe het maar uit en aan ofzo")
    as_(volunteer_a).post(
        f"/questions/approvals/{held(org_a, ticket).pk}/", {"approve-body": "Zet de tablet uit en weer aan."}
    )

    [message] = public_messages(org_a, ticket)
    assert message.body == "Zet de tablet uit en weer aan." and message.author_id == trainee_a.pk
    pending = held(org_a, ticket)
    assert pending.was_edited and pending.body == "Doe het maar uit en aan ofzo"
    with tenant_context(org_a):
        assert AuditEvent.objects.get(action="reply_approved").data["edited"] is True
    detail = as_(volunteer_a).get(f"/questions/{ticket.number}/").content.decode()
    assert "Approved with changes by Vera Vrijwilliger." in detail


def test_return_with_a_note_reaches_only_the_trainee_who_writes_it_again(
    org_a, as_, trainee_a, volunteer_a, requester_a, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    trainee_replies(as_, trainee_a, ticket)
    pending = held(org_a, ticket)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(volunteer_a).post(
            f"/questions/approvals/{pending.pk}/return/", {"return-note": "Vraag eerst of de stekker erin zit."}
        )
    assert response.status_code == 302

    assert held(org_a, ticket).status == PendingReply.Status.RETURNED
    assert public_messages(org_a, ticket) == []
    assert "Vraag eerst" not in follow_page(org_a, requester_a, ticket)
    assert [m.to for m in mailoutbox] == [["tom@example.org"]]
    assert "Vraag eerst of de stekker erin zit." in mailoutbox[0].body

    browser = as_(trainee_a)
    detail = browser.get(f"/questions/{ticket.number}/").content.decode()
    assert "Note from Vera Vrijwilliger:" in detail and "Vraag eerst of de stekker erin zit." in detail
    again = browser.get(f"/questions/approvals/{pending.pk}/again/")
    assert again.status_code == 200 and "Zet de tablet uit" in again.content.decode()
    page = browser.post(
        f"/questions/approvals/{pending.pk}/again/", {"again-body": "Zit de stekker erin?"}, follow=True
    ).content.decode()
    assert WAITS in page
    with tenant_context(org_a):
        assert PendingReply.objects.filter(ticket=ticket, status="pending", body="Zit de stekker erin?").exists()
    # A returned answer is written again once.
    assert browser.get(f"/questions/approvals/{pending.pk}/again/").status_code == 404


def test_nobody_approves_their_own_answer(org_a, as_, trainee_a, ticket):
    browser, _ = trainee_replies(as_, trainee_a, ticket)
    pending = held(org_a, ticket)

    assert "Approve and send" not in browser.get(f"/questions/approvals/{pending.pk}/").content.decode()
    assert browser.post(f"/questions/approvals/{pending.pk}/", {"approve-body": "Klaar"}).status_code == 404
    assert browser.post(f"/questions/approvals/{pending.pk}/return/", {"return-note": "Nee"}).status_code == 404
    with tenant_context(org_a), pytest.raises(services.SupportError):
        services.reply_approve(actor=trainee_a, pending=pending)
    assert held(org_a, ticket).is_pending and public_messages(org_a, ticket) == []


def test_another_trainee_cannot_approve_but_a_professional_can(
    org_a, as_, make_user, manager_a, trainee_a, professional_a, ticket
):
    other_trainee = make_user(org_a, role=Role.VOLUNTEER, requester_kind="")
    with tenant_context(org_a):
        services.volunteer_level_set(actor=manager_a, volunteer=other_trainee, product=None, level=Level.TRAINEE)
    trainee_replies(as_, trainee_a, ticket)
    pending = held(org_a, ticket)

    assert as_(other_trainee).post(f"/questions/approvals/{pending.pk}/", {"approve-body": "Ok"}).status_code == 404
    assert "Tablet blijft zwart" not in as_(other_trainee).get("/questions/approvals/").content.decode()

    professional = as_(professional_a)
    assert "Tablet blijft zwart" in professional.get("/questions/approvals/").content.decode()
    response = professional.post(f"/questions/approvals/{pending.pk}/", {"approve-body": "Zet hem uit en aan."})
    assert response.status_code == 302
    assert held(org_a, ticket).reviewer_id == professional_a.pk


def test_volunteer_without_a_level_answers_directly(org_a, as_, volunteer_a, requester_a, ticket):
    page = as_(volunteer_a).post(f"/questions/{ticket.number}/reply/", {"body": "Direct antwoord"}, follow=True)
    assert "The answer was sent by e-mail to riet@example.org." in page.content.decode()
    assert [m.body for m in public_messages(org_a, ticket)] == ["Direct antwoord"]
    with tenant_context(org_a):
        assert not PendingReply.objects.exists()
    assert "Direct antwoord" in follow_page(org_a, requester_a, ticket)


def test_level_per_product_wins_over_the_level_for_all_products(org_a, as_, make_user, manager_a, requester_a):
    person = make_user(org_a, role=Role.VOLUNTEER, requester_kind="")
    with tenant_context(org_a):
        alarm = Product.objects.get(slug="persoonlijk-alarm")
        services.volunteer_level_set(actor=manager_a, volunteer=person, product=alarm, level=Level.TRAINEE)
        tablet_question = ticket_make(requester=requester_a)
        alarm_question = ticket_make(requester=requester_a, product_slug="persoonlijk-alarm")
    browser = as_(person)
    browser.post(f"/questions/{tablet_question.number}/reply/", {"body": "Over de tablet"})
    browser.post(f"/questions/{alarm_question.number}/reply/", {"body": "Over het alarm"})
    assert [m.body for m in public_messages(org_a, tablet_question)] == ["Over de tablet"]
    assert public_messages(org_a, alarm_question) == []

    with tenant_context(org_a):
        services.volunteer_level_set(actor=manager_a, volunteer=person, product=None, level=Level.TRAINEE)
        services.volunteer_level_set(actor=manager_a, volunteer=person, product=alarm, level=Level.EXPERIENCED)
    browser.post(f"/questions/{tablet_question.number}/reply/", {"body": "Weer de tablet"})
    browser.post(f"/questions/{alarm_question.number}/reply/", {"body": "Weer het alarm"})
    assert [m.body for m in public_messages(org_a, tablet_question)] == ["Over de tablet"]
    assert [m.body for m in public_messages(org_a, alarm_question)] == ["Weer het alarm"]


def test_managers_requesters_and_other_organisations_see_no_held_answer(
    org_a, org_b, as_, manager_a, requester_a, trainee_a, volunteer_b, ticket, client_b
):
    trainee_replies(as_, trainee_a, ticket, body="Geheim concept")
    pending = held(org_a, ticket)

    for person in (manager_a, requester_a):
        browser = as_(person)
        assert browser.get(f"/questions/approvals/{pending.pk}/").status_code == 404
        assert browser.get("/questions/approvals/").status_code == 404
        assert browser.post(f"/questions/approvals/{pending.pk}/", {"approve-body": "x"}).status_code == 404
    assert "Geheim concept" not in as_(manager_a).get(f"/questions/{ticket.number}/").content.decode()

    sign_in(client_b, org_b, volunteer_b)
    assert client_b.get(f"/questions/approvals/{pending.pk}/").status_code == 404
    assert client_b.post(f"/questions/approvals/{pending.pk}/", {"approve-body": "x"}).status_code == 404
    assert held(org_a, ticket).is_pending


def test_strangers_are_sent_to_sign_in(client_a, trainee_a, ticket, as_, org_a):
    trainee_replies(as_, trainee_a, ticket)
    pending = held(org_a, ticket)
    for path in ("/questions/approvals/", f"/questions/approvals/{pending.pk}/"):
        response = client_a.get(path)
        assert response.status_code == 302 and "/account/" in response["Location"]


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [("", {"approve-body": "   "}, "id_approve-body"), ("return/", {"return-note": ""}, "id_return-note")],
)
def test_an_empty_approval_or_note_is_explained_and_keeps_the_page(
    org_a, as_, trainee_a, volunteer_a, ticket, path, data, field
):
    trainee_replies(as_, trainee_a, ticket)
    pending = held(org_a, ticket)

    response = as_(volunteer_a).post(f"/questions/approvals/{pending.pk}/{path}", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html and "There is a problem" in html and f'href="#{field}"' in html
    assert 'aria-invalid="true"' in html
    assert held(org_a, ticket).is_pending


def test_an_answer_is_decided_once(org_a, as_, trainee_a, volunteer_a, professional_a, ticket):
    trainee_replies(as_, trainee_a, ticket)
    pending = held(org_a, ticket)
    as_(volunteer_a).post(f"/questions/approvals/{pending.pk}/", {"approve-body": "Eerste"})

    page = as_(professional_a).post(f"/questions/approvals/{pending.pk}/", {"approve-body": "Tweede"}, follow=True)

    assert page.status_code == 200
    assert "Somebody else approved or returned this answer just before you." in page.content.decode()
    assert [m.body for m in public_messages(org_a, ticket)] == ["Eerste"]
    with tenant_context(org_a), pytest.raises(services.ReplyAlreadyDecided):
        services.reply_return(actor=professional_a, pending=pending, note="Te laat")


def test_a_closed_question_takes_no_answer_and_no_approval(org_a, as_, trainee_a, volunteer_a, ticket):
    trainee_replies(as_, trainee_a, ticket)
    pending = held(org_a, ticket)
    with tenant_context(org_a):
        tickets.ticket_close(ticket=ticket, actor=volunteer_a, reason="other")

    page = as_(volunteer_a).post(f"/questions/approvals/{pending.pk}/", {"approve-body": "Toch"}, follow=True)
    assert "This question is closed." in page.content.decode()
    assert held(org_a, ticket).is_pending and public_messages(org_a, ticket) == []

    page = as_(trainee_a).post(f"/questions/{ticket.number}/reply/", {"body": "Nog iets"}, follow=True)
    assert "This question is closed." in page.content.decode()
    with tenant_context(org_a):
        assert PendingReply.objects.filter(ticket=ticket).count() == 1
        assert ticket.__class__.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_hostile_text_in_a_held_answer_and_a_note_is_escaped(org_a, as_, trainee_a, volunteer_a, ticket):
    trainee_replies(as_, trainee_a, ticket, body=HOSTILE)
    pending = held(org_a, ticket)
    reviewer = as_(volunteer_a)
    for path in (f"/questions/approvals/{pending.pk}/", f"/questions/{ticket.number}/"):
        html = reviewer.get(path).content.decode()
        assert shown_as_text(html)
    reviewer.post(f"/questions/approvals/{pending.pk}/return/", {"return-note": HOSTILE})
    html = as_(trainee_a).get(f"/questions/{ticket.number}/").content.decode()
    assert shown_as_text(html)


def test_the_list_shows_reviewers_what_waits_and_trainees_their_own(org_a, as_, trainee_a, volunteer_a, ticket):
    trainee_replies(as_, trainee_a, ticket)

    reviewer_page = as_(volunteer_a).get("/questions/approvals/").content.decode()
    assert "<h1>Answers to approve</h1>" in reviewer_page
    assert f"TSA-{ticket.number}: Tablet blijft zwart" in reviewer_page and "Tom Leerling" in reviewer_page

    own_page = as_(trainee_a).get("/questions/approvals/").content.decode()
    assert "No answers wait for your approval." in own_page
    assert "Your answers" in own_page and "Waits for approval" in own_page


def test_once_the_professionals_have_the_question_only_they_approve(
    org_a, as_, trainee_a, volunteer_a, professional_a, ticket
):
    trainee_replies(as_, trainee_a, ticket)
    pending = held(org_a, ticket)
    with tenant_context(org_a):
        tickets.ticket_escalate(ticket=ticket, actor=volunteer_a, reason="too_difficult")

    page = as_(volunteer_a).post(f"/questions/approvals/{pending.pk}/", {"approve-body": "Toch"}, follow=True)
    assert "Only they can approve this answer." in page.content.decode()
    assert public_messages(org_a, ticket) == []

    as_(professional_a).post(f"/questions/approvals/{pending.pk}/", {"approve-body": "Zo klopt het."})
    assert [m.body for m in public_messages(org_a, ticket)] == ["Zo klopt het."]


def test_reviewers_to_notify_follow_the_level_rule_per_product(org_a, trainee_a, volunteer_a, ticket):
    """The row for the question's product wins over the row for every product, as in level_for."""

    with tenant_context(org_a):
        learning_elsewhere = UserFactory(role=Role.VOLUNTEER, requester_kind="", email="els@example.org")
        VolunteerLevel.objects.create(volunteer=learning_elsewhere, product=None, level=Level.TRAINEE)
        VolunteerLevel.objects.create(volunteer=learning_elsewhere, product=ticket.product, level=Level.EXPERIENCED)
        learning_here = UserFactory(role=Role.VOLUNTEER, requester_kind="", email="hier@example.org")

        VolunteerLevel.objects.create(volunteer=learning_here, product=ticket.product, level=Level.TRAINEE)
        pending = PendingReply(ticket=ticket, author=trainee_a, body="Probeer dit")
        chosen = reviewers_to_notify(pending)
        assert learning_elsewhere in chosen and learning_here not in chosen and volunteer_a in chosen
        assert trainee_a not in chosen
        for person in (learning_elsewhere, learning_here, volunteer_a):
            assert (person in chosen) == (not is_trainee_for(person, ticket.product_id))
