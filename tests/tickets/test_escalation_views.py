"""Passing a question to the professionals on the question page, as volunteers, professionals,
managers and people of another organisation."""

from __future__ import annotations

from html import unescape

import pytest
from django_tenants.utils import tenant_context

from escalations.models import EscalationEntry
from helpdesk.accounts.models import Role
from tests.conftest import english_client
from tests.factories import ticket_make
from tests.signing_in import sign_in
from tickets import services
from tickets.models import Message, Priority, Status, Ticket, TicketEvent, Tier

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


@pytest.fixture
def ticket(org_a) -> Ticket:
    with tenant_context(org_a):
        return ticket_make(subject="Tablet blijft zwart", body="Het scherm is zwart.")


@pytest.fixture
def as_volunteer(client_a, org_a, volunteer_a):
    return sign_in(client_a, org_a, volunteer_a)


@pytest.fixture
def as_professional(org_a, professional_a):
    return sign_in(english_client(org_a.host), org_a, professional_a)


def reload(org, ticket: Ticket) -> Ticket:
    with tenant_context(org):
        return Ticket.objects.select_related("assignee").get(pk=ticket.pk)


def index_row(org, ticket: Ticket) -> EscalationEntry | None:
    return EscalationEntry.objects.filter(organisation=org, ticket_id=ticket.pk).first()


def escalate(client, ticket: Ticket, **data):
    return client.post(f"/questions/{ticket.number}/escalate/", {f"escalate-{k}": v for k, v in data.items()})


# --- A volunteer passes a question on ------------------------------------------------------------


def test_question_page_offers_passing_on_with_plain_reasons(as_volunteer, ticket):
    html = as_volunteer.get(f"/questions/{ticket.number}/").content.decode()
    assert f'action="/questions/{ticket.number}/escalate/"' in html
    for words in (
        "It is too difficult for me",
        "The supplier of the product is needed",
        "It is urgent, or I worry about the client's safety",
        "It is more than I can handle now",
    ):
        assert words in unescape(html)
    assert f'action="/questions/{ticket.number}/worry/"' in html


def test_volunteer_escalates_with_a_reason_and_then_only_follows(as_volunteer, org_a, volunteer_a, ticket):
    as_volunteer.post(f"/questions/{ticket.number}/claim/")
    response = escalate(as_volunteer, ticket, reason="too_difficult", note="Ik kom er niet uit.")
    assert response.status_code == 302
    changed = reload(org_a, ticket)
    assert changed.tier == Tier.PROFESSIONAL and changed.escalation_reason == "too_difficult"
    assert changed.assignee is None and changed.escalated_by_id == volunteer_a.pk
    row = index_row(org_a, ticket)
    assert row is not None and row.reason == "too_difficult" and row.status == changed.status
    with tenant_context(org_a):
        event = TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.ESCALATED)
        assert event.actor == volunteer_a and event.to_value == "too_difficult"
        assert Message.objects.filter(ticket=ticket, is_internal=True, body="Ik kom er niet uit.").exists()

    page = as_volunteer.get(f"/questions/{ticket.number}/")
    html = page.content.decode()
    assert "The professionals have this question now. You can still follow it." in html
    assert "passed the question to the professionals: Too difficult" in html  # the history names the reason
    assert "Ik kom er niet uit." in html
    # Following, not working: no taking, answering, solving or passing on; notes still.
    assert f'action="/questions/{ticket.number}/claim/"' not in html
    assert f'action="/questions/{ticket.number}/reply/"' not in html
    assert f'action="/questions/{ticket.number}/resolve/"' not in html
    assert f'action="/questions/{ticket.number}/escalate/"' not in html
    assert f'action="/questions/{ticket.number}/note/"' in html
    # The volunteer still finds it under "only my questions".
    assert f"TSA-{ticket.number}" in as_volunteer.get("/questions/", {"mine": "on"}).content.decode()


def test_after_escalation_a_volunteer_cannot_claim_answer_or_solve(as_volunteer, org_a, volunteer_a, ticket):
    escalate(as_volunteer, ticket, reason="needs_supplier")
    response = as_volunteer.post(f"/questions/{ticket.number}/claim/", follow=True)
    assert "The professionals have this question now." in response.content.decode()
    assert reload(org_a, ticket).assignee is None

    response = as_volunteer.post(f"/questions/{ticket.number}/resolve/", {"resolve-cause": "account"}, follow=True)
    assert "The professionals have this question now." in response.content.decode()
    assert reload(org_a, ticket).status == Status.NEW

    # A reply written before the question moved is kept, in the internal note, not sent.
    response = as_volunteer.post(f"/questions/{ticket.number}/reply/", {"body": "Probeer opnieuw op te starten."})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your text is in the internal note below." in html
    assert "Probeer opnieuw op te starten.</textarea>" in html
    with tenant_context(org_a):
        assert not Message.objects.filter(ticket=ticket, is_internal=False).exists()

    assert (
        as_volunteer.post(f"/questions/{ticket.number}/note/", {"note-body": "Leverancier gebeld"}).status_code == 302
    )
    with tenant_context(org_a):
        assert Message.objects.filter(ticket=ticket, is_internal=True, body="Leverancier gebeld").exists()
    response = as_volunteer.post(f"/questions/{ticket.number}/waiting/", follow=True)
    assert "The professionals have this question now." in response.content.decode()
    assert reload(org_a, ticket).status == Status.NEW


def test_an_automatic_escalation_shows_its_reason_in_the_history(as_volunteer, org_a, ticket):
    from datetime import timedelta

    with tenant_context(org_a):
        escalated = services.tickets_escalate_waiting(now=ticket.created_at + timedelta(hours=5))
    assert escalated == [(f"TSA-{ticket.number}", "waited_too_long")]
    html = as_volunteer.get(f"/questions/{ticket.number}/").content.decode()
    assert "The helpdesk passed the question to the professionals: Nobody took it in time" in html
    assert "Reason: Nobody took it in time" in html


def test_escalating_twice_is_told_plainly(as_volunteer, org_a, ticket):
    escalate(as_volunteer, ticket, reason="too_much_now")
    response = escalate(as_volunteer, ticket, reason="too_difficult")
    assert response.status_code == 302
    page = as_volunteer.get(response["Location"]).content.decode()
    assert "The professionals have this question now." in page
    assert reload(org_a, ticket).escalation_reason == "too_much_now"


def test_a_question_held_by_a_colleague_is_not_passed_on_by_someone_else(
    as_volunteer, org_a, make_user, ticket, volunteer_a
):
    colleague = make_user(org_a, role=Role.VOLUNTEER, requester_kind="", full_name="Karel Collega")
    with tenant_context(org_a):
        services.ticket_claim(ticket=ticket, actor=colleague)
    assert "/escalate/" not in as_volunteer.get(f"/questions/{ticket.number}/").content.decode()
    response = escalate(as_volunteer, ticket, reason="too_difficult")
    assert "Karel Collega holds this question." in as_volunteer.get(response["Location"]).content.decode()
    assert reload(org_a, ticket).tier == Tier.VOLUNTEER


def test_escalating_a_closed_question_is_told_plainly(as_volunteer, org_a, volunteer_a, ticket):
    with tenant_context(org_a):
        services.ticket_close(ticket=ticket, actor=volunteer_a, reason="other")
    response = escalate(as_volunteer, ticket, reason="too_difficult")
    assert "This question is closed." in as_volunteer.get(response["Location"]).content.decode()
    assert reload(org_a, ticket).tier == Tier.VOLUNTEER and index_row(org_a, ticket) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": "Geen reden gekozen"}, "Choose why you pass the question on."),
        ({"reason": "waited_too_long"}, "Choose one of the reasons in the list."),  # automatic only
        ({"reason": "bogus"}, "Choose one of the reasons in the list."),
        ({"reason": "too_difficult", "note": "x" * 5001}, "Ensure this value has at most 5000 characters"),
    ],
)
def test_bad_escalation_input_keeps_the_page_and_says_what_is_wrong(as_volunteer, org_a, ticket, data, message):
    response = escalate(as_volunteer, ticket, **data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and "There is a problem" in html
    assert message in html
    assert '<details class="disclosure" open>' in html  # the form with the problem is shown opened
    if "note" in data:
        assert data["note"] in html  # what was typed stays
    assert reload(org_a, ticket).tier == Tier.VOLUNTEER
    assert index_row(org_a, ticket) is None


def test_a_hostile_note_is_shown_escaped(as_volunteer, org_a, ticket):
    escalate(as_volunteer, ticket, reason="too_difficult", note=HOSTILE)
    html = as_volunteer.get(f"/questions/{ticket.number}/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_escalating_as_a_safety_worry_tells_the_contact_person(
    as_volunteer, org_a, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    org_a.contact_person_name = "Carla Contact"
    org_a.contact_person_email = "contact@zorggroep-a.example"
    org_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = escalate(as_volunteer, ticket, reason="safety_worry", note="Mevrouw viel vannacht.")
    changed = reload(org_a, ticket)
    assert changed.is_worry and changed.priority == Priority.URGENT and changed.tier == Tier.PROFESSIONAL
    assert [mail.to for mail in mailoutbox] == [["contact@zorggroep-a.example"]]
    assert f"/questions/{ticket.number}/" in mailoutbox[0].body
    assert "Mevrouw viel" not in mailoutbox[0].body  # the note stays with the helpers
    assert (
        "The contact person of the organisation gets an e-mail"
        in as_volunteer.get(response["Location"]).content.decode()
    )
    assert index_row(org_a, ticket).is_worry


# --- A worry about safety ----------------------------------------------------------------------------


def test_marking_a_worry_makes_it_urgent_escalates_and_mails_the_contact_person(
    as_volunteer, org_a, volunteer_a, ticket, mailoutbox, django_capture_on_commit_callbacks
):
    org_a.contact_person_email = "contact@zorggroep-a.example"
    org_a.save()
    page = as_volunteer.get(f"/questions/{ticket.number}/").content.decode()
    assert "The contact person of the care organisation gets an e-mail." in page  # explained before pressing
    with django_capture_on_commit_callbacks(execute=True):
        response = as_volunteer.post(f"/questions/{ticket.number}/worry/", follow=True)
    html = response.content.decode()
    assert "The question is marked as a worry about safety. It is urgent now." in html
    changed = reload(org_a, ticket)
    assert changed.is_worry and changed.priority == Priority.URGENT
    assert changed.tier == Tier.PROFESSIONAL and changed.escalation_reason == "safety_worry"
    assert [mail.to for mail in mailoutbox] == [["contact@zorggroep-a.example"]]
    assert index_row(org_a, ticket) is not None
    with tenant_context(org_a):
        assert TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.WORRY, actor=volunteer_a).exists()
    # Once marked, the button is gone; pressing again changes nothing and sends nothing.
    assert f'action="/questions/{ticket.number}/worry/"' not in html
    with django_capture_on_commit_callbacks(execute=True):
        again = as_volunteer.post(f"/questions/{ticket.number}/worry/", follow=True)
    assert "already marked as a worry" in again.content.decode()
    assert len(mailoutbox) == 1


def test_the_queue_says_in_words_which_questions_are_with_the_professionals(as_volunteer, org_a, ticket):
    with tenant_context(org_a):
        other = ticket_make(subject="Alarm piept", product_slug="persoonlijk-alarm")
    as_volunteer.post(f"/questions/{ticket.number}/worry/")
    html = as_volunteer.get("/questions/").content.decode()
    row = html.split(f"TSA-{ticket.number}")[1].split("</tr>")[0]
    assert "(urgent)" in row and "(worry about safety)" in row and "With the professionals" in row
    other_row = html.split(f"TSA-{other.number}")[1].split("</tr>")[0]
    assert "With the professionals" not in other_row and "worry" not in other_row
    filtered = as_volunteer.get("/questions/", {"with_professionals": "on"}).content.decode()
    assert f"TSA-{ticket.number}" in filtered and f"TSA-{other.number}" not in filtered


# --- A professional takes over and hands back --------------------------------------------------------


def test_professional_takes_over_answers_and_hands_back_with_a_note(
    as_volunteer, as_professional, org_a, professional_a, ticket
):
    escalate(as_volunteer, ticket, reason="too_difficult")

    # The hand-off from the portal lands on ?take=1: the take-over comes first on the page.
    html = as_professional.get(f"/questions/{ticket.number}/?take=1").content.decode()
    assert "Take this question over?" in html
    assert "Vera Vrijwilliger passed this question to the professionals." in html
    assert html.index(f'action="/questions/{ticket.number}/take-over/"') < html.index('<dl class="summary">')

    response = as_professional.post(f"/questions/{ticket.number}/take-over/", follow=True)
    assert "You took this question over." in response.content.decode()
    taken = reload(org_a, ticket)
    assert taken.assignee == professional_a and taken.status == Status.IN_PROGRESS
    row = index_row(org_a, ticket)
    assert row.taken_by_id == 4242 and row.taken_by_name == "Pieter Professional"

    assert as_professional.post(f"/questions/{ticket.number}/reply/", {"body": "Ik bel u morgen."}).status_code == 302
    with tenant_context(org_a):
        assert Message.objects.filter(ticket=ticket, is_internal=False, author=professional_a).exists()

    # A note is required to hand back.
    response = as_professional.post(f"/questions/{ticket.number}/hand-back/", {"hand_back-note": "  "})
    assert response.status_code == 200
    assert "Write what the volunteers should do next." in response.content.decode()
    assert reload(org_a, ticket).tier == Tier.PROFESSIONAL

    response = as_professional.post(
        f"/questions/{ticket.number}/hand-back/", {"hand_back-note": "Leg uit hoe het volume werkt."}, follow=True
    )
    assert "The question is back with the volunteers." in response.content.decode()
    back = reload(org_a, ticket)
    assert back.tier == Tier.VOLUNTEER and back.assignee is None and back.status == Status.NEW
    assert index_row(org_a, ticket) is None
    with tenant_context(org_a):
        assert Message.objects.filter(ticket=ticket, is_internal=True, body="Leg uit hoe het volume werkt.").exists()

    # Back in the queue of questions nobody has taken, and a volunteer can take it again.
    queue = as_volunteer.get("/questions/", {"unassigned": "on"}).content.decode()
    assert f"TSA-{ticket.number}" in queue
    history = as_volunteer.get(f"/questions/{ticket.number}/").content.decode()
    assert "handed the question back to the volunteers" in history
    as_volunteer.post(f"/questions/{ticket.number}/claim/")
    assert reload(org_a, ticket).assignee.full_name == "Vera Vrijwilliger"


def test_a_late_take_over_is_told_plainly(as_volunteer, as_professional, org_a, make_user, ticket):
    escalate(as_volunteer, ticket, reason="too_difficult")
    other = make_user(org_a, role=Role.PROFESSIONAL, requester_kind="", full_name="Olga Andere", public_user_id=4343)
    with tenant_context(org_a):
        services.ticket_take_over(ticket=ticket, actor=other)
    response = as_professional.post(f"/questions/{ticket.number}/take-over/", follow=True)
    assert "Olga Andere took this question just before you." in response.content.decode()
    assert reload(org_a, ticket).assignee == other


def test_take_over_of_a_question_with_the_volunteers_is_explained(as_professional, org_a, ticket):
    response = as_professional.post(f"/questions/{ticket.number}/take-over/", follow=True)
    assert "This question is with the volunteers." in response.content.decode()
    response = as_professional.post(f"/questions/{ticket.number}/hand-back/", {"hand_back-note": "x"}, follow=True)
    assert "This question is already with the volunteers." in response.content.decode()
    assert reload(org_a, ticket).assignee is None


def test_volunteers_and_managers_cannot_take_over_or_hand_back(as_volunteer, client_a, org_a, ticket):
    escalate(as_volunteer, ticket, reason="too_difficult")
    assert as_volunteer.post(f"/questions/{ticket.number}/take-over/").status_code == 404
    assert as_volunteer.post(f"/questions/{ticket.number}/hand-back/", {"hand_back-note": "x"}).status_code == 404
    assert reload(org_a, ticket).tier == Tier.PROFESSIONAL


# --- The cap on questions held at once ---------------------------------------------------------------


def test_the_cap_on_held_questions_is_told_in_words(as_volunteer, org_a, volunteer_a):
    org_a.max_open_per_volunteer = 2
    org_a.save()
    with tenant_context(org_a):
        held = [ticket_make(subject=f"Vraag {n}") for n in range(3)]
    for ticket in held[:2]:
        as_volunteer.post(f"/questions/{ticket.number}/claim/")
    response = as_volunteer.post(f"/questions/{held[2].number}/claim/", follow=True)
    assert "You already hold 2 questions. Finish one or give one back to the queue first." in response.content.decode()
    assert reload(org_a, held[2]).assignee is None
    # Passing one on frees a place.
    escalate(as_volunteer, held[0], reason="too_much_now")
    as_volunteer.post(f"/questions/{held[2].number}/claim/")
    assert reload(org_a, held[2]).assignee == volunteer_a


# --- Who may not ------------------------------------------------------------------------------------


def test_manager_reads_but_cannot_escalate_or_mark_a_worry(client_a, org_a, ticket, manager_a):
    sign_in(client_a, org_a, manager_a)

    html = client_a.get(f"/questions/{ticket.number}/").content.decode()
    assert "/escalate/" not in html and "/worry/" not in html
    assert escalate(client_a, ticket, reason="too_difficult").status_code == 404
    assert client_a.post(f"/questions/{ticket.number}/worry/").status_code == 404
    assert client_a.post(f"/questions/{ticket.number}/take-over/").status_code == 404
    changed = reload(org_a, ticket)
    assert changed.tier == Tier.VOLUNTEER and not changed.is_worry


def test_requester_cannot_escalate_their_own_question(client_a, org_a, make_user):
    requester_a = make_user(org_a, role=Role.REQUESTER)
    with tenant_context(org_a):
        own = ticket_make(requester=requester_a)
    sign_in(client_a, org_a, requester_a)
    assert escalate(client_a, own, reason="too_difficult").status_code == 404
    assert client_a.post(f"/questions/{own.number}/worry/").status_code == 404
    assert reload(org_a, own).tier == Tier.VOLUNTEER


def test_a_professional_does_not_escalate_to_themself(as_professional, org_a, ticket):
    assert escalate(as_professional, ticket, reason="too_difficult").status_code == 404
    assert reload(org_a, ticket).tier == Tier.VOLUNTEER


def test_strangers_are_sent_to_sign_in(client_a, ticket):
    for action in ("escalate", "worry", "take-over", "hand-back"):
        response = client_a.post(f"/questions/{ticket.number}/{action}/")
        assert response.status_code == 302 and "/account/" in response["Location"]
    assert client_a.get(f"/questions/{ticket.number}/escalate/").status_code == 405


def test_another_organisations_question_is_404(org_a, org_b, make_user, client_b, ticket, volunteer_b):
    sign_in(client_b, org_b, volunteer_b)

    with tenant_context(org_b):
        assert not Ticket.objects.filter(number=ticket.number).exists()
    assert escalate(client_b, ticket, reason="too_difficult").status_code == 404
    assert client_b.post(f"/questions/{ticket.number}/worry/").status_code == 404
    pro_b = make_user(org_b, role=Role.PROFESSIONAL, requester_kind="", public_user_id=5151)
    sign_in(client_b, org_b, pro_b)
    assert client_b.post(f"/questions/{ticket.number}/take-over/").status_code == 404
    # Their session carried to organisation A's host counts for nothing there.
    client_b.defaults["HTTP_HOST"] = org_a.host
    assert escalate(client_b, ticket, reason="too_difficult").status_code == 302
    changed = reload(org_a, ticket)
    assert changed.tier == Tier.VOLUNTEER and not changed.is_worry
