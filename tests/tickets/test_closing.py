"""Closing a question that is not solved asks for confirmation and a reason the reports count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tests.conftest import english_client
from tests.factories import ticket_make, ticket_solve
from tests.signing_in import sign_in
from tickets import services
from tickets.models import CloseReason, Status, Ticket
from tickets.selectors import close_reasons_counted

pytestmark = pytest.mark.django_db


def _reload(org, ticket) -> Ticket:
    with tenant_context(org):
        return Ticket.objects.get(pk=ticket.pk)


def test_close_asks_first_and_needs_a_reason(org_a, volunteer_a, requester_a):
    with tenant_context(org_a):
        ticket = ticket_make(requester=requester_a, subject="Twee keer gevraagd")
    browser = sign_in(english_client(org_a.host), org_a, volunteer_a)
    page = browser.get(f"/questions/{ticket.number}/").content.decode()
    # The question page links to a confirmation, it does not close in one click.
    assert f'href="/questions/{ticket.number}/close/"' in page
    assert f'<form method="post" action="/questions/{ticket.number}/close/"' not in page
    confirm = browser.get(f"/questions/{ticket.number}/close/")
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Why do you close this question?" in text and "spam" in text
    rejected = browser.post(f"/questions/{ticket.number}/close/", {})
    assert rejected.status_code == 200
    assert "Choose why you close the question." in rejected.content.decode()
    assert _reload(org_a, ticket).status == Status.NEW
    browser.post(f"/questions/{ticket.number}/close/", {"close-reason": "duplicate"})
    closed = _reload(org_a, ticket)
    assert (closed.status, closed.close_reason) == (Status.CLOSED, "duplicate")


def test_the_service_refuses_closing_an_unsolved_question_without_a_reason(in_org, volunteer_a):
    with pytest.raises(services.TicketError):
        services.ticket_close(ticket=ticket_make(), actor=volunteer_a)
    solved = ticket_solve(ticket=services.ticket_claim(ticket=ticket_make(), actor=volunteer_a), actor=volunteer_a)
    assert services.ticket_close(ticket=solved, actor=volunteer_a).close_reason == ""


def test_the_reports_count_the_reasons(in_org, volunteer_a):
    for reason in ("spam", "spam", "no_reaction"):
        services.ticket_close(ticket=ticket_make(), actor=volunteer_a, reason=reason)
    now = timezone.now()
    counted = close_reasons_counted(since=now - timedelta(days=1), until=now + timedelta(minutes=1))
    assert counted == {CloseReason.DUPLICATE: 0, CloseReason.SPAM: 2, CloseReason.NO_REACTION: 1, CloseReason.OTHER: 0}


def test_a_stranger_cannot_close(org_a, requester_a, second_requester_a):
    with tenant_context(org_a):
        ticket = ticket_make(requester=requester_a)
    stranger = sign_in(english_client(org_a.host), org_a, second_requester_a)
    assert stranger.get(f"/questions/{ticket.number}/close/").status_code == 404
    assert stranger.post(f"/questions/{ticket.number}/close/", {"close-reason": "spam"}).status_code == 404
