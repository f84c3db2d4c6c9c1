"""Dates and money are written one way on every page: Dutch month names, Dutch separators."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation
from django_tenants.utils import tenant_context

from helpdesk.templatetags.helpdesk_tags import day, money, when
from tests.factories import ticket_make
from tests.signing_in import sign_in
from tickets.models import Ticket

MOMENT = datetime(2026, 12, 1, 19, 9, tzinfo=ZoneInfo("UTC"))


def test_dates_and_money_in_dutch_and_english():
    with translation.override("nl"):
        assert when(MOMENT) == "1 december 2026, 20:09"  # in the Netherlands' time
        assert day(MOMENT) == "1 december 2026"
        assert money(Decimal("1450")) == "€\u00a01.450,00"
    with translation.override("en"):
        assert when(MOMENT) == "1 December 2026, 20:09"
        assert money(Decimal("1450")) == "€\u00a01,450.00"
    assert when(None) == "" and money(None) == ""


@pytest.mark.django_db
def test_the_question_page_says_the_month_in_dutch(org_a, volunteer_a):
    with tenant_context(org_a):
        ticket = ticket_make()
        Ticket.objects.filter(pk=ticket.pk).update(created_at=MOMENT)
    with tenant_context(org_a):
        volunteer_a.language = "nl"
        volunteer_a.save(update_fields=["language"])
    page = (
        sign_in(Client(HTTP_HOST=org_a.host), org_a, volunteer_a).get(f"/questions/{ticket.number}/").content.decode()
    )
    assert "1 december 2026, 20:09" in page
    assert "Dec 2026" not in page
