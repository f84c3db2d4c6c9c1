"""Ask a professional: a private exchange about a question, while the question stays with the volunteer."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context, tenant_context

from escalations.models import AdviceRequest
from helpdesk.accounts.models import Role
from support import services
from support.models import AdviceThread
from support.tasks import reconcile_advice_index
from tenants.models import Product
from tests.conftest import english_client
from tests.signing_in import sign_in
from tests.support.conftest import HOSTILE, shown_as_text
from tickets import services as tickets
from tickets.models import Ticket, Tier

pytestmark = pytest.mark.django_db

QUESTION = "Is dit een fout van de leverancier?"


def index_rows(org) -> list[AdviceRequest]:
    with schema_context("public"):
        return list(AdviceRequest.objects.filter(organisation=org))


def thread_of(org, ticket) -> AdviceThread:
    with tenant_context(org):
        return AdviceThread.objects.get(ticket=ticket)


@pytest.fixture
def claimed(org_a, volunteer_a, ticket):
    with tenant_context(org_a):
        return tickets.ticket_claim(ticket=ticket, actor=volunteer_a)


@pytest.fixture
def asked(org_a, as_, volunteer_a, claimed):
    response = as_(volunteer_a).post(f"/questions/{claimed.number}/advice/", {"advice-body": QUESTION}, follow=True)
    assert response.status_code == 200
    return claimed


def test_volunteer_asks_without_giving_the_question_away(org_a, as_, volunteer_a, claimed):
    browser = as_(volunteer_a)
    detail = browser.get(f"/questions/{claimed.number}/").content.decode()
    assert f'action="/questions/{claimed.number}/advice/"' in detail

    page = browser.post(f"/questions/{claimed.number}/advice/", {"advice-body": QUESTION}, follow=True)

    html = page.content.decode()
    assert "Your question went to the professionals. The question stays yours." in html and QUESTION in html
    with tenant_context(org_a):
        ticket = Ticket.objects.get(pk=claimed.pk)
    assert ticket.tier == Tier.VOLUNTEER and ticket.assignee_id == volunteer_a.pk and ticket.escalated_at is None
    [row] = index_rows(org_a)
    assert row.status == AdviceRequest.Status.OPEN and row.answered_at is None
    assert (row.number, row.reference, row.ticket_id) == (ticket.number, f"TSA-{ticket.number}", ticket.pk)
    assert row.thread_id == thread_of(org_a, ticket).pk


def test_nobody_else_sees_the_exchange(
    org_a, org_b, as_, make_user, manager_a, requester_a, volunteer_b, asked, client_b
):

    follow = as_(requester_a).get(f"/questions/{asked.number}/follow/")
    assert follow.status_code == 200 and QUESTION not in follow.content.decode()
    assert as_(requester_a).get(f"/questions/{asked.number}/advice/").status_code == 404

    colleague = as_(make_user(org_a, role=Role.VOLUNTEER, requester_kind=""))
    assert QUESTION not in colleague.get(f"/questions/{asked.number}/").content.decode()
    assert QUESTION not in colleague.get(f"/questions/{asked.number}/advice/").content.decode()
    thread = thread_of(org_a, asked)
    assert colleague.post(f"/questions/{asked.number}/advice/{thread.pk}/close/").status_code == 404
    assert (
        colleague.post(
            f"/questions/{asked.number}/advice/{thread.pk}/answer/", {f"answer-{thread.pk}-body": "x"}
        ).status_code
        == 404
    )

    boss = as_(manager_a)
    assert QUESTION not in boss.get(f"/questions/{asked.number}/").content.decode()
    assert boss.get(f"/questions/{asked.number}/advice/").status_code == 404

    sign_in(client_b, org_b, volunteer_b)

    assert client_b.get(f"/questions/{asked.number}/advice/").status_code == 404
    assert client_b.post(f"/questions/{asked.number}/advice/{thread.pk}/close/").status_code == 404
    assert thread_of(org_a, asked).is_active


def test_professional_answers_and_the_volunteer_hears_of_it(
    org_a, as_, volunteer_a, professional_a, asked, mailoutbox, django_capture_on_commit_callbacks
):
    thread = thread_of(org_a, asked)
    professional = as_(professional_a)
    page = professional.get(f"/questions/{asked.number}/").content.decode()
    assert QUESTION in page and f'action="/questions/{asked.number}/advice/{thread.pk}/answer/"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = professional.post(
            f"/questions/{asked.number}/advice/{thread.pk}/answer/",
            {f"answer-{thread.pk}-body": "Nee, kijk eerst naar de wifi."},
        )
    assert response.status_code == 302

    [row] = index_rows(org_a)
    assert row.status == AdviceRequest.Status.ANSWERED and row.answered_at is not None
    [mail] = mailoutbox
    assert mail.to == ["vera@example.org"] and f"/questions/{asked.number}/advice/" in mail.body
    assert "wifi" not in mail.body  # the advice stays on the site
    assert (
        "Nee, kijk eerst naar de wifi." in as_(volunteer_a).get(f"/questions/{asked.number}/advice/").content.decode()
    )

    # A follow-up waits for a professional again; closing takes it off the professionals' list.
    as_(volunteer_a).post(f"/questions/{asked.number}/advice/", {"advice-body": "En daarna?"})
    assert [r.status for r in index_rows(org_a)] == [AdviceRequest.Status.OPEN]
    with tenant_context(org_a):
        assert thread.messages.count() == 3
    as_(volunteer_a).post(f"/questions/{asked.number}/advice/{thread.pk}/close/")
    assert index_rows(org_a) == []
    assert thread_of(org_a, asked).status == AdviceThread.Status.CLOSED


def test_only_professionals_answer(org_a, as_, volunteer_a, asked):
    thread = thread_of(org_a, asked)
    # The volunteer's own text in that form is an addition to their request, never advice.
    response = as_(volunteer_a).post(
        f"/questions/{asked.number}/advice/{thread.pk}/answer/", {f"answer-{thread.pk}-body": "Zelf"}
    )
    assert response.status_code == 302
    with tenant_context(org_a):
        assert not thread.messages.filter(from_professional=True).exists()
    with tenant_context(org_a), pytest.raises(services.SupportError):
        services.advice_answer(thread=thread, actor=volunteer_a, body="Zelf")


def test_a_closed_exchange_takes_no_answer(org_a, as_, volunteer_a, professional_a, asked):
    thread = thread_of(org_a, asked)
    as_(volunteer_a).post(f"/questions/{asked.number}/advice/{thread.pk}/close/")
    page = as_(professional_a).post(
        f"/questions/{asked.number}/advice/{thread.pk}/answer/", {f"answer-{thread.pk}-body": "Te laat"}, follow=True
    )
    assert "The volunteer closed this exchange already." in page.content.decode()
    # Asking again starts a new exchange.
    as_(volunteer_a).post(f"/questions/{asked.number}/advice/", {"advice-body": "Nieuwe vraag"})
    with tenant_context(org_a):
        assert AdviceThread.objects.filter(ticket=asked).count() == 2
    assert len(index_rows(org_a)) == 1


def test_the_index_row_exists_exactly_while_the_exchange_is_active(org_a, volunteer_a, professional_a, claimed):
    with tenant_context(org_a):
        assert index_rows(org_a) == []
        thread = services.advice_ask(ticket=claimed, actor=volunteer_a, body="Vraag")
        assert [r.status for r in index_rows(org_a)] == ["open"]
        services.advice_answer(thread=thread, actor=professional_a, body="Antwoord")
        assert [r.status for r in index_rows(org_a)] == ["answered"]
        services.advice_ask(ticket=claimed, actor=volunteer_a, body="Nog een")
        assert [r.status for r in index_rows(org_a)] == ["open"]
        services.advice_close(thread=thread, actor=professional_a)
        assert index_rows(org_a) == []


def test_reconcile_repairs_a_product_change_and_a_lost_row(org_a, volunteer_a, claimed):
    with tenant_context(org_a):
        services.advice_ask(ticket=claimed, actor=volunteer_a, body="Vraag")
        alarm = Product.objects.get(slug="persoonlijk-alarm")
        tickets.ticket_change_product(ticket=claimed, actor=volunteer_a, product=alarm)
        assert services.advice_index_reconcile() == 1
        assert index_rows(org_a)[0].product_id == alarm.pk
        AdviceRequest.objects.filter(organisation=org_a).delete()
        assert services.advice_index_reconcile() == 1
        assert len(index_rows(org_a)) == 1
        assert services.advice_index_reconcile() == 0


def test_no_advice_on_a_question_the_professionals_have_or_a_closed_one(org_a, as_, volunteer_a, claimed):
    with tenant_context(org_a):
        tickets.ticket_escalate(ticket=claimed, actor=volunteer_a, reason="too_difficult")
    browser = as_(volunteer_a)
    assert browser.post(f"/questions/{claimed.number}/advice/", {"advice-body": QUESTION}).status_code == 404
    assert index_rows(org_a) == []
    with tenant_context(org_a), pytest.raises(tickets.TicketClosed):
        closed = tickets.ticket_close(ticket=claimed, actor=None, reason="other")
        services.advice_ask(ticket=closed, actor=volunteer_a, body=QUESTION)


def test_an_empty_question_is_explained(org_a, as_, volunteer_a, claimed):
    response = as_(volunteer_a).post(f"/questions/{claimed.number}/advice/", {"advice-body": "  "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html and 'href="#id_advice-body"' in html and 'aria-invalid="true"' in html
    assert index_rows(org_a) == []


def test_hostile_text_in_the_exchange_is_escaped(org_a, as_, volunteer_a, professional_a, claimed):
    as_(volunteer_a).post(f"/questions/{claimed.number}/advice/", {"advice-body": HOSTILE})
    for person in (volunteer_a, professional_a):
        for path in (f"/questions/{claimed.number}/", f"/questions/{claimed.number}/advice/"):
            html = as_(person).get(path).content.decode()
            assert shown_as_text(html)


def test_a_professional_opens_the_exchange_page_without_asking_themselves(org_a, as_, professional_a, claimed):
    page = as_(professional_a).get(f"/questions/{claimed.number}/advice/")
    assert page.status_code == 200
    assert f'action="/questions/{claimed.number}/advice/"' not in page.content.decode()
    assert english_client(org_a.host).get(f"/questions/{claimed.number}/advice/").status_code == 302


def test_the_reconcile_task_visits_every_organisation(org_a, org_b, volunteer_a, claimed):

    with tenant_context(org_a):
        services.advice_ask(ticket=claimed, actor=volunteer_a, body="Vraag")
    with schema_context("public"):
        AdviceRequest.objects.all().delete()
    assert reconcile_advice_index.apply().get() == {"test-a": 1}
    assert len(index_rows(org_a)) == 1 and index_rows(org_b) == []


def test_the_volunteer_adds_to_their_own_request_from_its_form(org_a, as_, volunteer_a, professional_a, asked):
    thread = thread_of(org_a, asked)
    professional = as_(professional_a)
    professional.post(
        f"/questions/{asked.number}/advice/{thread.pk}/answer/", {f"answer-{thread.pk}-body": "Kijk naar de wifi."}
    )
    volunteer = as_(volunteer_a)
    page = volunteer.get(f"/questions/{asked.number}/advice/").content.decode()
    assert f'action="/questions/{asked.number}/advice/{thread.pk}/answer/"' in page
    assert "Add to my question" in page and "Send advice" not in page
    response = volunteer.post(
        f"/questions/{asked.number}/advice/{thread.pk}/answer/",
        {f"answer-{thread.pk}-body": "De wifi werkt, het ligt aan iets anders."},
        follow=True,
    )
    assert response.status_code == 200
    assert "Your addition went to the professionals." in response.content.decode()
    with tenant_context(org_a):
        assert thread.messages.count() == 3
        assert not thread.messages.order_by("-pk").first().from_professional
    # It waits for a professional again.
    assert [r.status for r in index_rows(org_a)] == [AdviceRequest.Status.OPEN]
