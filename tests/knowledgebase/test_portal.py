"""Professionals write shared instructions in the portal; every organisation with the product shows them."""

from __future__ import annotations

import pytest

from tenants.models import Product
from tests.knowledgebase.conftest import png_upload
from tests.signing_in import sign_in, sign_in_operator

pytestmark = pytest.mark.django_db


def test_a_professional_writes_and_publishes_a_shared_instruction(
    portal_client, professional, client_a, client_b, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    sign_in_operator(portal_client, professional)
    assert portal_client.get("/shared-instructions/").status_code == 200
    data = {
        "title": "Het scherm draaien",
        "product": Product.objects.get(slug="beeldbel-tablet").pk,
        "needs": "De tablet.",
        "step-TOTAL_FORMS": "2",
        "step-INITIAL_FORMS": "0",
        "step-0-text": "Draai de tablet een kwartslag.",
        "step-0-photo": png_upload(),
        "step-0-alt": "Een tablet die gedraaid wordt.",
        "step-1-text": "",
    }
    made = portal_client.post("/shared-instructions/new/", data)
    assert made.status_code == 302
    pk = int(made.url.rstrip("/").rsplit("/", 1)[-1])
    assert client_a.get(f"/instructions/shared/{pk}/").status_code == 404  # a draft
    portal_client.post(f"/shared-instructions/{pk}/publish/")
    for client in (client_a, client_b):
        page = client.get(f"/instructions/shared/{pk}/").content.decode()
        assert "Het scherm draaien" in page and 'alt="Een tablet die gedraaid wordt."' in page
        picture = page.split('class="kb-step__picture" src="')[1].split('"')[0]
        assert client.get(picture).status_code == 200


def test_the_portal_pages_refuse_people_who_are_not_operator_staff(portal_client, client_a, manager_a, org_a):
    assert portal_client.get("/shared-instructions/").status_code == 302
    sign_in(client_a, org_a, manager_a)
    assert client_a.get("/shared-instructions/").status_code == 404
