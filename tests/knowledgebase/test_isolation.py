"""No organisation sees another's own instructions, drafts or pictures; shared ones follow products."""

from __future__ import annotations

import io

import pytest
from django_tenants.utils import tenant_context
from PIL import Image

from knowledgebase import services
from knowledgebase.models import Picture
from knowledgebase.stores import OWN
from tests.knowledgebase.conftest import own_draft, own_published, shared_published
from tests.signing_in import sign_in
from tickets.uploads import CleanPhoto

pytestmark = pytest.mark.django_db


def test_own_instructions_stay_in_their_organisation(client_a, client_b, org_a, org_b):
    mine = own_published(org_a, "Alleen voor Amphora")
    assert client_a.get(f"/instructions/{mine.pk}/").status_code == 200
    assert client_b.get(f"/instructions/{mine.pk}/").status_code == 404
    assert "Alleen voor Amphora" not in client_b.get("/instructions/", {"q": "amphora"}).content.decode()
    assert "Alleen voor Amphora" not in client_b.get("/instructions/product/beeldbel-tablet/").content.decode()


def test_drafts_are_not_seen_in_another_organisation_by_its_writers(client_b, org_a, org_b, manager_b):
    draft = own_draft(org_a, "Concept van A")
    sign_in(client_b, org_b, manager_b)
    assert client_b.get(f"/instructions/write/{draft.pk}/").status_code in (404,)
    assert "Concept van A" not in client_b.get("/instructions/write/").content.decode()


def test_shared_instructions_reach_every_organisation_with_the_product(client_a, client_b, org_a, org_b):
    shared = shared_published("Voor iedereen met een tablet")
    assert client_a.get(f"/instructions/shared/{shared.pk}/").status_code == 200
    assert client_b.get(f"/instructions/shared/{shared.pk}/").status_code == 200
    other = shared_published("Alleen voor de medicijndispenser", product="medicijndispenser")
    assert client_a.get(f"/instructions/shared/{other.pk}/").status_code == 404  # not supported here


def test_hiding_in_one_organisation_leaves_the_other_alone(client_a, client_b, org_a, manager_a):
    manager = manager_a
    shared = shared_published("Verborgen bij A")
    with tenant_context(org_a):
        services.shared_hide(actor=manager, shared=shared)
    assert client_a.get(f"/instructions/shared/{shared.pk}/").status_code == 404
    assert client_b.get(f"/instructions/shared/{shared.pk}/").status_code == 200


def test_pictures_of_drafts_and_of_other_organisations_are_not_served(client_a, client_b, org_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="PNG")
    photo = CleanPhoto(content=buffer.getvalue(), content_type="image/png", extension="png", original_name="a.png")
    with tenant_context(org_a):
        picture = services.picture_save(store=OWN, photo=photo)
        assert Picture.objects.filter(pk=picture.pk).exists()
    assert client_a.get(f"/instructions/pictures/{picture.pk}/").status_code == 404  # in no published step
    assert client_b.get(f"/instructions/pictures/{picture.pk}/").status_code == 404
