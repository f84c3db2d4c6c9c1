"""The queue and the question page, as helpers, managers, requesters, strangers and other organisations."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import AuditEvent, Role
from tenants.models import Product
from tests.factories import ticket_make
from tests.signing_in import sign_in
from tickets import services
from tickets.models import Message, Status, Ticket
from tickets.views import paging

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


@pytest.fixture
def ticket(org_a, requester_a) -> Ticket:
    with tenant_context(org_a):
        return ticket_make(requester=requester_a, subject="Tablet blijft zwart", body="Het scherm is zwart.")


@pytest.fixture
def as_volunteer(client_a, org_a, volunteer_a):
    return sign_in(client_a, org_a, volunteer_a)


def ref(ticket: Ticket) -> str:
    """The reference as organisation A's pages show it."""
    return f"TSA-{ticket.number}"


def reload(org, ticket: Ticket) -> Ticket:
    with tenant_context(org):
        return Ticket.objects.select_related("assignee").get(pk=ticket.pk)


# --- The queue -----------------------------------------------------------------------------------------


def test_volunteer_sees_the_queue(as_volunteer, ticket):
    response = as_volunteer.get("/questions/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Questions</h1>" in html
    assert ref(ticket) in html and "Tablet blijft zwart" in html
    assert "Nobody yet" in html


def test_htmx_gets_only_the_rows_of_the_queue(as_volunteer, ticket):
    response = as_volunteer.get("/questions/?q=tablets", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="queue-rows"')
    assert "<html" not in html and ref(ticket) in html
    assert 'hx-get="/questions/?q=tablets"' in html


def test_queue_search_and_filters_through_the_page(as_volunteer, org_a, ticket):
    with tenant_context(org_a):
        other = ticket_make(subject="Piepen", body="Het alarm gaat af", product_slug="persoonlijk-alarm")
    html = as_volunteer.get("/questions/", {"q": "alarmen"}).content.decode()
    assert ref(other) in html and ref(ticket) not in html
    html = as_volunteer.get("/questions/", {"mine": "on"}).content.decode()
    assert ref(other) not in html and "No questions match" in html


def test_the_queue_counts_up_to_its_limit_and_says_more_than_that(as_volunteer, org_a, ticket, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_LIMIT", 2)
    html = as_volunteer.get("/questions/").content.decode()
    assert "1 question ·" in html and "More than" not in html
    with tenant_context(org_a):
        for number in range(2):
            ticket_make(subject=f"Nog een vraag {number}")
    with CaptureQueriesContext(connection) as queries:
        html = as_volunteer.get("/questions/").content.decode()
    # Three questions, limit two: the count stops at three, and the page says "more than 2".
    assert "More than 2 questions · page 1; choose filters to see fewer" in html
    assert 'data-announce="More than 2 questions found"' in html
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
    assert counts and all("LIMIT 3" in sql for sql in counts)
    # Every question is still listed on the page; only the count stops.
    assert html.count('<th scope="row">') == 3


def test_the_queue_counts_without_the_joins_of_its_rows(as_volunteer, org_a, volunteer_a, ticket):
    """The names a row shows (product, helper) are joined for the fifty rows only, not for the
    up to 1,001 matches the count reads."""
    with tenant_context(org_a):
        services.ticket_claim(ticket=ticket, actor=volunteer_a)
    with CaptureQueriesContext(connection) as queries:
        html = as_volunteer.get("/questions/").content.decode()
    statements = [q["sql"] for q in queries.captured_queries if '"tickets_ticket"' in q["sql"]]
    counts = [sql for sql in statements if "COUNT(*)" in sql]
    rows = [sql for sql in statements if "COUNT(*)" not in sql]
    assert len(counts) == 1 and "JOIN" not in counts[0]
    assert len(rows) == 1 and '"tenants_product"' in rows[0] and '"accounts_user"' in rows[0]
    assert f'<td data-label="Helper">{volunteer_a.full_name}</td>' in html
    assert f'<td data-label="Product">{ticket.product.name}</td>' in html


def test_hostile_text_is_shown_escaped_in_the_queue(as_volunteer, org_a):
    with tenant_context(org_a):
        ticket_make(subject=HOSTILE, body=HOSTILE)
    html = as_volunteer.get("/questions/").content.decode()
    assert "<script>alert" not in html
    # The rows are Jinja2, which writes the apostrophe as &#39; where Django writes &#x27;.
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


@pytest.mark.parametrize("role", [Role.REQUESTER])
def test_refused_roles_get_404_on_the_queue(client_a, org_a, make_user, role):
    sign_in(client_a, org_a, make_user(org_a, role=role))
    assert client_a.get("/questions/").status_code == 404


def test_manager_reads_the_queue_and_question_but_cannot_work(client_a, org_a, ticket, manager_a):
    sign_in(client_a, org_a, manager_a)
    assert client_a.get("/questions/").status_code == 200
    page = client_a.get(f"/questions/{ticket.number}/")
    assert page.status_code == 200
    assert "Take this question" not in page.content.decode()
    assert client_a.post(f"/questions/{ticket.number}/claim/").status_code == 404
    assert client_a.post(f"/questions/{ticket.number}/reply/", {"body": "Hoi"}).status_code == 404
    assert reload(org_a, ticket).assignee is None


def test_strangers_are_sent_to_sign_in(client_a, ticket):
    for path in ("/questions/", f"/questions/{ticket.number}/", "/questions/mine/"):
        response = client_a.get(path)
        assert response.status_code == 302
        assert "/account/" in response["Location"]
    assert client_a.post(f"/questions/{ticket.number}/claim/").status_code == 302


def test_volunteer_of_another_organisation_cannot_reach_this_one(org_a, org_b, client_b, ticket, volunteer_b):
    sign_in(client_b, org_b, volunteer_b)
    # On their own host, the number of organisation A's question is unknown.
    assert client_b.get(f"/questions/{ticket.number}/").status_code == 404
    assert client_b.post(f"/questions/{ticket.number}/claim/").status_code == 404
    # Their session carried to organisation A's host counts for nothing there.
    client_b.defaults["HTTP_HOST"] = org_a.host
    assert client_b.get("/questions/").status_code == 302
    assert client_b.post(f"/questions/{ticket.number}/claim/").status_code == 302
    assert reload(org_a, ticket).assignee is None


# --- The question page ---------------------------------------------------------------------------------


def test_question_page_escapes_hostile_text_and_audits_the_look(as_volunteer, org_a, volunteer_a):
    with tenant_context(org_a):
        hostile = ticket_make(subject="Vraag", body=HOSTILE)
        services.note_add(ticket=hostile, actor=volunteer_a, body=HOSTILE)
    html = as_volunteer.get(f"/questions/{hostile.number}/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert html.count("&lt;script&gt;") == 2
    with tenant_context(org_a):
        assert AuditEvent.objects.filter(action="ticket_viewed", actor=volunteer_a, target_id=str(hostile.pk)).exists()


def test_unknown_question_and_unknown_action_are_404(as_volunteer, ticket):
    assert as_volunteer.get("/questions/999999/").status_code == 404
    assert as_volunteer.post(f"/questions/{ticket.number}/explode/").status_code == 404
    assert as_volunteer.get(f"/questions/{ticket.number}/claim/").status_code == 405


def test_claim_from_the_page(as_volunteer, org_a, ticket, volunteer_a):
    response = as_volunteer.post(f"/questions/{ticket.number}/claim/", follow=True)
    assert "You took this question" in response.content.decode()
    changed = reload(org_a, ticket)
    assert changed.assignee == volunteer_a and changed.status == Status.IN_PROGRESS


def test_a_late_claim_is_told_plainly(client_a, org_a, make_user, ticket, volunteer_a):
    with tenant_context(org_a):
        services.ticket_claim(ticket=ticket, actor=volunteer_a)
    sign_in(client_a, org_a, make_user(org_a, role=Role.VOLUNTEER, requester_kind=""))
    response = client_a.post(f"/questions/{ticket.number}/claim/", follow=True)
    assert "Vera Vrijwilliger took this question just before you." in response.content.decode()
    assert reload(org_a, ticket).assignee == volunteer_a


def test_reply_and_note_from_the_page(as_volunteer, org_a, ticket):
    assert as_volunteer.post(f"/questions/{ticket.number}/reply/", {"body": "Zet hem uit en aan."}).status_code == 302
    assert as_volunteer.post(f"/questions/{ticket.number}/note/", {"note-body": "Bel leverancier"}).status_code == 302
    with tenant_context(org_a):
        found = list(Message.objects.filter(ticket=ticket).values_list("body", "is_internal"))
        assert found == [("Zet hem uit en aan.", False), ("Bel leverancier", True)]
        assert Ticket.objects.get(pk=ticket.pk).first_response_at is not None


def test_an_empty_reply_keeps_the_page_and_says_what_is_wrong(as_volunteer, org_a, ticket):
    response = as_volunteer.post(f"/questions/{ticket.number}/reply/", {"body": "   "})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "There is a problem" in html and 'href="#id_body"' in html
    with tenant_context(org_a):
        assert not Message.objects.filter(ticket=ticket).exists()


def test_an_invalid_note_keeps_what_was_typed_in_the_other_form(as_volunteer, ticket):
    too_long = "x" * 5001
    response = as_volunteer.post(f"/questions/{ticket.number}/note/", {"note-body": too_long})
    assert response.status_code == 200
    assert too_long in response.content.decode()


def test_status_changes_from_the_page(as_volunteer, org_a, ticket):
    number = ticket.number
    as_volunteer.post(f"/questions/{number}/claim/")
    as_volunteer.post(f"/questions/{number}/waiting/")
    assert reload(org_a, ticket).status == Status.WAITING
    response = as_volunteer.post(f"/questions/{number}/resolve/", {})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    as_volunteer.post(f"/questions/{number}/reply/", {"body": "Probeer het opnieuw in te loggen."})
    as_volunteer.post(f"/questions/{number}/resolve/", {"resolve-cause": "account"})
    solved = reload(org_a, ticket)
    assert solved.status == Status.RESOLVED and solved.bottleneck_cause == "account"
    as_volunteer.post(f"/questions/{number}/close/")
    assert reload(org_a, ticket).status == Status.CLOSED
    response = as_volunteer.post(f"/questions/{number}/waiting/", follow=True)
    assert "This change is not possible now" in response.content.decode()
    as_volunteer.post(f"/questions/{number}/reopen/")
    assert reload(org_a, ticket).status == Status.IN_PROGRESS
    as_volunteer.post(f"/questions/{number}/release/")
    released = reload(org_a, ticket)
    assert released.assignee is None and released.status == Status.NEW


def test_change_product_and_topic_from_the_page(as_volunteer, org_a, ticket):

    alarm = Product.objects.get(slug="persoonlijk-alarm")
    dispenser = Product.objects.get(slug="medicijndispenser")
    response = as_volunteer.post(f"/questions/{ticket.number}/about/", {"about-product": dispenser.pk})
    assert response.status_code == 200  # not a product of this organisation
    as_volunteer.post(f"/questions/{ticket.number}/about/", {"about-product": alarm.pk, "about-topic": "Batterij"})
    changed = reload(org_a, ticket)
    assert changed.product_id == alarm.pk and changed.topic == "Batterij"


# --- The requester ---------------------------------------------------------------------------------------


def test_requester_follows_their_question_without_internal_notes(client_a, org_a, requester_a, volunteer_a, ticket):
    with tenant_context(org_a):
        services.reply_post(ticket=ticket, actor=volunteer_a, body="Staat de stekker erin?")
        services.note_add(ticket=ticket, actor=volunteer_a, body="Geheime notitie")
        services.ticket_set_waiting(ticket=ticket, actor=volunteer_a)
    sign_in(client_a, org_a, requester_a)
    assert client_a.get(f"/questions/{ticket.number}/").url == f"/questions/{ticket.number}/follow/"
    html = client_a.get(f"/questions/{ticket.number}/follow/").content.decode()
    assert "Staat de stekker erin?" in html and "Geheime notitie" not in html
    assert ref(ticket) in client_a.get("/questions/mine/").content.decode()
    client_a.post(f"/questions/{ticket.number}/follow/", {"body": "Ja, maar hij doet het niet."})
    assert reload(org_a, ticket).status == Status.IN_PROGRESS


def test_a_requester_cannot_open_someone_elses_question(client_a, org_a, ticket, second_requester_a):
    sign_in(client_a, org_a, second_requester_a)
    assert client_a.get(f"/questions/{ticket.number}/").status_code == 404
    assert client_a.get(f"/questions/{ticket.number}/follow/").status_code == 404
    assert client_a.post(f"/questions/{ticket.number}/follow/", {"body": "hoi"}).status_code == 404
    assert client_a.post(f"/questions/{ticket.number}/reply/", {"body": "hoi"}).status_code == 404


def test_requester_says_solved_or_still_needs_help(client_a, org_a, requester_a, volunteer_a, ticket):
    with tenant_context(org_a):
        services.ticket_set_waiting(ticket=ticket, actor=volunteer_a)
    sign_in(client_a, org_a, requester_a)
    page = client_a.get(f"/questions/{ticket.number}/follow/").content.decode()
    assert "This solved it" in page and "I still need help" in page
    client_a.post(f"/questions/{ticket.number}/follow/solved/")
    assert reload(org_a, ticket).status == Status.RESOLVED
    client_a.post(f"/questions/{ticket.number}/follow/help/")
    assert reload(org_a, ticket).status == Status.IN_PROGRESS
    assert client_a.get(f"/questions/{ticket.number}/follow/solved/").status_code == 405


def test_helpers_and_others_cannot_press_the_requesters_buttons(as_volunteer, org_a, volunteer_a, ticket):
    with tenant_context(org_a):
        services.ticket_set_waiting(ticket=ticket, actor=volunteer_a)
    assert as_volunteer.post(f"/questions/{ticket.number}/follow/solved/").status_code == 404
    assert as_volunteer.post(f"/questions/{ticket.number}/follow/help/").status_code == 404
    assert reload(org_a, ticket).status == Status.WAITING


# --- Phone and desk intake -------------------------------------------------------------------------------


def intake_data(**changes) -> dict[str, str]:

    data = {
        "channel": "phone",
        "product": str(Product.objects.get(slug="beeldbel-tablet").pk),
        "subject": "Tablet gaat niet aan",
        "body": "Mevrouw belde: het scherm blijft zwart.",
        "contact_name": "Piet de Zoon",
        "contact_method": "call_back",
        "contact_phone": "020 123 4567",
        "contact_email": "",
        "on_behalf_of_name": "Mevrouw de Vries",
        "on_behalf_relation": "informal_carer",
        "priority": "urgent",
    }
    data.update(changes)
    return data


def test_volunteer_records_a_phone_question_without_an_account(as_volunteer, org_a, volunteer_a):
    response = as_volunteer.post("/questions/record/", intake_data(), follow=True)
    assert response.status_code == 200
    with tenant_context(org_a):
        ticket = Ticket.objects.get(subject="Tablet gaat niet aan")
        assert ticket.requester is None and ticket.channel == "phone" and ticket.priority == "urgent"
        assert ticket.on_behalf_of_name == "Mevrouw de Vries"
        assert ticket.events.get().actor == volunteer_a
    assert f"Question {ref(ticket)} is recorded." in response.content.decode()


def test_a_worry_recorded_at_intake_goes_to_the_professionals(as_volunteer, org_a):
    response = as_volunteer.post("/questions/record/", intake_data(is_worry="on", priority="normal"), follow=True)
    assert response.status_code == 200
    with tenant_context(org_a):
        ticket = Ticket.objects.get(subject="Tablet gaat niet aan")
        assert (ticket.is_worry, ticket.priority, ticket.tier) == (True, "urgent", "professional")
        assert ticket.escalation_reason == "requester_worry"


def test_intake_needs_a_way_to_answer_and_keeps_what_was_typed(as_volunteer, org_a):
    response = as_volunteer.post("/questions/record/", intake_data(contact_phone="", subject="Mijn vraag"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and 'href="#id_contact_phone"' in html
    assert 'value="Mijn vraag"' in html
    with tenant_context(org_a):
        assert not Ticket.objects.exists()


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.MANAGER])
def test_intake_is_refused_to_roles_that_do_not_help(client_a, org_a, make_user, role):
    sign_in(client_a, org_a, make_user(org_a, role=role))
    assert client_a.get("/questions/record/").status_code == 404
    assert client_a.post("/questions/record/", intake_data()).status_code == 404


def test_intake_from_another_organisation_is_refused(client_b, org_a, org_b, volunteer_b):
    sign_in(client_b, org_b, volunteer_b)

    client_b.defaults["HTTP_HOST"] = org_a.host
    assert client_b.post("/questions/record/", intake_data()).status_code == 302
    with tenant_context(org_a):
        assert not Ticket.objects.exists()


def test_history_speaks_in_labels(as_volunteer, ticket):
    as_volunteer.post(f"/questions/{ticket.number}/claim/")
    html = as_volunteer.get(f"/questions/{ticket.number}/").content.decode()
    assert "changed the status: New → Being answered" in html
    assert "in_progress" not in html.split("<h2>History</h2>")[1]


def test_the_queue_marks_questions_new_for_you_until_opened(as_volunteer, ticket):
    assert "(new for you)" in as_volunteer.get("/questions/").content.decode()
    as_volunteer.get(f"/questions/{ticket.number}/")
    assert "(new for you)" not in as_volunteer.get("/questions/").content.decode()


def test_history_names_the_requester_who_asked_without_an_account_and_the_helpdesk(as_volunteer, org_a):
    with tenant_context(org_a):
        ticket = ticket_make(contact_name="Mevrouw de Boer", contact_phone="06 1111 2222", is_worry=True)
    page = as_volunteer.get(f"/questions/{ticket.number}/").content.decode()
    history = page.split('class="plain-list history"', 2)[-1]
    assert "Mevrouw de Boer asked the question" in history
    assert "Mevrouw de Boer marked a worry about safety" in history
    assert "Someone" not in history


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("reply/", {"body": ""}, "Write your answer to the person who asked."),
        ("note/", {"note-body": ""}, "Write the note for the other helpers."),
        ("resolve/", {}, "Choose what the cause was."),
    ],
)
def test_staff_forms_say_what_to_write_when_a_field_is_empty(as_volunteer, ticket, path, data, message):
    as_volunteer.post(f"/questions/{ticket.number}/claim/")
    html = as_volunteer.post(f"/questions/{ticket.number}/{path}", data).content.decode()
    assert message in html
    assert "This field is required." not in html
