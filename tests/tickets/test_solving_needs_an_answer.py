"""Nobody is told their question is solved without an answer: a public answer, or a call that
reached them; a held trainee's answer and a call-back request without a call keep it open."""

from __future__ import annotations

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context

from support.models import PendingReply
from tests.conftest import english_client
from tests.factories import ticket_make
from tests.signing_in import sign_in
from tickets import services
from tickets.models import BottleneckCause, ContactMethod, Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

CAUSE = BottleneckCause.EXPLANATION


def _status(org, ticket) -> str:
    with tenant_context(org):
        return Ticket.objects.get(pk=ticket.pk).status


def test_a_question_without_any_answer_cannot_be_solved(in_org, volunteer_a, requester_a):
    ticket = services.ticket_claim(ticket=ticket_make(requester=requester_a), actor=volunteer_a)
    with pytest.raises(services.ResolveRefused):
        services.ticket_resolve(ticket=ticket, actor=volunteer_a, cause=CAUSE)
    services.reply_post(ticket=ticket, actor=volunteer_a, body="Zet de tablet uit en aan.")
    assert services.ticket_resolve(ticket=ticket, actor=volunteer_a, cause=CAUSE).status == Status.RESOLVED


def test_a_held_trainee_answer_blocks_solving_until_it_is_approved(org_a, trainee_a, volunteer_a, requester_a):
    with tenant_context(org_a):
        ticket = services.ticket_claim(ticket=ticket_make(requester=requester_a), actor=trainee_a)
        held = services.reply_send(ticket=ticket, actor=trainee_a, body="Zet de tablet uit en aan.")
        assert isinstance(held, PendingReply)
        # Even with an earlier public answer, the held one keeps the question open.
        services.call_record(ticket=ticket, actor=volunteer_a, reached=True, note="Gebeld")
        with pytest.raises(services.ResolveRefused) as refused, translation.override("en"):
            services.ticket_resolve(ticket=ticket, actor=trainee_a, cause=CAUSE)
        assert "approval" in str(refused.value.reason)
    browser = sign_in(english_client(org_a.host), org_a, trainee_a)
    page = browser.get(f"/questions/{ticket.number}/").content.decode()
    assert "An answer still waits for approval" in page
    assert f'action="/questions/{ticket.number}/resolve/"' not in page
    response = browser.post(f"/questions/{ticket.number}/resolve/", {"resolve-cause": CAUSE}, follow=True)
    assert "An answer still waits for approval" in response.content.decode()
    assert _status(org_a, ticket) == Status.IN_PROGRESS


def test_call_back_question_is_solved_only_after_a_call_that_reached_them(org_a, volunteer_a, requester_a):
    with tenant_context(org_a):
        ticket = ticket_make(requester=requester_a, contact_method=ContactMethod.CALL_BACK, contact_email="")
        ticket = services.ticket_claim(ticket=ticket, actor=volunteer_a)
        services.reply_post(ticket=ticket, actor=volunteer_a, body="Ik bel u zo.")
        with pytest.raises(services.ResolveRefused):
            services.ticket_resolve(ticket=ticket, actor=volunteer_a, cause=CAUSE)
        services.call_record(ticket=ticket, actor=volunteer_a, reached=False, note="")
        with pytest.raises(services.ResolveRefused):
            services.ticket_resolve(ticket=ticket, actor=volunteer_a, cause=CAUSE)
        services.call_record(ticket=ticket, actor=volunteer_a, reached=True, note="Uitgelegd hoe het werkt.")
        assert services.ticket_resolve(ticket=ticket, actor=volunteer_a, cause=CAUSE).status == Status.RESOLVED
        kinds = list(TicketEvent.objects.filter(ticket=ticket, kind="called").values_list("to_value", flat=True))
        assert kinds == ["not_reached", "reached"]


def test_the_helper_sees_the_number_records_a_call_and_the_requester_sees_it(org_a, volunteer_a, requester_a):
    with tenant_context(org_a):
        ticket = ticket_make(
            requester=requester_a, contact_method=ContactMethod.CALL_BACK, contact_phone="06 5555 1234"
        )
        Ticket.objects.filter(pk=ticket.pk).update(contact_email="")  # asked on the phone, no address
    helper = sign_in(english_client(org_a.host), org_a, volunteer_a)
    page = helper.get(f"/questions/{ticket.number}/").content.decode()
    assert 'href="tel:06 5555 1234"' in page
    assert "Call back" in page
    # A rejected call form says what is missing.
    rejected = helper.post(f"/questions/{ticket.number}/call/", {"call-note": "x"})
    assert "Choose whether you reached the person who asked." in rejected.content.decode()
    helper.post(f"/questions/{ticket.number}/claim/")
    sent = helper.post(f"/questions/{ticket.number}/reply/", {"body": "Ik bel u straks."}, follow=True)
    text = sent.content.decode()
    assert "No e-mail went out" in text and "asked to be called back on 06 5555 1234" in text
    assert "was sent by e-mail" not in text
    helper.post(f"/questions/{ticket.number}/call/", {"call-reached": "no"})
    done = helper.post(
        f"/questions/{ticket.number}/call/", {"call-reached": "yes", "call-note": "Knop <b>rechts</b> gebruiken."}
    )
    assert done.status_code == 302
    requester = sign_in(english_client(org_a.host), org_a, requester_a)
    follow = requester.get(f"/questions/{ticket.number}/follow/").content.decode()
    assert "We called you" in follow
    assert "did not reach you. We will try again." in follow
    assert "spoke with you on the phone. Knop &lt;b&gt;rechts&lt;/b&gt; gebruiken." in follow


def test_a_stranger_cannot_record_a_call(org_a, requester_a, second_requester_a):
    with tenant_context(org_a):
        ticket = ticket_make(requester=requester_a, contact_method=ContactMethod.CALL_BACK)
    stranger = sign_in(english_client(org_a.host), org_a, second_requester_a)
    assert stranger.post(f"/questions/{ticket.number}/call/", {"call-reached": "yes"}).status_code == 404
    with tenant_context(org_a):
        assert not ticket.calls.exists()
