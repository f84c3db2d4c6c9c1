"""Managers set a volunteer's level per product on the person's page."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from helpdesk.accounts.models import AuditEvent
from support import selectors, services
from support.models import Level, VolunteerLevel
from tenants.models import Product
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_manager_sets_a_level_from_the_persons_page(org_a, as_, manager, volunteer):
    browser = as_(manager)
    page = browser.get(f"/account/people/{volunteer.pk}/").content.decode()
    assert "Level as volunteer" in page and f'action="/questions/helpers/{volunteer.pk}/level/"' in page

    response = browser.post(
        f"/questions/helpers/{volunteer.pk}/level/", {"level-product": "", "level-level": "trainee"}
    )

    assert response.status_code == 302 and response["Location"] == f"/account/people/{volunteer.pk}/"
    with tenant_context(org_a):
        assert selectors.level_for(volunteer, Product.objects.get(slug="beeldbel-tablet").pk) == Level.TRAINEE
        event = AuditEvent.objects.get(action="volunteer_level_set")
        assert event.actor_id == manager.pk and event.data == {"product": "", "level": "trainee", "before": ""}
    page = browser.get(f"/account/people/{volunteer.pk}/").content.decode()
    assert "Trainee: answers wait for approval" in page


def test_a_level_for_one_product(org_a, as_, manager, volunteer):
    with tenant_context(org_a):
        alarm = Product.objects.get(slug="persoonlijk-alarm")
    as_(manager).post(
        f"/questions/helpers/{volunteer.pk}/level/", {"level-product": alarm.pk, "level-level": "trainee"}
    )
    with tenant_context(org_a):
        assert selectors.level_for(volunteer, alarm.pk) == Level.TRAINEE
        assert selectors.level_for(volunteer, Product.objects.get(slug="beeldbel-tablet").pk) == Level.EXPERIENCED


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"level-product": "", "level-level": "master"}, "id_level-level_0"),
        ({"level-product": "", "level-level": ""}, "id_level-level_0"),
        ({"level-product": "999999", "level-level": "trainee"}, "id_level-product"),
    ],
)
def test_bad_input_is_explained(org_a, as_, manager, volunteer, data, field):
    response = as_(manager).post(f"/questions/helpers/{volunteer.pk}/level/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html and f'href="#{field}"' in html
    with tenant_context(org_a):
        assert not VolunteerLevel.objects.exists()


def test_a_product_the_organisation_does_not_support_is_refused(org_a, manager, volunteer):
    with tenant_context(org_a):
        other = Product.objects.exclude(pk__in=org_a.active_products()).first()
        assert other is not None
        with pytest.raises(services.SupportError):
            services.volunteer_level_set(actor=manager, volunteer=volunteer, product=other, level=Level.TRAINEE)


def test_only_managers_set_levels_and_only_of_volunteers(
    org_a, org_b, as_, make_user, manager, volunteer, requester, client_b
):
    data = {"level-product": "", "level-level": "trainee"}
    assert as_(volunteer).post(f"/questions/helpers/{volunteer.pk}/level/", data).status_code == 404
    assert as_(manager).post(f"/questions/helpers/{requester.pk}/level/", data).status_code == 404
    assert "Level as volunteer" not in as_(manager).get(f"/account/people/{requester.pk}/").content.decode()
    sign_in(client_b, org_b, make_user(org_b, role="manager", requester_kind=""))
    assert client_b.post(f"/questions/helpers/{volunteer.pk}/level/", data).status_code == 404
    with tenant_context(org_a):
        assert not VolunteerLevel.objects.exists()
        with pytest.raises(services.SupportError):
            services.volunteer_level_set(actor=manager, volunteer=requester, product=None, level=Level.TRAINEE)


def test_setting_the_same_level_again_writes_no_audit_row(org_a, manager, volunteer):
    with tenant_context(org_a):
        for _ in range(2):
            services.volunteer_level_set(actor=manager, volunteer=volunteer, product=None, level=Level.TRAINEE)
        assert VolunteerLevel.objects.count() == 1
        assert AuditEvent.objects.filter(action="volunteer_level_set").count() == 1
