"""The answer itself: one per question, with product and tier, changeable for a few days only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import AuditEvent
from satisfaction import services
from satisfaction.models import SurveyAnswer
from satisfaction.selectors import survey_totals
from tests.factories import ticket_make, ticket_solve
from tickets import services as tickets
from tickets.models import Tier

pytestmark = pytest.mark.django_db


def _save(ticket, actor, help_score=4, technology_score=2, comment=""):
    return services.survey_answer_save(
        ticket=ticket, actor=actor, help_score=help_score, technology_score=technology_score, comment=comment
    )


def test_the_first_answer_copies_product_and_tier_and_is_audited(org_a, solved, requester_a):
    with tenant_context(org_a):
        answer = _save(solved, requester_a, comment="  Goed geholpen.  ")
        assert (answer.help_score, answer.technology_score, answer.comment) == (4, 2, "Goed geholpen.")
        assert answer.product_id == solved.product_id
        assert answer.tier == Tier.VOLUNTEER
        assert answer.answered_at == answer.changed_at
        event = AuditEvent.objects.get(action="survey_answered")
        assert event.actor_id == requester_a.pk and event.data["help_score"] == 4
        assert "comment" not in event.data


def test_a_second_answer_changes_the_first_and_keeps_when_it_was_given(org_a, solved, requester_a, time_machine):
    with tenant_context(org_a):
        first = _save(solved, requester_a)
        time_machine.move_to(timezone.now() + timedelta(days=2))
        second = _save(solved, None, help_score=5, technology_score=5, comment="Toch gelukt")
        assert SurveyAnswer.objects.count() == 1
        assert second.pk == first.pk
        assert (second.help_score, second.technology_score, second.comment) == (5, 5, "Toch gelukt")
        assert second.answered_at == first.answered_at
        assert second.changed_at > first.changed_at
        assert AuditEvent.objects.filter(action="survey_changed").count() == 1


def test_the_tier_is_the_one_when_answered(org_a, requester_a, volunteer_a):
    with tenant_context(org_a):
        ticket = ticket_make(requester=requester_a)
        ticket = tickets.ticket_escalate(ticket=ticket, actor=volunteer_a, reason="too_difficult")
        ticket = ticket_solve(ticket=ticket, actor=None, cause="product_fault")
        assert _save(ticket, requester_a).tier == Tier.PROFESSIONAL


def test_a_change_is_refused_after_the_window(org_a, solved, requester_a, time_machine):
    with tenant_context(org_a):
        answer = _save(solved, requester_a)
        time_machine.move_to(answer.answered_at + timedelta(days=services.SURVEY_CHANGE_DAYS) - timedelta(minutes=1))
        _save(solved, requester_a, help_score=3)
        time_machine.move_to(answer.answered_at + timedelta(days=services.SURVEY_CHANGE_DAYS, minutes=1))
        with pytest.raises(services.SurveyChangeClosed) as refused:
            _save(solved, requester_a, help_score=1)
        assert refused.value.deadline == answer.answered_at + timedelta(days=services.SURVEY_CHANGE_DAYS)
        answer.refresh_from_db()
        assert answer.help_score == 3


def test_an_open_question_cannot_be_rated(org_a, requester_a):
    with tenant_context(org_a):
        ticket = ticket_make(requester=requester_a)
        with pytest.raises(services.SurveyNotYet):
            _save(ticket, requester_a)
        assert not SurveyAnswer.objects.exists()


def test_a_reopened_question_cannot_be_rated_until_solved_again(org_a, solved, requester_a):
    with tenant_context(org_a):
        reopened = tickets.ticket_requester_needs_help(ticket=solved, actor=requester_a)
        with pytest.raises(services.SurveyNotYet):
            _save(reopened, requester_a)
        closed = tickets.ticket_close(ticket=reopened, actor=None, reason="other")
        assert _save(closed, requester_a).help_score == 4


@pytest.mark.parametrize("score", [0, 6, -1, "4", 4.0, None, True])
def test_the_service_refuses_scores_outside_one_to_five(org_a, solved, requester_a, score):
    with tenant_context(org_a):
        with pytest.raises(services.SurveyError):
            _save(solved, requester_a, help_score=score)
        with pytest.raises(services.SurveyError):
            _save(solved, requester_a, technology_score=score)
        assert not SurveyAnswer.objects.exists()


def test_the_service_refuses_a_comment_that_is_too_long(org_a, solved, requester_a):
    with tenant_context(org_a), pytest.raises(services.SurveyError):
        _save(solved, requester_a, comment="x" * 1001)


@pytest.mark.parametrize(("field", "value"), [("help_score", 0), ("help_score", 6), ("technology_score", 9)])
def test_the_database_refuses_scores_outside_one_to_five(org_a, solved, requester_a, field, value):
    with tenant_context(org_a):
        answer = _save(solved, requester_a)
        with pytest.raises(IntegrityError), transaction.atomic():
            SurveyAnswer.objects.filter(pk=answer.pk).update(**{field: value})


def test_the_database_keeps_one_answer_per_question(org_a, solved, requester_a):
    with tenant_context(org_a):
        answer = _save(solved, requester_a)
        with pytest.raises(IntegrityError), transaction.atomic():
            SurveyAnswer.objects.create(
                ticket=solved,
                help_score=1,
                technology_score=1,
                product_id=answer.product_id,
                tier=answer.tier,
                answered_at=answer.answered_at,
                changed_at=answer.changed_at,
            )


def test_totals_count_per_month_product_and_tier(org_a, requester_a, volunteer_a):
    with tenant_context(org_a):
        for product_slug, help_score, technology_score in [
            ("beeldbel-tablet", 5, 1),
            ("beeldbel-tablet", 3, 2),
            ("persoonlijk-alarm", 2, 4),
        ]:
            ticket = ticket_make(requester=requester_a, product_slug=product_slug)
            ticket = ticket_solve(ticket=ticket, actor=volunteer_a, cause="explanation")
            _save(ticket, requester_a, help_score=help_score, technology_score=technology_score)
        now = timezone.now()
        rows = list(survey_totals(since=now - timedelta(days=40), until=now + timedelta(days=1)))
        by_product = {row["product"]: row for row in rows}
        assert len(rows) == 2
        tablet = next(row for row in rows if row["answers"] == 2)
        assert tablet["help_average"] == 4 and tablet["technology_unhappy"] == 2 and tablet["help_unhappy"] == 0
        assert {row["tier"] for row in by_product.values()} == {Tier.VOLUNTEER}
