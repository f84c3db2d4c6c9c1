"""A new care organisation: a row at once, its schema cloned from the template, its first manager invited.

These tests run inside the test's transaction; PostgreSQL rolls the cloned schemas back with it.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from helpdesk.accounts.models import AuditEvent, LoginToken, Role, User
from tenants import services
from tenants.models import CareOrganisation, Domain, Product
from tests.conftest import english_client, link_in_mail
from tests.signing_in import sign_in, sign_in_operator


def create(**fields) -> CareOrganisation:
    data = {
        "actor": None,
        "name": "Zorggroep Nieuw",
        "slug": "nieuw",
        "reference_prefix": "new",
        "manager_email": "Manager@Nieuw.example",
        "manager_name": "Els Manager",
    }
    return services.organisation_create(**(data | fields))


def tables_in(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def migrations_in(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
        return set(cursor.fetchall())


def form_data(**fields):
    data = {
        "name": "Zorggroep Nieuw",
        "slug": "nieuw",
        "reference_prefix": "NEW",
        "manager_name": "Els Manager",
        "manager_email": "manager@nieuw.example",
        "brand_colour": "#1d5a8c",
        "default_language": "nl",
        "help_phone": "",
        "monthly_fee": "1000.00",
        "expected_questions_per_month": "50",
    }
    return data | fields


# --- The service -----------------------------------------------------------------------------------


def test_new_organisation_starts_as_provisioning_and_becomes_active(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        organisation = create()
    assert organisation.status == CareOrganisation.Status.PROVISIONING
    assert not schema_exists(organisation.schema_name)
    assert Domain.objects.get(tenant=organisation).domain == "nieuw.localhost"
    assert organisation.reference_prefix == "NEW"
    assert organisation.first_manager_email == "manager@nieuw.example"

    for callback in callbacks:
        callback()

    organisation.refresh_from_db()
    assert organisation.status == CareOrganisation.Status.ACTIVE
    assert organisation.provisioning_step == "done"
    assert organisation.provisioned_seconds > 0


def test_provisioning_clones_the_template_schema(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        organisation = create()

    tables = tables_in(organisation.schema_name)
    assert {"accounts_user", "accounts_logintoken", "accounts_auditevent", "django_session"} <= tables
    assert tables == tables_in(settings.TENANT_BASE_SCHEMA)
    assert migrations_in(organisation.schema_name) == migrations_in(settings.TENANT_BASE_SCHEMA)
    assert ("accounts", "0001_initial") in migrations_in(organisation.schema_name)


def test_provisioning_invites_the_first_manager_on_the_new_host(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        organisation = create()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["manager@nieuw.example"]
    path = link_in_mail(message, organisation)
    assert path.startswith("/account/invitation/")
    with schema_context(organisation.schema_name):
        manager = User.objects.get(email="manager@nieuw.example")
    assert manager.role == Role.MANAGER
    # Greeted by the name the operator gave, never by the first part of the address.
    assert manager.full_name == "Els Manager"
    assert message.body.startswith(("Beste Els,", "Hello Els,")), message.body[:40]

    browser = english_client(organisation.host)
    assert browser.post(path)["Location"] == "/account/password/"


def test_first_manager_lives_only_in_the_new_schema(db, org_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        create()

    for schema in ("public", org_a.schema_name):
        with schema_context(schema):
            assert not User.objects.filter(email="manager@nieuw.example").exists()


def test_provisioning_twice_is_harmless(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        organisation = create()

    with django_capture_on_commit_callbacks(execute=True):
        again = services.organisation_provision(organisation_id=organisation.pk)

    assert again.status == CareOrganisation.Status.ACTIVE
    assert len(mail.outbox) == 1
    with schema_context(organisation.schema_name):
        assert User.objects.count() == 1


def test_provisioning_picks_up_after_a_run_that_stopped_halfway(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        organisation = create()
    CareOrganisation.objects.filter(pk=organisation.pk).update(status=CareOrganisation.Status.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        again = services.organisation_provision(organisation_id=organisation.pk)

    assert again.status == CareOrganisation.Status.ACTIVE
    with schema_context(organisation.schema_name):
        assert User.objects.count() == 1
        # The manager had not chosen a password yet, so the new invitation replaces the first.
        invitations = LoginToken.objects.filter(purpose=LoginToken.Purpose.INVITATION)
        assert invitations.filter(revoked_at__isnull=True).count() == 1
    assert len(mail.outbox) == 2


def test_late_task_leaves_a_suspended_organisation_alone(db, org_a):
    org_a.status = CareOrganisation.Status.SUSPENDED
    org_a.save(update_fields=["status"])

    assert services.organisation_provision(organisation_id=org_a.pk).status == CareOrganisation.Status.SUSPENDED


def test_failure_is_recorded_and_retry_finishes_the_job(
    db, settings, operator_admin, django_capture_on_commit_callbacks
):
    template = settings.TENANT_BASE_SCHEMA
    settings.TENANT_BASE_SCHEMA = "no_such_template"
    with django_capture_on_commit_callbacks(execute=True):
        organisation = create()

    organisation.refresh_from_db()
    assert organisation.status == CareOrganisation.Status.FAILED
    assert "template schema is missing" in organisation.provisioning_error
    assert not schema_exists(organisation.schema_name)

    settings.TENANT_BASE_SCHEMA = template
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_retry(actor=operator_admin, organisation=organisation)

    organisation.refresh_from_db()
    assert organisation.status == CareOrganisation.Status.ACTIVE
    assert organisation.provisioning_error == ""
    assert AuditEvent.objects.filter(action="organisation_retry", actor=operator_admin).exists()


def test_failed_step_raises_for_a_direct_caller(db, settings):
    settings.TENANT_BASE_SCHEMA = "no_such_template"
    organisation = create()

    with pytest.raises(services.ProvisioningError):
        services.organisation_provision(organisation_id=organisation.pk)

    organisation.refresh_from_db()
    assert organisation.status == CareOrganisation.Status.FAILED


# --- The portal's form -------------------------------------------------------------------------------


def test_admin_creates_an_organisation_through_the_portal(
    admin_client, operator_admin, django_capture_on_commit_callbacks
):
    products = list(Product.objects.values_list("pk", flat=True)[:2])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/organisations/new/", form_data(products=products))

    organisation = CareOrganisation.objects.get(slug="nieuw")
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{organisation.pk}/"
    assert organisation.status == CareOrganisation.Status.ACTIVE
    assert set(organisation.products.values_list("pk", flat=True)) == set(products)
    assert AuditEvent.objects.get(action="organisation_created").actor_id == operator_admin.pk
    page = admin_client.get(response["Location"])
    assert b"Zorggroep Nieuw" in page.content
    assert b"nieuw.localhost" in page.content


def test_slug_in_capitals_is_lower_cased(admin_client):
    assert admin_client.post("/organisations/new/", form_data(slug="Nieuw")).status_code == 302
    assert CareOrganisation.objects.get(name="Zorggroep Nieuw").slug == "nieuw"


@pytest.mark.parametrize("prefix", ["new", "New", " n e w ", "NEW"])
def test_prefix_in_any_letter_case_is_upper_cased(admin_client, prefix):
    response = admin_client.post("/organisations/new/", form_data(reference_prefix=prefix))

    assert response.status_code == 302
    assert CareOrganisation.objects.get(slug="nieuw").reference_prefix == "NEW"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"slug": "www"}, b"reserved"),
        ({"slug": "tenant-template"}, b"reserved"),
        ({"slug": "test-a"}, b"already in use"),
        ({"slug": "zorg_groep"}, b"lower-case letters"),
        ({"slug": "-zorg"}, b"lower-case letters"),
        ({"slug": "zorg-"}, b"lower-case letters"),
        ({"slug": "zo"}, b"lower-case letters"),
        ({"slug": "zorg.groep"}, b"lower-case letters"),
        ({"slug": "zörg"}, b"lower-case letters"),
        ({"slug": "z" * 41}, b"at most 40"),
        ({"reference_prefix": "tsa"}, b"already uses this prefix"),
        ({"reference_prefix": "A1"}, b"capital letters"),
        ({"reference_prefix": "A"}, b"capital letters"),
        ({"reference_prefix": "ABCDEF"}, b"at most 5"),
        ({"manager_email": "nobody"}, b"valid email"),
        ({"brand_colour": "red"}, b"colour like"),
        ({"monthly_fee": "-5"}, b"greater than or equal to 0"),
        ({"monthly_fee": "lots"}, b"Enter a number"),
        ({"expected_questions_per_month": "-1"}, b"greater than or equal to 0"),
        ({"default_language": "fr"}, b"valid choice"),
        ({"products": ["999999"]}, b"valid choice"),
        ({"name": ""}, b"required"),
        ({"name": "x" * 500}, b"at most 150"),
        ({"name": "Null\x00byte"}, b"Null characters"),
    ],
)
def test_bad_organisation_details_are_refused_and_kept(admin_client, fields, message):
    response = admin_client.post("/organisations/new/", form_data(**fields))

    assert response.status_code == 200
    assert message in response.content
    assert b'value="manager@nieuw.example"' in response.content or "manager_email" in fields
    assert not CareOrganisation.objects.filter(name="Zorggroep Nieuw").exists()


def test_hostile_organisation_name_is_shown_as_text(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/organisations/new/", form_data(name="<script>alert(1)</script>"))

    for path in ("/", f"/organisations/{CareOrganisation.objects.get(slug='nieuw').pk}/"):
        page = admin_client.get(path)
        assert b"<script>alert(1)" not in page.content
        assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content


def test_professionals_may_not_create_organisations(portal_client, professional, org_a):
    sign_in_operator(portal_client, professional)

    assert portal_client.get("/organisations/new/").status_code == 404
    assert portal_client.post("/organisations/new/", form_data()).status_code == 404
    assert not CareOrganisation.objects.filter(slug="nieuw").exists()
    assert portal_client.get(f"/organisations/{org_a.pk}/").status_code == 200  # but they may look


def test_admin_without_second_factor_may_not_create_organisations(portal_client, operator_admin):
    sign_in_operator(portal_client, operator_admin, verified=False)

    response = portal_client.post("/organisations/new/", form_data())
    assert response.status_code == 302 and response["Location"] == "/account/sign-in/code/"
    assert not CareOrganisation.objects.filter(slug="nieuw").exists()


def test_strangers_are_sent_to_sign_in(portal_client):
    response = portal_client.post("/organisations/new/", form_data())

    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_manager_of_an_organisation_cannot_create_organisations(client_a, org_a, manager_a):
    sign_in(client_a, org_a, manager_a)

    assert client_a.post("/organisations/new/", form_data()).status_code == 404
    assert not CareOrganisation.objects.filter(slug="nieuw").exists()


def test_detail_refresh_by_htmx_returns_only_the_status_part(admin_client, org_a):
    response = admin_client.get(f"/organisations/{org_a.pk}/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="provisioning")

    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="provisioning"')
    assert "<html" not in content
    assert "<h1>" not in content


def test_detail_page_without_htmx_is_the_whole_page(admin_client, org_a):
    content = admin_client.get(f"/organisations/{org_a.pk}/").content.decode()

    assert "<html" in content
    assert 'id="provisioning"' in content


def test_provisioning_detail_polls_until_done(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        organisation = create()

    content = admin_client.get(f"/organisations/{organisation.pk}/").content.decode()

    assert 'hx-trigger="every 1s"' in content
    assert f'href="/organisations/{organisation.pk}/"' in content  # works without JavaScript too


def test_missing_organisation_is_not_found(admin_client):
    assert admin_client.get("/organisations/999999/").status_code == 404


def test_admin_retries_a_failed_set_up_from_the_portal(admin_client, settings, django_capture_on_commit_callbacks):
    template = settings.TENANT_BASE_SCHEMA
    settings.TENANT_BASE_SCHEMA = "no_such_template"
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/organisations/new/", form_data())
    organisation = CareOrganisation.objects.get(slug="nieuw")
    page = admin_client.get(f"/organisations/{organisation.pk}/")
    assert b"Setting up failed" in page.content
    assert b"template schema is missing" in page.content

    settings.TENANT_BASE_SCHEMA = template
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/organisations/{organisation.pk}/retry/")

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == CareOrganisation.Status.ACTIVE


def test_only_a_failed_set_up_can_be_retried(admin_client, org_a):
    assert admin_client.post(f"/organisations/{org_a.pk}/retry/").status_code == 404


def test_professional_cannot_retry(portal_client, professional, settings, django_capture_on_commit_callbacks):
    settings.TENANT_BASE_SCHEMA = "no_such_template"
    with django_capture_on_commit_callbacks(execute=True):
        organisation = create()
    sign_in_operator(portal_client, professional)

    assert portal_client.post(f"/organisations/{organisation.pk}/retry/").status_code == 404
    organisation.refresh_from_db()
    assert organisation.status == CareOrganisation.Status.FAILED
