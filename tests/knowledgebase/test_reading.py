"""Reading without an account: by product, search, the instruction page and "Heeft dit geholpen?"."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from knowledgebase import counts, services
from knowledgebase.models import Feedback, ViewCount
from tests.conftest import english_client
from tests.knowledgebase.conftest import own_draft, own_published, shared_published, steps_of

pytestmark = pytest.mark.django_db


def test_a_stranger_reads_an_instruction_with_numbered_steps(client_a, org_a):
    shared = shared_published(
        "Hoe zet ik het geluid harder?", needs="De tablet", steps=steps_of("Zoek de knop.", "Druk op plus.")
    )
    page = client_a.get(f"/instructions/shared/{shared.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Hoe zet ik het geluid harder?</h1>" in html
    assert html.index("Step 1") < html.index("Zoek de knop.") < html.index("Step 2") < html.index("Druk op plus.")
    assert "What you need" in html and "Did this help?" in html
    assert "/questions/ask/?product=" in html  # ask a person after all, product chosen


def test_instructions_by_product_and_search(client_a, org_a):
    own_published(org_a, "De tablet laadt niet op")
    shared_published("Het alarm gaat vanzelf af", product="persoonlijk-alarm")
    listing = client_a.get("/instructions/product/beeldbel-tablet/").content.decode()
    assert "De tablet laadt niet op" in listing and "alarm gaat" not in listing
    found = client_a.get("/instructions/", {"q": "laadt niet"}).content.decode()
    assert "De tablet laadt niet op" in found and "1 instruction found" in found


def test_a_reader_never_sees_a_draft(client_a, org_a):
    draft = own_draft(org_a, "Nog niet klaar")
    assert client_a.get(f"/instructions/{draft.pk}/").status_code == 404
    assert "Nog niet klaar" not in client_a.get("/instructions/", {"q": "klaar"}).content.decode()


def test_the_published_revision_stays_until_the_next_is_approved(client_a, org_a):
    instruction = own_published(org_a, "Het scherm blijft zwart", steps=steps_of("Eerste versie."))
    with tenant_context(org_a):
        services.instruction_edit(
            actor=None, instruction=instruction, title="Nieuwe titel", needs="", steps=steps_of("Tweede versie.")
        )
    html = client_a.get(f"/instructions/{instruction.pk}/").content.decode()
    assert "Eerste versie." in html and "Tweede versie." not in html and "Nieuwe titel" not in html
    with tenant_context(org_a):
        services.instruction_publish(actor=None, instruction=instruction)
    html = client_a.get(f"/instructions/{instruction.pk}/").content.decode()
    assert "Tweede versie." in html and "Nieuwe titel" in html


def test_helped_yes_and_no_with_a_reason_are_counted_without_a_person(client_a, org_a):
    instruction = own_published(org_a, "De tablet gaat niet aan")
    client_a.get(f"/instructions/{instruction.pk}/")
    assert client_a.post(f"/instructions/own/{instruction.pk}/helped/", {"helped": "yes"}).status_code == 200
    other = english_client(org_a.host)  # somebody else, in another browser
    answer = other.post(f"/instructions/own/{instruction.pk}/helped/", {"helped": "no"})
    assert "What was wrong with it?" in answer.content.decode()
    refused = other.post(f"/instructions/own/{instruction.pk}/helped/", {"reason": "nonsense"})
    assert refused.status_code == 200 and "Error: " in refused.content.decode()
    other.post(f"/instructions/own/{instruction.pk}/helped/", {"reason": "device"})
    with tenant_context(org_a):
        assert sorted(Feedback.objects.values_list("helped", "reason")) == [(False, "device"), (True, "")]
        assert ViewCount.objects.get(instruction_id=instruction.pk).views == 1
        [row] = counts.feedback_by_instruction(counts.this_month())
        assert (row["yes"], row["no"], row["device"], row["views"]) == (1, 1, 1, 1)


def test_a_hidden_shared_instruction_is_gone_and_an_adaptation_replaces_it(client_a, org_a, manager_a):
    shared = shared_published("Verbinden met wifi")
    with tenant_context(org_a):
        services.shared_hide(actor=manager_a, shared=shared)
    assert client_a.get(f"/instructions/shared/{shared.pk}/").status_code == 404
    with tenant_context(org_a):
        services.shared_show(actor=manager_a, shared=shared)
        own = services.shared_adapt(actor=manager_a, shared=shared)
    assert client_a.get(f"/instructions/shared/{shared.pk}/").status_code == 200  # a draft: shared still shown
    with tenant_context(org_a):
        services.instruction_publish(actor=None, instruction=own)
    assert client_a.get(f"/instructions/shared/{shared.pk}/").url == f"/instructions/{own.pk}/"
    assert client_a.get("/instructions/", {"q": "wifi"}).content.decode().count("Verbinden met wifi") == 1
