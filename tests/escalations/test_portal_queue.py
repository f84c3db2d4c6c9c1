"""The professionals' queue in the operator portal: every organisation's escalated questions in one list."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from django_tenants.utils import schema_context, tenant_context

from escalations import selectors
from escalations.models import PRIORITY_RANK, EscalationEntry
from escalations.selectors import QueueFilters, QueuePosition, escalation_queue
from helpdesk.accounts.models import Role
from tenants.models import Product
from tests.factories import UserFactory, ticket_make
from tests.signing_in import sign_in, sign_in_operator
from tickets import services
from tickets.models import EscalationReason

pytestmark = pytest.mark.django_db

QUEUE = "/escalations/"


@pytest.fixture(autouse=True)
def _fresh_filter_choices():
    """The filter choices are cached for a minute; each test starts without them."""
    cache.delete(selectors.FILTER_CHOICES_CACHE_KEY)
    yield
    cache.delete(selectors.FILTER_CHOICES_CACHE_KEY)


@pytest.fixture
def professional_client(portal_client, professional):
    return sign_in_operator(portal_client, professional)


def escalated(organisation, *, subject: str, reason: str = EscalationReason.TOO_DIFFICULT, **fields):
    """A question filed and escalated by a volunteer through the services, in `organisation`."""
    with tenant_context(organisation):
        volunteer = UserFactory(role=Role.VOLUNTEER, requester_kind="")
        ticket = ticket_make(subject=subject, **fields)
        return services.ticket_escalate(ticket=ticket, actor=volunteer, reason=reason)


def entry_make(organisation, number: int, *, minutes_ago: int, priority: str = "normal", product=None, **fields):
    """An index row written directly: quicker than a question per row when a test needs many."""
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    values = {
        "organisation": organisation,
        "ticket_id": number,
        "number": number,
        "reference": f"{organisation.reference_prefix}-{number}",
        "subject": f"Vraag {number}",
        "product": product or Product.objects.get(slug="beeldbel-tablet"),
        "priority": priority,
        "priority_rank": PRIORITY_RANK[priority],
        "status": "new",
        "reason": EscalationReason.WAITED_TOO_LONG,
        "asked_at": moment - timedelta(minutes=5),
        "escalated_at": moment,
        "updated_at": moment,
    }
    values.update(fields)
    return EscalationEntry.objects.create(**values)


def references(response) -> list[str]:
    """The references in the table, in page order."""
    return re.findall(r'<th scope="row"><strong>([A-Z]+-\d+)</strong>', response.content.decode())


def statements(queries: CaptureQueriesContext) -> list[str]:
    """The SQL a request ran, without django-tenants' `SET search_path` before each statement."""
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET search_path")]


def link(response, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', response.content.decode())
    return found.group(1).replace("&amp;", "&") if found else None


# --- What the professional sees --------------------------------------------------------------------


def test_professional_sees_escalated_questions_of_both_organisations(professional_client, org_a, org_b):
    normal = escalated(org_a, subject="Tablet belt niet")
    worry = escalated(org_b, subject="Alarm gaat niet af", reason=EscalationReason.SAFETY_WORRY)

    response = professional_client.get(QUEUE)

    assert response.status_code == 200
    page = response.content.decode()
    with tenant_context(org_b):
        worry_reference = worry.reference
    with tenant_context(org_a):
        normal_reference = normal.reference
    # The worry made its question urgent, so it comes first although it was escalated later.
    assert references(response) == [worry_reference, normal_reference]
    assert "Zorggroep Test A" in page and "Zorggroep Test B" in page
    assert "Tablet belt niet" in page and "Alarm gaat niet af" in page
    assert ">Urgent</strong>" in page  # in words, not only a colour
    assert "Worry about safety" in page
    assert "Too difficult" in page  # the reason, in words
    assert "Nobody yet" in page
    # How long it waited since it was asked, and since it was passed on.
    assert "asked 0\xa0minutes ago" in page
    assert re.search(r"<time datetime=\"[^\"]+\">passed on 0\xa0minutes ago</time>", page)
    assert 'name="take" value="1"' in page


def test_waiting_time_is_said_in_words(professional_client, org_a):
    entry_make(org_a, 5001, minutes_ago=60 * 26 + 5)

    page = professional_client.get(QUEUE).content.decode()

    assert "1\xa0day, 2\xa0hours" in page


def test_taken_over_question_names_the_professional_and_offers_only_open(professional_client, org_a, professional):
    entry_make(org_a, 5002, minutes_ago=10, taken_by_id=professional.pk, taken_by_name=professional.full_name)

    page = professional_client.get(QUEUE).content.decode()

    assert f"{escape(professional.full_name)} (you)" in page
    assert 'name="take" value="1"' not in page
    assert 'name="take" value="0"' in page


def test_urgent_first_then_longest_waiting_then_by_row(professional_client, org_a, org_b):
    same_moment = timezone.now() - timedelta(minutes=30)
    first_tie = entry_make(org_a, 6003, minutes_ago=0, escalated_at=same_moment)
    second_tie = entry_make(org_b, 6004, minutes_ago=0, escalated_at=same_moment)
    entry_make(org_a, 6001, minutes_ago=5, priority="urgent")
    entry_make(org_b, 6002, minutes_ago=90, priority="urgent")
    entry_make(org_a, 6005, minutes_ago=300)

    assert first_tie.pk < second_tie.pk
    assert references(professional_client.get(QUEUE)) == ["TSB-6002", "TSA-6001", "TSA-6005", "TSA-6003", "TSB-6004"]


# --- Filters ------------------------------------------------------------------------------------------


@pytest.fixture
def spread(org_a, org_b):
    tablet = Product.objects.get(slug="beeldbel-tablet")
    alarm = Product.objects.get(slug="persoonlijk-alarm")
    entry_make(org_a, 7001, minutes_ago=40, product=tablet)
    entry_make(org_a, 7002, minutes_ago=30, product=alarm)
    entry_make(org_b, 7003, minutes_ago=20, product=tablet)
    entry_make(org_b, 7004, minutes_ago=10, product=alarm)
    return tablet, alarm


def test_filter_by_organisation(professional_client, org_b, spread):
    response = professional_client.get(QUEUE, {"organisation": org_b.pk})

    assert references(response) == ["TSB-7003", "TSB-7004"]
    assert f'<option value="{org_b.pk}" selected>Zorggroep Test B</option>' in response.content.decode()


def test_filter_by_product(professional_client, spread):
    tablet, _alarm = spread

    assert references(professional_client.get(QUEUE, {"product": tablet.pk})) == ["TSA-7001", "TSB-7003"]


def test_filter_by_organisation_and_product(professional_client, org_a, spread):
    _tablet, alarm = spread

    assert references(professional_client.get(QUEUE, {"organisation": org_a.pk, "product": alarm.pk})) == ["TSA-7002"]


def test_filter_that_matches_nothing_says_so(professional_client, org_a, spread):
    response = professional_client.get(QUEUE, {"organisation": 987654})

    assert references(response) == []
    assert "No escalated questions match these filters." in response.content.decode()


def test_empty_queue_says_so(professional_client):
    assert "No escalated questions. Every open question is with the volunteers." in (
        professional_client.get(QUEUE).content.decode()
    )


@pytest.mark.parametrize(
    "query",
    [
        {"organisation": "abc"},
        {"product": "-1"},
        {"after": "not-a-position"},
        {"before": "1.99999999999999999999999.3"},
        {"after": "1.2.3.4"},
        {"after": "x" * 500},
    ],
)
def test_hand_edited_addresses_show_the_first_page(professional_client, spread, query):
    response = professional_client.get(QUEUE, query)

    assert response.status_code == 200
    assert references(response) == ["TSA-7001", "TSA-7002", "TSB-7003", "TSB-7004"]


def test_htmx_filter_answers_with_the_rows_only(professional_client, org_a, spread):
    response = professional_client.get(QUEUE, {"organisation": org_a.pk}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="escalation-rows"')
    assert "<h1>" not in page
    assert references(response) == ["TSA-7001", "TSA-7002"]


# --- Pages --------------------------------------------------------------------------------------------


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 3)


def _many(org_a, org_b, count: int) -> list[str]:
    """`count` rows, alternating organisations, each escalated a minute after the one before."""
    made = []
    for index in range(count):
        organisation = org_a if index % 2 == 0 else org_b
        made.append(entry_make(organisation, 8000 + index, minutes_ago=1000 - index).reference)
    return made


def test_exactly_one_page_has_no_next_link(professional_client, org_a, org_b, small_pages):
    made = _many(org_a, org_b, 3)

    response = professional_client.get(QUEUE)

    assert references(response) == made
    assert link(response, "next") is None
    assert link(response, "prev") is None


def test_paging_forward_and_back(professional_client, org_a, org_b, small_pages):
    made = _many(org_a, org_b, 7)

    first = professional_client.get(QUEUE)
    assert references(first) == made[0:3]
    second = professional_client.get(link(first, "next"))
    assert references(second) == made[3:6]
    third = professional_client.get(link(second, "next"))
    assert references(third) == made[6:7]
    assert link(third, "next") is None

    back = professional_client.get(link(third, "prev"))
    assert references(back) == made[3:6]
    assert link(back, "next") is not None
    start = professional_client.get(link(back, "prev"))
    assert references(start) == made[0:3]
    assert link(start, "prev") is None


def test_paging_keeps_the_filter(professional_client, org_a, org_b, small_pages):
    made = _many(org_a, org_b, 10)
    only_a = [reference for reference in made if reference.startswith("TSA")]

    first = professional_client.get(QUEUE, {"organisation": org_a.pk})
    following = link(first, "next")
    assert parse_qs(urlsplit(following).query)["organisation"] == [str(org_a.pk)]
    second = professional_client.get(following)

    assert references(first) + references(second) == only_a


def test_a_question_leaving_the_queue_does_not_shift_the_next_page(professional_client, org_a, org_b, small_pages):
    made = _many(org_a, org_b, 6)
    first = professional_client.get(QUEUE)
    EscalationEntry.objects.filter(reference=made[0]).delete()  # somebody solved the first one

    assert references(professional_client.get(link(first, "next"))) == made[3:6]


def test_positions_survive_the_page_link_to_the_microsecond(org_a):
    entry = entry_make(org_a, 9001, minutes_ago=3)
    entry.escalated_at = entry.escalated_at.replace(microsecond=123457)
    entry.save()

    position = QueuePosition.parse(QueuePosition.of(entry).token())

    assert position == QueuePosition(entry.priority_rank, entry.escalated_at, entry.pk)


# --- One query per page -------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["first", "deep", "organisation", "product", "before"])
def test_each_page_is_one_query(org_a, org_b, where):
    for index in range(60):
        entry_make(
            org_a if index % 3 else org_b,
            9100 + index,
            minutes_ago=500 - index,
            priority="urgent" if index % 7 == 0 else "normal",
        )
    product = Product.objects.get(slug="beeldbel-tablet")
    deep = QueuePosition.of(EscalationEntry.objects.order_by(*selectors.QUEUE_ORDER)[40])
    arguments = {
        "first": {},
        "deep": {"after": deep},
        "organisation": {"filters": QueueFilters(organisation_id=org_b.pk)},
        "product": {"filters": QueueFilters(product_id=product.pk)},
        "before": {"before": deep},
    }[where]

    with CaptureQueriesContext(connection) as queries:
        page = escalation_queue(page_size=10, **arguments)
        # Reading what the row shows costs nothing more.
        shown = [(e.reference, e.organisation.name, e.product.name, e.reason_label) for e in page.entries]

    sql = statements(queries)
    assert len(sql) == 1, sql
    assert shown
    assert "COUNT(" not in sql[0].upper()
    assert "OFFSET" not in sql[0].upper()
    assert "LIMIT 11" in sql[0]


def test_the_whole_request_reads_the_index_once(professional_client, org_a, spread):
    professional_client.get(QUEUE)  # fills the cached filter choices

    with CaptureQueriesContext(connection) as queries:
        response = professional_client.get(QUEUE, {"organisation": org_a.pk})

    assert response.status_code == 200
    sql = statements(queries)
    assert len([statement for statement in sql if "escalations_escalationentry" in statement]) == 1
    # Besides the list: the user and the second factor's device, nothing else (the session comes
    # from Redis: helpdesk/sessions.py).
    assert len(sql) == 3, "\n".join(statement[:150] for statement in sql)


# --- Who may see it ----------------------------------------------------------------------------------


def test_operator_admin_sees_the_queue_too(admin_client, spread):
    assert admin_client.get(QUEUE).status_code == 200


def test_strangers_are_asked_to_sign_in(portal_client):
    response = portal_client.get(QUEUE)

    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_professional_without_second_factor_goes_to_the_code_page(portal_client, professional):
    sign_in_operator(portal_client, professional, verified=False)

    response = portal_client.get(QUEUE)

    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/code/"


@pytest.mark.parametrize("role", [Role.REQUESTER, Role.VOLUNTEER, Role.MANAGER])
def test_public_accounts_without_an_operator_role_are_refused(portal_client, make_user, role, org_a, spread):
    sign_in(portal_client, None, make_user(None, role=role))

    assert portal_client.get(QUEUE).status_code == 404
    assert portal_client.post(f"/escalations/{org_a.pk}/7001/open/", {"take": "1"}).status_code == 404


def test_the_queue_does_not_exist_on_an_organisations_host(client_a, org_a, make_user, spread):
    for role in (Role.MANAGER, Role.VOLUNTEER):
        sign_in(client_a, org_a, make_user(org_a, role=role))
        assert client_a.get(QUEUE).status_code == 404


def test_a_professional_shadow_account_on_a_host_sees_no_queue(client_a, org_a, make_user, spread):
    sign_in(client_a, org_a, make_user(org_a, role=Role.PROFESSIONAL, requester_kind="", public_user_id=99))

    assert client_a.get(QUEUE).status_code == 404


def test_the_queue_is_read_only(professional_client):
    assert professional_client.post(QUEUE).status_code == 405


def test_portal_home_links_to_the_queue_and_the_overview(professional_client):
    page = professional_client.get("/").content.decode()

    assert 'href="/escalations/"' in page
    assert 'href="/overview/"' in page


def test_rows_of_index_do_not_leak_across_schema(professional_client, org_a):
    """The list reads the public index only: nothing in it names who asked."""
    ticket = escalated(org_a, subject="Mijn tablet", contact_name="Mevrouw Geheim")
    with schema_context("public"):
        assert EscalationEntry.objects.filter(ticket_id=ticket.pk).exists()

    assert "Mevrouw Geheim" not in professional_client.get(QUEUE).content.decode()
