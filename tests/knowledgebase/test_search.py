"""Search quality on a small Dutch set: typos, compound words and "werkt niet" phrasing."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from knowledgebase import selectors
from tenants.models import Product
from tests.knowledgebase.conftest import own_published, shared_published, steps_of

SET = [
    ("Hoe zet ik het geluid harder?", "beeldbel-tablet", "", ["Druk op de knop met de luidspreker.", "Druk op plus."]),
    ("De tablet laadt niet op", "beeldbel-tablet", "De tablet en de oplader", ["Steek de stekker in het stopcontact."]),
    ("De tablet gaat niet aan", "beeldbel-tablet", "", ["Houd de aan-knop drie tellen vast."]),
    ("Verbinden met wifi", "beeldbel-tablet", "Het wifi-wachtwoord", ["Kies het tandwiel.", "Kies wifi."]),
    ("Mijn dochter beeldbellen", "beeldbel-tablet", "", ["Druk op de foto van uw dochter."]),
    ("De alarmknop testen", "persoonlijk-alarm", "", ["Druk op de knop op uw pols."]),
    ("Het alarm gaat vanzelf af", "persoonlijk-alarm", "", ["Kijk of de knop klem zit."]),
]


@pytest.fixture
def instruction_set(org_a):
    found = {}
    for index, (title, product, needs, steps) in enumerate(SET):
        # Half shared, half the organisation's own: one search covers both.
        if index % 2:
            item = own_published(org_a, title, product=product, needs=needs, steps=steps_of(*steps))
        else:
            item = shared_published(title, product=product, needs=needs, steps=steps_of(*steps))
        found[title] = item
    return found


def titles(organisation, question: str, product: str | None = None) -> list[str]:
    with tenant_context(organisation):
        product_id = Product.objects.get(slug=product).pk if product else None
        return [match.title for match in selectors.search(question, product_id=product_id)]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("geluid harder", "Hoe zet ik het geluid harder?"),
        ("het geliud is te zacht, hoe harder", "Hoe zet ik het geluid harder?"),  # typo
        ("tablet laad niet op", "De tablet laadt niet op"),
        ("opladen lukt niet", "De tablet laadt niet op"),
        ("wifiwachtwoord", "Verbinden met wifi"),  # a compound word
        ("de tablet werkt niet meer, hij gaat niet aan", "De tablet gaat niet aan"),
        ("hoe kan ik mijn dochter bellen", "Mijn dochter beeldbellen"),
        ("cliënt wil beeldbellen", "Mijn dochter beeldbellen"),
    ],
)
def test_the_best_match_comes_first(instruction_set, org_a, question, expected):
    assert titles(org_a, question)[:1] == [expected]


def test_werkt_niet_phrasing_still_finds_the_device(instruction_set, org_a):
    """websearch_to_tsquery drops "niet"; the rest of the question must still find something."""
    found = titles(org_a, "mijn alarmknop werkt niet", product="persoonlijk-alarm")
    assert "De alarmknop testen" in found


def test_the_chosen_product_narrows_the_matches(instruction_set, org_a):
    assert all("alarm" in title.lower() for title in titles(org_a, "knop", product="persoonlijk-alarm"))
    assert "De alarmknop testen" not in titles(org_a, "knop", product="beeldbel-tablet")


def test_at_most_five_and_nothing_for_stop_words(instruction_set, org_a):
    assert len(titles(org_a, "tablet wifi geluid dochter knop alarm")) <= 5
    assert titles(org_a, "hoe wat niet") == []


def test_an_unrelated_question_finds_nothing(instruction_set, org_a):
    assert titles(org_a, "medicijnen bestellen bij de apotheek") == []
