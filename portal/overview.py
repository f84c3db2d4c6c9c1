"""The operator's overview of every care organisation: figures read in each organisation's schema
through the selectors of tickets and satisfaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from helpdesk.tenancy import in_each_active_organisation
from satisfaction.selectors import scores_since
from tenants.models import CareOrganisation
from tickets.selectors import question_health

OVERVIEW_DAYS = 30


@dataclass
class OrganisationHealth:
    """How one organisation's questions are doing, for the operator overview.

    - `open_questions`: questions that are new, being answered or waiting for the requester.
    - `waiting`: new questions that no helper has taken yet (volunteers or professionals).
    - `escalations_open`: open questions that the professionals work (the escalated ones).
    - `past_limit_now`: new questions nobody took that have waited longer than the
      organisation's limit (the urgent limit for urgent ones) and were never escalated: the
      automatic escalation takes them within minutes, so a number that stays up means trouble.
    - `limit_exceeded_30_days`: questions the automatic escalation passed to the professionals in
      the last 30 days because nobody took them within the limit (reason "waited too long",
      counted from the question's history, so a later hand-back does not hide it).
    - `on_duty`: active volunteers on duty right now.
    - satisfaction of the answers given in the last 30 days, on the five-point scales.
    """

    organisation: CareOrganisation
    open_questions: int = 0
    waiting: int = 0
    escalations_open: int = 0
    past_limit_now: int = 0
    limit_exceeded_30_days: int = 0
    on_duty: int = 0
    answers: int = 0
    help_score: float | None = None
    technology_score: float | None = None

    @property
    def limits_exceeded(self) -> int:
        return self.past_limit_now + self.limit_exceeded_30_days


def _health_of(organisation: CareOrganisation, now: datetime) -> OrganisationHealth:
    """One organisation's figures, read inside its schema: four queries."""
    since = now - timedelta(days=OVERVIEW_DAYS)
    figures = question_health(organisation, now=now, since=since)
    figures["limit_exceeded_30_days"] = figures.pop("limit_exceeded_since")
    return OrganisationHealth(organisation=organisation, **figures, **scores_since(since))


def organisations_overview(*, now: datetime | None = None) -> list[OrganisationHealth]:
    """The health of every active organisation, read from each organisation's own schema.

    Costs one query for the list of organisations, then per organisation a fixed number: the
    switch of the search path, one aggregate over its open questions, one count of automatic
    escalations in its history, one count of volunteers on duty, and one aggregate of its
    satisfaction answers. So 200 organisations cost about a thousand small indexed queries; the
    page is for the operator's staff, not for the public.
    """
    now = now or timezone.now()
    return [_health_of(organisation, now) for organisation in in_each_active_organisation("name", "pk")]
