"""Helpers hear about new questions by e-mail: right away, in a daily digest, or not at all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import Role
from tests.factories import UserFactory, ticket_make
from tests.signing_in import sign_in
from tickets import services
from tickets.models import NotificationPreference, Ticket
from tickets.tasks import send_daily_digests

pytestmark = pytest.mark.django_db


@pytest.fixture
def helpers(in_org):
    right_away = UserFactory(role=Role.VOLUNTEER, requester_kind="", email="nu@example.org")
    daily = UserFactory(role=Role.VOLUNTEER, requester_kind="", email="dag@example.org")
    never = UserFactory(role=Role.VOLUNTEER, requester_kind="", email="nooit@example.org")
    UserFactory(role=Role.VOLUNTEER, requester_kind="", email="weg@example.org", is_active=False)
    UserFactory(role=Role.REQUESTER, email="vraag@example.org")
    services.notification_preference_set(user=daily, new_questions="daily")
    services.notification_preference_set(user=never, new_questions="never")
    return right_away, daily, never


def test_a_new_question_mails_the_helpers_who_want_it_right_away(
    in_org, helpers, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_make(subject="Alarm <b>piept</b>")
    assert [m.to for m in mailoutbox] == [["nu@example.org"]]
    mail = mailoutbox[0]
    assert f"TSA-{ticket.number}" in mail.subject and "Beeldbel-tablet" in mail.subject
    assert "Alarm <b>piept</b>" in mail.body and f"/questions/{ticket.number}/" in mail.body


def test_the_daily_digest_lists_untaken_questions_of_the_last_day(org_a, mailoutbox):
    with tenant_context(org_a):
        UserFactory(role=Role.VOLUNTEER, requester_kind="", email="nu@example.org")
        daily = UserFactory(role=Role.VOLUNTEER, requester_kind="", email="dag@example.org")
        services.notification_preference_set(user=daily, new_questions="daily")
        fresh = ticket_make(subject="Vers")
        old = ticket_make(subject="Oud")
        Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
        taken = ticket_make(subject="Al opgepakt")
        services.ticket_claim(ticket=taken, actor=daily)
    assert send_daily_digests.apply().get() == 1
    assert [m.to for m in mailoutbox] == [["dag@example.org"]]
    body = mailoutbox[0].body
    assert f"TSA-{fresh.number}: Vers" in body and "Oud" not in body and "Al opgepakt" not in body


def test_no_digest_when_nothing_is_new(org_a, mailoutbox):
    with tenant_context(org_a):
        daily = UserFactory(role=Role.VOLUNTEER, requester_kind="", email="dag@example.org")
        services.notification_preference_set(user=daily, new_questions="daily")
    assert send_daily_digests.apply().get() == 0
    assert mailoutbox == []


def test_a_volunteer_chooses_on_the_page(client_a, org_a, make_user):
    volunteer = make_user(org_a, role=Role.VOLUNTEER, requester_kind="")
    sign_in(client_a, org_a, volunteer)
    page = client_a.get("/questions/notifications/")
    assert page.status_code == 200
    assert page.context["form"]["new_questions"].value() == "immediately"
    assert client_a.post("/questions/notifications/", {"new_questions": "daily"}).url == "/questions/"
    with tenant_context(org_a):
        assert NotificationPreference.objects.get(user=volunteer).new_questions == "daily"
    assert client_a.post("/questions/notifications/", {"new_questions": "hourly"}).status_code == 200


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.MANAGER])
def test_the_page_is_refused_to_roles_that_do_not_help(client_a, org_a, make_user, role):
    sign_in(client_a, org_a, make_user(org_a, role=role))
    assert client_a.get("/questions/notifications/").status_code == 404


def test_the_page_is_refused_from_another_organisation(client_b, org_a, org_b, volunteer_b):
    sign_in(client_b, org_b, volunteer_b)

    client_b.defaults["HTTP_HOST"] = org_a.host
    assert client_b.get("/questions/notifications/").status_code == 302
