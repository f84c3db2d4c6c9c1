"""Managers set a volunteer's level per product on the person's page."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import AuditEvent, User
from support import selectors, services
from support.models import Level, VolunteerLevel
from support.selectors import is_trainee_for
from tenants.models import Product
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def test_manager_sets_a_level_from_the_persons_page(org_a, as_, manager_a, volunteer_a):
    browser = as_(manager_a)
    page = browser.get(f"/account/people/{volunteer_a.pk}/").content.decode()
    assert "Level as volunteer" in page and f'action="/questions/helpers/{volunteer_a.pk}/level/"' in page

    response = browser.post(
        f"/questions/helpers/{volunteer_a.pk}/level/", {"level-product": "", "level-level": "trainee"}
    )

    assert response.status_code == 302 and response["Location"] == f"/account/people/{volunteer_a.pk}/"
    with tenant_context(org_a):
        assert selectors.level_for(volunteer_a, Product.objects.get(slug="beeldbel-tablet").pk) == Level.TRAINEE
        event = AuditEvent.objects.get(action="volunteer_level_set")
        assert event.actor_id == manager_a.pk and event.data == {"product": "", "level": "trainee", "before": ""}
    page = browser.get(f"/account/people/{volunteer_a.pk}/").content.decode()
    assert "Trainee: answers wait for approval" in page


def test_a_level_for_one_product(org_a, as_, manager_a, volunteer_a):
    with tenant_context(org_a):
        alarm = Product.objects.get(slug="persoonlijk-alarm")
    as_(manager_a).post(
        f"/questions/helpers/{volunteer_a.pk}/level/", {"level-product": alarm.pk, "level-level": "trainee"}
    )
    with tenant_context(org_a):
        assert selectors.level_for(volunteer_a, alarm.pk) == Level.TRAINEE
        assert selectors.level_for(volunteer_a, Product.objects.get(slug="beeldbel-tablet").pk) == Level.EXPERIENCED


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"level-product": "", "level-level": "master"}, "id_level-level_0"),
        ({"level-product": "", "level-level": ""}, "id_level-level_0"),
        ({"level-product": "999999", "level-level": "trainee"}, "id_level-product"),
    ],
)
def test_bad_input_is_explained(org_a, as_, manager_a, volunteer_a, data, field):
    response = as_(manager_a).post(f"/questions/helpers/{volunteer_a.pk}/level/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html and f'href="#{field}"' in html
    with tenant_context(org_a):
        assert not VolunteerLevel.objects.exists()


def test_a_product_the_organisation_does_not_support_is_refused(org_a, manager_a, volunteer_a):
    with tenant_context(org_a):
        other = Product.objects.exclude(pk__in=org_a.active_products()).first()
        assert other is not None
        with pytest.raises(services.SupportError):
            services.volunteer_level_set(actor=manager_a, volunteer=volunteer_a, product=other, level=Level.TRAINEE)


def test_only_managers_set_levels_and_only_of_volunteers(
    org_a, org_b, as_, manager_a, volunteer_a, requester_a, manager_b, client_b
):
    data = {"level-product": "", "level-level": "trainee"}
    assert as_(volunteer_a).post(f"/questions/helpers/{volunteer_a.pk}/level/", data).status_code == 404
    assert as_(manager_a).post(f"/questions/helpers/{requester_a.pk}/level/", data).status_code == 404
    assert "Level as volunteer" not in as_(manager_a).get(f"/account/people/{requester_a.pk}/").content.decode()
    sign_in(client_b, org_b, manager_b)

    assert client_b.post(f"/questions/helpers/{volunteer_a.pk}/level/", data).status_code == 404
    with tenant_context(org_a):
        assert not VolunteerLevel.objects.exists()
        with pytest.raises(services.SupportError):
            services.volunteer_level_set(actor=manager_a, volunteer=requester_a, product=None, level=Level.TRAINEE)


def test_setting_the_same_level_again_writes_no_audit_row(org_a, manager_a, volunteer_a):
    with tenant_context(org_a):
        for _ in range(2):
            services.volunteer_level_set(actor=manager_a, volunteer=volunteer_a, product=None, level=Level.TRAINEE)
        assert VolunteerLevel.objects.count() == 1
        assert AuditEvent.objects.filter(action="volunteer_level_set").count() == 1


def test_a_new_volunteer_starts_as_a_trainee_and_the_manager_can_choose(org_a, manager_a, as_):
    browser = as_(manager_a)
    data = {"full_name": "Nina Nieuw", "email": "nina@example.org", "phone": "", "role": "volunteer"}
    response = browser.post("/account/people/new/", data | {"language": "nl", "requester_kind": ""}, follow=True)
    assert response.status_code == 200
    assert "starts as a trainee" in response.content.decode()
    with tenant_context(org_a):
        nina = User.objects.get(email="nina@example.org")
        assert is_trainee_for(nina, None)
    # The level form is on the person's page, where the manager landed.
    assert f'action="/questions/helpers/{nina.pk}/level/"' in response.content.decode()
