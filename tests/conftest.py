"""Shared test set-up: a real PostgreSQL test database with two care organisations made once per run.

Tests that use the `db` fixture run inside a transaction that is rolled back, in whichever schema
they switch to (PostgreSQL rolls back created schemas too). Browser and worker tests need
committed data; they write it inside `django_db_blocker.unblock()` and clean up after themselves.

The cast: the same people in every test file, made for the test that asks for them (inside its
rolled-back transaction) with tests/factories.py. Each lives in its organisation's schema.

    organisation A (`org_a`, TSA)           organisation B (`org_b`, TSB)
    manager_a          Marieke Manager      manager_b          Bas Bakker
    volunteer_a        Vera Vrijwilliger    volunteer_b        Wim Willems
    trainee_a          Tom Leerling         trainee_b          Lies Leerling
    requester_a        Riet Vraagsteller    requester_b        Greet Gerritsen
    second_requester_a Kees Buurman         second_requester_b Joop Janssen
    professional_a     Pieter Professional  professional_b     Pieter Professional

- A volunteer is experienced (no level row); a trainee's answers wait for approval (level
  "trainee" for every product, set by the organisation's manager).
- The requester has a phone number and reads mail in English, so tests can read it; the second
  requester is somebody else asking, who must not see the first one's questions.
- The professional is the shadow account a hand-off leaves in the organisation: the same public
  professional (public id `SHADOW_OF`) in A and in B, with no address of its own.
- Operator staff sit in the public schema: `operator_admin` and `professional` (the public
  account, without a shadow anywhere).
- Everybody of B is a stranger to A: isolation tests sign in somebody of B (most often
  `volunteer_b`) and A must not let them in.

More people of a kind (a colleague, a newcomer) are made in the test with `make_user`, with roles
from `helpdesk.accounts.models.Role`. Sign-ins go through tests/signing_in.py, as in bench/.
"""

from __future__ import annotations

import os
from pathlib import Path

# Tasks run in-process unless a test starts a real worker (see tests/test_celery_worker.py).
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from helpdesk.accounts.models import Role
from helpdesk.celery import app as celery_app
from helpdesk.urls_util import absolute_url
from support.models import Level
from support.services import volunteer_level_set
from tenants.models import CareOrganisation
from tests import factories
from tests.signing_in import sign_in_operator

# pytest-django reads the settings before this file runs, so the variable above reaches only
# child processes; the Celery app of this process is told directly.
celery_app.conf.task_always_eager = os.environ["CELERY_TASK_ALWAYS_EAGER"].lower() in ("1", "true", "yes", "on")


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Real password checks with a cheap hash: the hash's cost is not what these tests test."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def _media_files(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()} if root.is_dir() else set()


@pytest.fixture(autouse=True, scope="session")
def _media_folder_left_alone():
    """No test leaves a file in the configured media folder (var/media unless MEDIA_ROOT says
    otherwise): the run fails at its end if one appeared there."""
    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    before = _media_files(root)
    yield
    added = sorted(str(path.relative_to(root)) for path in _media_files(root) - before)
    assert not added, f"tests left files in {root}: {', '.join(added[:10])}"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Every test stores uploads, reports and pictures in a folder of its own (`tmp_path`).

    django-tenants' storage caches its root and does not notice a changed MEDIA_ROOT (its reset
    hook passes the wrong argument), so that cache is dropped; Django's own storages, such as the
    shared pictures' store, forget theirs when the setting changes.
    """
    media_root_set(settings, tmp_path)
    yield
    _tenant_storage_forgets_its_root()


def _tenant_storage_forgets_its_root() -> None:
    from django.core.files.storage import storages

    storages["default"].__dict__.pop("relative_media_root", None)


def media_root_set(settings, folder: Path) -> None:
    """Points this test's storages at `folder` (a worker's media folder, say)."""
    _tenant_storage_forgets_its_root()
    settings.MEDIA_ROOT = folder


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    from django.test.utils import setup_databases, teardown_databases

    # TEST_KEEPDB=1 uses a database that exists already (a Citus cluster's, set up with its workers)
    # and keeps it afterwards.
    keepdb = os.environ.get("TEST_KEEPDB") == "1"
    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=0, interactive=False, keepdb=keepdb, aliases={"default"}, serialized_aliases=set()
        )
        call_command("migrate_all", verbosity=0)
        factories.products_ensure()
        factories.organisation_ready(name="Zorggroep Test A", slug="test-a", prefix="TSA")
        factories.organisation_ready(name="Zorggroep Test B", slug="test-b", prefix="TSB")
        # The test organisations plan no duty. Their new questions stay with the volunteers, as
        # most tests expect; tests of the duty rule switch it on (`nobody_on_duty_escalates`).
        CareOrganisation.objects.filter(slug__in=["test-a", "test-b"]).update(escalate_when_nobody_on_duty=False)
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        teardown_databases(config, verbosity=0, keepdb=keepdb)


@pytest.fixture
def org_a(db):

    return CareOrganisation.objects.get(slug="test-a")


@pytest.fixture
def org_b(db):

    return CareOrganisation.objects.get(slug="test-b")


@pytest.fixture
def nobody_on_duty_escalates(org_a):
    """Organisation A sends questions to the professionals while no volunteer is on duty, as a
    new organisation does."""
    org_a.escalate_when_nobody_on_duty = True
    org_a.save(update_fields=["escalate_when_nobody_on_duty"])
    return org_a


@pytest.fixture(autouse=True)
def _public_schema_after_each_test():
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _no_throttle_counts_from_other_tests():
    """Failure counters, the organisations' product choices and saved replies, and which
    organisation a host belongs to live in Redis, which outlives a test's rolled-back transaction.

    Only those are removed: a flush would also drop the Celery queues a worker test uses.
    """
    from django.core.cache import cache

    client = getattr(cache, "_cache", None)
    if client is not None and hasattr(client, "get_client"):
        redis = client.get_client(write=True)
        for pattern in ("*throttle:*", "shared:*"):
            for key in redis.scan_iter(match=pattern, count=500):
                redis.delete(key)
    else:
        cache.clear()
    yield


@pytest.fixture
def in_org(org_a):
    """Runs the test body inside organisation A's schema."""
    with tenant_context(org_a):
        yield org_a


def english_client(host: str) -> Client:
    """A browser on `host` that asked for English, so tests can read the page text."""
    from django.conf import settings

    client = Client(HTTP_HOST=host)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def client_a(org_a) -> Client:
    return english_client(org_a.host)


@pytest.fixture
def client_b(org_b) -> Client:
    return english_client(org_b.host)


@pytest.fixture
def portal_client(db) -> Client:
    from django.conf import settings

    return english_client(settings.BASE_DOMAIN)


@pytest.fixture
def make_user(db):
    """make_user(org, role=..., **fields): a user in that organisation's schema (or public for None)."""

    def make(organisation=None, **fields):
        schema = organisation.schema_name if organisation is not None else "public"
        with schema_context(schema):
            return factories.UserFactory(**fields)

    return make


# --- The cast (see the top of this file) -------------------------------------------------------

SHADOW_OF = 4242  # the public id of the professional whose shadow accounts the cast holds


def _one_of_the_cast(role: Role, *, trainee: bool = False, **fields):
    """A fixture for one person of the cast, in the organisation its name ends with (`_a`, `_b`)."""
    if role != Role.REQUESTER:
        fields.setdefault("requester_kind", "")  # staff have no requester kind, as the people page makes them

    @pytest.fixture
    def person(request):
        organisation = request.getfixturevalue(f"org_{request.fixturename[-1]}")
        manager = request.getfixturevalue(f"manager_{request.fixturename[-1]}") if trainee else None
        with schema_context(organisation.schema_name):
            user = factories.UserFactory(role=role, **fields)
            if trainee:
                volunteer_level_set(actor=manager, volunteer=user, product=None, level=Level.TRAINEE)
        return user

    return person


manager_a = _one_of_the_cast(Role.MANAGER, full_name="Marieke Manager", email="marieke@example.org")
volunteer_a = _one_of_the_cast(Role.VOLUNTEER, full_name="Vera Vrijwilliger", email="vera@example.org")
trainee_a = _one_of_the_cast(Role.VOLUNTEER, trainee=True, full_name="Tom Leerling", email="tom@example.org")
requester_a = _one_of_the_cast(
    Role.REQUESTER, full_name="Riet Vraagsteller", email="riet@example.org", phone="06 1234 5678", language="en"
)
second_requester_a = _one_of_the_cast(Role.REQUESTER, full_name="Kees Buurman", email="kees@example.org")
professional_a = _one_of_the_cast(
    Role.PROFESSIONAL, full_name="Pieter Professional", email=None, public_user_id=SHADOW_OF
)

manager_b = _one_of_the_cast(Role.MANAGER, full_name="Bas Bakker", email="bas@example.org")
volunteer_b = _one_of_the_cast(Role.VOLUNTEER, full_name="Wim Willems", email="wim@example.org")
trainee_b = _one_of_the_cast(Role.VOLUNTEER, trainee=True, full_name="Lies Leerling", email="lies@example.org")
requester_b = _one_of_the_cast(
    Role.REQUESTER, full_name="Greet Gerritsen", email="greet@example.org", phone="06 8765 4321", language="en"
)
second_requester_b = _one_of_the_cast(Role.REQUESTER, full_name="Joop Janssen", email="joop@example.org")
professional_b = _one_of_the_cast(
    Role.PROFESSIONAL, full_name="Pieter Professional", email=None, public_user_id=SHADOW_OF
)


@pytest.fixture
def operator_admin(make_user):
    """Operator staff in the public schema, who manages the organisations."""
    return make_user(None, role=Role.OPERATOR_ADMIN, requester_kind="")


@pytest.fixture
def professional(make_user):
    """A professional's public account, on the operator's portal (no shadow account yet)."""
    return make_user(None, role=Role.PROFESSIONAL, requester_kind="")


@pytest.fixture
def admin_client(portal_client, operator_admin) -> Client:
    """The portal, signed in as an operator admin who passed the second factor."""
    return sign_in_operator(portal_client, operator_admin)


def current_user(client: Client):
    """Who the organisation's start page says is signed in (AnonymousUser for nobody)."""
    response = client.get("/")
    assert response.status_code == 200
    return response.context["user"]


def link_in_mail(message, organisation) -> str:
    """The path of the single link in `message`, which must point at the organisation's host."""
    import re

    found = re.findall(r"https?://\S+", message.body)
    assert len(found) == 1, message.body
    prefix = absolute_url(organisation.host, "/")
    assert found[0].startswith(prefix), f"{found[0]} is not on {organisation.host}"
    return "/" + found[0].removeprefix(prefix)
