"""The page that asks how it went: reached from the question and from the e-mail link, as the requester."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import Role
from satisfaction.models import SurveyAnswer
from satisfaction.services import SURVEY_CHANGE_DAYS
from satisfaction.tokens import survey_token_make
from tests.conftest import english_client
from tests.factories import UserFactory, ticket_make, ticket_solve
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def _answers(organisation) -> list[SurveyAnswer]:
    with tenant_context(organisation):
        return list(SurveyAnswer.objects.all())


def _checked(page: str, name: str) -> list[str]:
    return re.findall(rf'<input type="radio" name="{name}" value="(\d)"[^>]*\bchecked\b', page)


@pytest.fixture
def as_requester(client_a, org_a, requester_a):
    return sign_in(client_a, org_a, requester_a)


def test_the_requester_rates_the_help_from_the_question_page(as_requester, org_a, solved):
    rate = f"/questions/{solved.number}/rating/"
    follow = as_requester.get(f"/questions/{solved.number}/follow/").content.decode()
    assert f'href="{rate}"' in follow

    page = as_requester.get(rate)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('type="radio" name="help_score"') == 5
    assert html.count('type="radio" name="technology_score"') == 5
    for word in ["Very unhappy", "Unhappy", "Neutral", "Happy", "Very happy"]:
        assert f'<span class="scale__word">{word}</span>' in html
    assert "Beeldbel-tablet" in html  # the technology question names the product
    assert _answers(org_a) == []

    sent = as_requester.post(rate, {"help_score": "4", "technology_score": "2", "comment": "De uitleg was fijn."})
    assert sent.status_code == 302 and sent.url == f"/questions/{solved.number}/rating/thanks/"
    [answer] = _answers(org_a)
    assert (answer.help_score, answer.technology_score, answer.comment) == (4, 2, "De uitleg was fijn.")
    assert answer.product_id == solved.product_id and answer.tier == "volunteer"

    thanks = as_requester.get(sent.url).content.decode()
    assert "Thank you for your answer" in thanks
    deadline = timezone.localtime(answer.answered_at + timedelta(days=SURVEY_CHANGE_DAYS))
    assert f"You can change your answer until {deadline.day} {deadline:%B %Y, %H:%M}" in thanks
    assert "De uitleg was fijn." in thanks and ">Happy<" in thanks and ">Unhappy<" in thanks

    # Opening it again shows the answer, ready to change; the question page links to it.
    again = as_requester.get(rate).content.decode()
    assert _checked(again, "help_score") == ["4"] and _checked(again, "technology_score") == ["2"]
    assert "De uitleg was fijn.</textarea>" in again
    follow = as_requester.get(f"/questions/{solved.number}/follow/").content.decode()
    assert f'href="/questions/{solved.number}/rating/thanks/"' in follow

    as_requester.post(rate, {"help_score": "5", "technology_score": "3", "comment": ""})
    [changed] = _answers(org_a)
    assert (changed.pk, changed.help_score, changed.technology_score, changed.comment) == (answer.pk, 5, 3, "")


def test_someone_without_an_account_rates_after_opening_the_question(org_a, requester_a, volunteer_a):
    with tenant_context(org_a):
        ticket = ticket_make(contact_name="Piet", contact_email="piet@example.org")
        ticket = ticket_solve(ticket=ticket, actor=volunteer_a, cause="explanation")
    browser = english_client(org_a.host)
    assert browser.get(f"/questions/{ticket.number}/rating/").status_code == 404
    browser.post("/questions/open/", {"reference": str(ticket.number), "contact": "piet@example.org"})
    assert browser.get(f"/questions/{ticket.number}/rating/").status_code == 200
    browser.post(f"/questions/{ticket.number}/rating/", {"help_score": "5", "technology_score": "4"})
    [answer] = _answers(org_a)
    assert answer.ticket_id == ticket.pk and answer.comment == ""


def test_opening_the_email_link_records_nothing(org_a, solved):
    with tenant_context(org_a):
        token = survey_token_make(solved.pk)
    scanner = Client(HTTP_HOST=org_a.host)
    for _ in range(3):
        assert scanner.get(f"/rating/{token}/").status_code == 200
        assert scanner.head(f"/rating/{token}/").status_code == 200
    assert scanner.get(f"/rating/{token}/thanks/").url == f"/rating/{token}/"
    assert _answers(org_a) == []


def test_the_email_link_alone_lets_its_holder_answer(org_a, solved):
    with tenant_context(org_a):
        token = survey_token_make(solved.pk)
    browser = english_client(org_a.host)
    page = browser.get(f"/rating/{token}/").content.decode()
    assert f'action="/rating/{token}/"' in page
    assert 'href="/"' in page  # back to the start: the link does not open the conversation
    sent = browser.post(f"/rating/{token}/", {"help_score": "1", "technology_score": "5"})
    assert sent.url == f"/rating/{token}/thanks/"
    assert "Very unhappy" in browser.get(sent.url).content.decode()
    assert [(a.help_score, a.technology_score) for a in _answers(org_a)] == [(1, 5)]
    # The link does not open the conversation itself.
    assert browser.get(f"/questions/{solved.number}/follow/").status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"technology_score": "3"},
        {"help_score": "0", "technology_score": "3"},
        {"help_score": "6", "technology_score": "3"},
        {"help_score": "text", "technology_score": "3"},
        {"help_score": "4.0", "technology_score": "3"},
        {"help_score": "", "technology_score": "3"},
    ],
    ids=["missing", "zero", "six", "text", "decimal", "empty"],
)
def test_a_bad_score_gives_a_message_and_keeps_the_comment(as_requester, org_a, solved, data):
    response = as_requester.post(f"/questions/{solved.number}/rating/", {**data, "comment": "Mijn verhaal"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "There is a problem" in html and "data-error-summary" in html
    assert 'href="#id_help_score_0"' in html
    assert "Choose a face to say how satisfied you are with the help." in html
    assert 'aria-describedby="id_help_score_hint id_help_score_error"' in html
    assert "Mijn verhaal</textarea>" in html
    assert _checked(html, "technology_score") == ["3"]
    assert _answers(org_a) == []


def test_both_scores_missing_are_both_named(as_requester, solved):
    html = as_requester.post(f"/questions/{solved.number}/rating/", {"comment": ""}).content.decode()
    assert 'href="#id_help_score_0"' in html and 'href="#id_technology_score_0"' in html


def test_a_hostile_comment_is_shown_as_text(as_requester, org_a, solved):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    rate = f"/questions/{solved.number}/rating/"
    as_requester.post(rate, {"help_score": "3", "technology_score": "3", "comment": hostile})
    assert _answers(org_a)[0].comment == hostile
    for page in (as_requester.get(f"{rate}thanks/"), as_requester.get(rate)):
        html = page.content.decode()
        # The comment field is Jinja2 (decision 22), which writes the quote as &#34;.
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html or "&lt;script&gt;alert(&quot;x&quot;)" in html
        assert "<script>alert" not in html and "<img src=x" not in html


def test_a_change_after_the_window_is_refused_with_a_message(as_requester, org_a, solved, requester_a, time_machine):
    rate = f"/questions/{solved.number}/rating/"
    as_requester.post(rate, {"help_score": "2", "technology_score": "2", "comment": "Eerst"})
    time_machine.move_to(timezone.now() + timedelta(days=SURVEY_CHANGE_DAYS, minutes=5))
    sign_in(as_requester, org_a, requester_a)  # the session of a week ago has ended

    page = as_requester.get(rate)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="radio"' not in html and "<textarea" not in html
    assert "Your answer can no longer be changed." in html and "Eerst" in html

    refused = as_requester.post(rate, {"help_score": "5", "technology_score": "5", "comment": "Later"})
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "<title>Error: " in html and "That time has passed." in html
    [answer] = _answers(org_a)
    assert (answer.help_score, answer.comment) == (2, "Eerst")


def test_the_email_link_expires_after_the_change_window(org_a, solved, time_machine):
    with tenant_context(org_a):
        token = survey_token_make(solved.pk)
    time_machine.move_to(timezone.now() + timedelta(days=SURVEY_CHANGE_DAYS, minutes=1))
    browser = english_client(org_a.host)
    response = browser.get(f"/rating/{token}/")
    assert response.status_code == 410
    assert 'href="/questions/open/"' in response.content.decode()
    assert browser.post(f"/rating/{token}/", {"help_score": "5", "technology_score": "5"}).status_code == 410
    assert _answers(org_a) == []


def test_an_unsolved_question_cannot_be_rated_yet(client_a, org_a, requester_a):
    with tenant_context(org_a):
        ticket = ticket_make(requester=requester_a)
        token = survey_token_make(ticket.pk)
    sign_in(client_a, org_a, requester_a)
    rate = f"/questions/{ticket.number}/rating/"
    assert "Your question is not solved yet" in client_a.get(rate).content.decode()
    assert rate not in client_a.get(f"/questions/{ticket.number}/follow/").content.decode()
    response = client_a.post(rate, {"help_score": "5", "technology_score": "5"})
    assert response.status_code == 200 and "Your question is not solved yet" in response.content.decode()
    by_link = english_client(org_a.host).post(f"/rating/{token}/", {"help_score": "5", "technology_score": "5"})
    assert by_link.status_code == 200 and "Your question is not solved yet" in by_link.content.decode()
    assert _answers(org_a) == []


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.MANAGER, Role.PROFESSIONAL])
def test_staff_cannot_answer_on_someones_behalf(client_a, org_a, solved, role):
    with tenant_context(org_a):
        staff = UserFactory(role=role, requester_kind="")
        token = survey_token_make(solved.pk)
    sign_in(client_a, org_a, staff)
    rate = f"/questions/{solved.number}/rating/"
    assert client_a.get(rate).status_code == 404
    assert client_a.post(rate, {"help_score": "5", "technology_score": "5"}).status_code == 404
    assert client_a.post(f"/rating/{token}/", {"help_score": "5", "technology_score": "5"}).status_code == 404
    assert _answers(org_a) == []


def test_another_requester_gets_404(client_a, org_a, solved, second_requester_a):
    sign_in(client_a, org_a, second_requester_a)
    assert client_a.get(f"/questions/{solved.number}/rating/").status_code == 404
    assert client_a.get(f"/questions/{solved.number}/rating/thanks/").status_code == 404


def test_another_organisation_gets_404_and_its_links_do_not_work(
    client_b, org_a, org_b, solved, requester_a, requester_b
):
    with tenant_context(org_a):
        token = survey_token_make(solved.pk)
    sign_in(client_b, org_b, requester_b)
    assert client_b.get(f"/questions/{solved.number}/rating/").status_code == 404
    assert client_b.post(f"/questions/{solved.number}/rating/", {"help_score": "5"}).status_code == 404
    # A link made for organisation A, opened on organisation B's host.
    assert client_b.get(f"/rating/{token}/").status_code == 410
    assert client_b.post(f"/rating/{token}/", {"help_score": "5", "technology_score": "5"}).status_code == 410
    assert _answers(org_a) == [] and _answers(org_b) == []


def test_a_forged_link_does_not_work(client_a, org_a, solved):
    with tenant_context(org_a):
        token = survey_token_make(solved.pk)
    assert client_a.get(f"/rating/{token[:-3]}abc/").status_code == 410
    assert client_a.get("/rating/not-a-token/").status_code == 410


def test_helpers_see_the_rating_on_the_question_page_escaped(as_requester, client_b, org_a, solved):
    hostile = "<b>Top</b> geholpen"
    as_requester.post(
        f"/questions/{solved.number}/rating/", {"help_score": "5", "technology_score": "2", "comment": hostile}
    )
    with tenant_context(org_a):
        volunteer = UserFactory(role=Role.VOLUNTEER, requester_kind="")
    helper = sign_in(english_client(org_a.host), org_a, volunteer)
    html = helper.get(f"/questions/{solved.number}/").content.decode()
    assert "Help: 5 of 5 (Very happy). Technology: 2 of 5 (Unhappy)." in html
    assert "&lt;b&gt;Top&lt;/b&gt; geholpen" in html and "<b>Top</b>" not in html
