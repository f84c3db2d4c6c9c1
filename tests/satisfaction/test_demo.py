"""The demo's satisfaction answers: most solved questions have one, and a second start adds none."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from demo import load as demo
from satisfaction.models import SurveyAnswer
from tests.factories import ticket_make, ticket_solve

pytestmark = pytest.mark.django_db


def test_demo_answers_most_solved_questions_once(org_a, requester_a, volunteer_a):
    with tenant_context(org_a):
        solved = [
            ticket_solve(ticket=ticket_make(requester=requester_a), actor=volunteer_a, cause="explanation")
            for _ in range(3)
        ]
        ticket_make(requester=requester_a)  # still open: never answered
    demo.satisfaction_ensure(org_a)
    demo.satisfaction_ensure(org_a)
    with tenant_context(org_a):
        answered = set(SurveyAnswer.objects.values_list("ticket_id", flat=True))
        assert answered == {solved[0].pk, solved[1].pk}  # the last solved one stays open to try
        first = SurveyAnswer.objects.get(ticket=solved[0])
        assert (first.help_score, first.technology_score) == demo.SURVEY_ANSWERS[0][:2]
