"""A year of history for the reports: questions that grow month by month, their causes, escalations,
ratings and duty, users per product, improvement actions, and last month's report already built.

The history is written by SQL (`INSERT ... SELECT` over `generate_series`, with a fixed seed), so a
year of a few thousand questions loads in a second. `history_insert` is also what
`bench/reporting.py` uses to fill an organisation with 120,000 questions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import Role, User
from reporting import months
from reporting.models import ImprovementAction, ProductUsers, Report, ReportBuild
from reporting.services import report_build
from satisfaction.models import SurveyAnswer
from tickets.models import DutyPeriod, ReferenceCounter, Ticket, TicketEvent

# Questions per month in the demo, oldest first: the launching customer's use grows through the year.
DEMO_VOLUME = [22, 26, 31, 35, 42, 47, 55, 61, 70, 78, 88, 96]
SUBJECTS = [
    "Ik zie mijn dochter niet als ze belt",
    "Het geluid is heel zacht",
    "De tablet gaat niet meer aan",
    "Ik kan niet inloggen",
    "Het alarm gaat zomaar af",
    "De knop werkt niet meer",
    "Kan de tablet ook foto's laten zien?",
    "De wifi doet het niet",
    "De pillen kwamen niet op tijd",
    "Hoe zet ik een afspraak in de agenda?",
]


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def history_insert(
    *,
    start_month: dt.date,
    per_month: list[int],
    product_ids: list[int],
    requester_ids: list[int],
    people: int,
    tz: Any,
    seed: float = 0.42,
) -> int:
    """Inserts `per_month[i]` questions in month `start_month + i` of the current schema, all solved and
    closed, with answers, causes, escalations (and their history lines) and ratings. Returns how many."""
    counter = ReferenceCounter.objects.filter(pk=1).values_list("last_number", flat=True).first() or 1000
    now = timezone.now() - dt.timedelta(minutes=1)
    total = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed])
        for offset, count in enumerate(per_month):
            if not count:
                continue
            start, end = months.bounds(months.add_months(start_month, offset), tz)
            end = min(end, now - dt.timedelta(minutes=10))  # every question of the history is solved
            if end <= start:
                continue
            cursor.execute(
                f"""
                INSERT INTO {_table(Ticket)} (number, requester_id, contact_name, contact_email, contact_phone,
                    contact_method, on_behalf_of_name, on_behalf_relation, product_id, topic, channel, subject, body,
                    priority, status, assignee_id, created_at, updated_at, first_response_at, resolved_at, closed_at,
                    bottleneck_cause, tier, escalated_at, escalation_reason, escalated_by_id, is_worry,
                    solved_by_requester, close_reason)
                SELECT %(base)s + i, CASE WHEN r < 0.3 AND cardinality(%(requesters)s::bigint[]) > 0
                        THEN (%(requesters)s::bigint[])[1 + floor(r * 100)::int %% cardinality(%(requesters)s::bigint[])] END,
                    'Cliënt ' || person, 'client' || person || '@voorbeeld.nl', '', 'website', '',
                    CASE WHEN r2 < 0.2 THEN 'informal_carer' WHEN r2 < 0.3 THEN 'care_staff' ELSE '' END,
                    (%(products)s::bigint[])[1 + floor(power(r3, 1.4) * cardinality(%(products)s::bigint[]))::int],
                    '', CASE WHEN r4 < 0.62 THEN 'web' WHEN r4 < 0.84 THEN 'phone' WHEN r4 < 0.95 THEN 'in_person'
                        ELSE 'email' END,
                    (%(subjects)s::text[])[1 + floor(r5 * cardinality(%(subjects)s::text[]))::int], 'Zie onderwerp.',
                    'normal', 'closed', NULL, asked, asked, LEAST(asked + first_answer, resolved), resolved, resolved,
                    CASE WHEN r6 < 0.38 THEN 'explanation'
                        WHEN r6 < 0.55 THEN 'device_internet' WHEN r6 < 0.70 THEN 'product_fault'
                        WHEN r6 < 0.82 THEN 'account' WHEN r6 < 0.92 THEN 'wish' ELSE 'other' END,
                    CASE WHEN r7 < 0.16 THEN 'professional' ELSE 'volunteer' END,
                    CASE WHEN r7 < 0.2 THEN asked + first_answer / 2 END,
                    CASE WHEN r7 < 0.08 THEN 'too_difficult' WHEN r7 < 0.12 THEN 'nobody_on_duty'
                        WHEN r7 < 0.16 THEN 'waited_too_long' WHEN r7 < 0.2 THEN 'needs_supplier' ELSE '' END,
                    NULL, false, false, ''
                FROM (
                    SELECT i, r, r2, r3, r4, r5, r6, r7, 1 + floor(random() * %(people)s)::int AS person,
                        %(start)s::timestamptz + (%(end)s::timestamptz - %(start)s::timestamptz) * random() AS asked,
                        make_interval(mins => 5 + floor(random() * 240)::int) AS first_answer,
                        make_interval(mins => 30 + floor(power(random(), 3) * 4000)::int) AS duration
                    FROM (SELECT i, random() r, random() r2, random() r3, random() r4, random() r5, random() r6,
                            random() r7 FROM generate_series(1, %(count)s) AS i) AS draws
                ) AS made, LATERAL (SELECT LEAST(asked + first_answer + duration, %(now)s) AS resolved) AS solved
                """,
                {
                    "base": counter + total,
                    "requesters": requester_ids,
                    "products": product_ids,
                    "subjects": SUBJECTS,
                    "people": max(people, 1),
                    "start": start,
                    "end": end,
                    "count": count,
                    "now": now,
                },
            )
            total += count
        # A history line for each escalation, as the services write them (automatic ones without actor).
        cursor.execute(
            f"""
            INSERT INTO {_table(TicketEvent)} (ticket_id, actor_id, actor_name, kind, from_value, to_value, at)
            SELECT id, NULL, '', 'escalated', '', escalation_reason, escalated_at FROM {_table(Ticket)}
            WHERE escalated_at IS NOT NULL AND number > %s
            """,
            [counter],
        )
        # About four in ten solved questions get a rating a day later.
        cursor.execute(
            f"""
            INSERT INTO {_table(SurveyAnswer)} (ticket_id, help_score, technology_score, comment, product_id, tier,
                answered_at, changed_at)
            SELECT id, 3 + floor(random() * 2.99)::int, 2 + floor(random() * 3.99)::int,
                CASE WHEN random() < 0.15 THEN 'Fijn dat iemand de tijd nam.' ELSE '' END, product_id, tier,
                resolved_at + interval '1 day', resolved_at + interval '1 day'
            FROM {_table(Ticket)} WHERE number > %s AND resolved_at IS NOT NULL AND random() < 0.4
                AND resolved_at + interval '1 day' < now()
            """,
            [counter],
        )
    ReferenceCounter.objects.update_or_create(pk=1, defaults={"last_number": counter + total})
    return total


def _duty(volunteer: User, first: dt.date, tz: Any) -> None:
    """The volunteer on duty from 10 to 14 on weekdays of the past year."""
    day, today = first, timezone.localdate()
    periods = []
    while day < today:
        if day.weekday() < 5:
            starts = dt.datetime.combine(day, dt.time(10), tzinfo=tz)
            periods.append(DutyPeriod(volunteer=volunteer, starts_at=starts, ends_at=starts + dt.timedelta(hours=4)))
        day += dt.timedelta(days=1)
    DutyPeriod.objects.bulk_create(periods)


def load_reporting_demo(organisation: Any) -> None:
    """A year of history for `organisation`, once; then last month's report, built."""
    with tenant_context(organisation):
        if not Report.objects.exists():
            _history(organisation)


def _history(organisation: Any) -> None:
    tz = months.time_zone_of(organisation)
    this = months.current_month(tz)
    first = months.add_months(this, -12)
    products = list(organisation.active_products().order_by("pk"))
    manager = User.objects.filter(role=Role.MANAGER).order_by("pk").first()
    volunteer = User.objects.filter(role=Role.VOLUNTEER).order_by("pk").first()
    requesters = list(User.objects.filter(role=Role.REQUESTER).values_list("pk", flat=True))
    scale = max(organisation.expected_questions_per_month, 40) / 120
    volume = [round(n * scale) for n in DEMO_VOLUME] + [round(DEMO_VOLUME[-1] * scale * 0.6)]
    history_insert(
        start_month=first,
        per_month=volume,
        product_ids=[p.pk for p in products],
        requester_ids=requesters,
        people=round(160 * scale),
        tz=tz,
    )
    if volunteer is not None:
        _duty(volunteer, first, tz)
    # Users per product: the first product grows from 40 to 170 users in the year (more than 300%).
    rows = []
    for index, product in enumerate(products):
        base = 40 if index == 0 else 60 + 20 * index
        for step in range(0, 13, 3):
            users = round(base * (1 + step / 12 * (3.25 if index == 0 else 0.4)))
            rows.append(
                ProductUsers(product=product, month=months.add_months(first, step), users=users, recorded_by=manager)
            )
    ProductUsers.objects.bulk_create(rows)
    if manager is not None and products:
        ImprovementAction.objects.bulk_create(
            [
                ImprovementAction(
                    title="Uitlegkaart ‘Zo bel je met de tablet’",
                    reason="De meeste vragen over de tablet gaan over bellen.",
                    product=products[0],
                    cause="explanation",
                    owner=manager,
                    stage="check",
                    planned_on=months.add_months(this, -4),
                    do_on=months.add_months(this, -3),
                    check_on=months.add_months(this, -1),
                    measure="cause",
                    month_before=months.add_months(this, -4),
                ),
                ImprovementAction(
                    title="Inloopspreekuur op dinsdag",
                    reason="Veel vragen over inloggen komen per telefoon binnen.",
                    cause="account",
                    owner=manager,
                    stage="plan",
                    planned_on=months.add_months(this, -1),
                    measure="cause",
                ),
            ]
        )
    report = Report.objects.create(month=months.add_months(this, -1))
    report_build(report_id=report.pk, reason=ReportBuild.Reason.SCHEDULED)
