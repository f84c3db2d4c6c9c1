"""The asker's pages are for the asker: a signed-in helper or manager never becomes one.

Every way into the asker's page (the magic link, the number and contact check, a session that
already opened the question) and every action on it (answer, "solved", "I still need help", a
photo) is tried for every staff role, on a question the volunteers have and on one the
professionals hold. Nothing changes, and nothing answers 500.
"""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tests.factories import ticket_make
from tests.signing_in import sign_in
from tests.tickets.test_photos import image_bytes, upload
from tickets import services
from tickets.models import EscalationReason, TicketEvent
from tickets.permissions import can_work_ticket
from tickets.tokens import follow_token_make
from tickets.views.requester import OPENED_KEY

pytestmark = pytest.mark.django_db

STAFF = ["manager_a", "volunteer_a", "trainee_a", "professional_a"]


@pytest.fixture(params=["with_volunteers", "with_professionals"])
def asked(request, org_a, volunteer_a):
    with tenant_context(org_a):
        ticket = ticket_make(contact_name="Piet Jansen", contact_email="piet@example.org", contact_phone="0612345678")
        services.reply_post(ticket=ticket, actor=volunteer_a, body="Staat de stekker erin?")
        ticket = services.ticket_set_waiting(ticket=ticket, actor=volunteer_a)
        if request.param == "with_professionals":
            ticket = services.ticket_escalate(ticket=ticket, actor=volunteer_a, reason=EscalationReason.TOO_DIFFICULT)
    return ticket


def _state(org, ticket) -> tuple:
    with tenant_context(org):
        ticket.refresh_from_db()
        return (
            ticket.status,
            ticket.messages.count(),
            ticket.attachments.count(),
            TicketEvent.objects.filter(ticket=ticket).count(),
        )


@pytest.mark.parametrize("role", STAFF)
def test_a_signed_in_staff_member_is_never_turned_into_the_asker(request, client_a, org_a, asked, role):
    person = request.getfixturevalue(role)
    sign_in(client_a, org_a, person)
    before = _state(org_a, asked)

    with tenant_context(org_a):
        token = follow_token_make(asked.pk)
    link = client_a.get(f"/questions/open/{token}/")
    assert link.status_code == 302 and link.url == f"/questions/{asked.number}/"
    check = client_a.post("/questions/open/", {"reference": str(asked.number), "contact": "piet@example.org"})
    assert check.status_code == 302 and check.url == "/questions/"
    assert asked.pk not in client_a.session.get(OPENED_KEY, [])

    # A browser that opened the question as the asker before somebody signed in on it.
    session = client_a.session
    session[OPENED_KEY] = [asked.pk]
    session.save()
    follow = f"/questions/{asked.number}/follow/"
    assert client_a.get(follow).status_code == 404
    assert client_a.post(follow, {"body": "Opgelost hoor"}).status_code == 404
    assert client_a.post(f"{follow}solved/").status_code == 404
    assert client_a.post(f"{follow}help/").status_code == 404
    assert _state(org_a, asked) == before

    photo = client_a.post(f"/questions/{asked.number}/photos/", {"photo-photo": upload("a.png", image_bytes("PNG"))})
    with tenant_context(org_a):
        may_work = can_work_ticket(person, asked)  # the helpers' rule: the photo route answers the same
    if may_work:
        assert photo.status_code == 302 and photo.url == f"/questions/{asked.number}/"
    else:
        assert photo.status_code == 404
        assert _state(org_a, asked) == before


def test_the_services_refuse_a_helper_in_the_askers_place(org_a, asked, volunteer_a, manager_a):
    with tenant_context(org_a):
        for person in (volunteer_a, manager_a):
            with pytest.raises(services.NotTheAsker):
                services.ticket_requester_solved(ticket=asked, actor=person)
            with pytest.raises(services.NotTheAsker):
                services.ticket_requester_needs_help(ticket=asked, actor=person)


def test_a_requester_following_somebody_elses_question_writes_as_the_asker(client_a, org_a, asked, second_requester_a):
    """An informal carer with an account of their own opens a question with its number."""
    sign_in(client_a, org_a, second_requester_a)
    opened = client_a.post("/questions/open/", {"reference": str(asked.number), "contact": "0612345678"})
    assert opened.url == f"/questions/{asked.number}/follow/"
    client_a.post(opened.url, {"body": "Het werkt weer."})
    assert client_a.post(f"{opened.url}solved/").status_code == 302
    with tenant_context(org_a):
        message = asked.messages.order_by("-pk").first()
        assert message.from_requester and message.body == "Het werkt weer."
