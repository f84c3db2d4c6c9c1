"""With Redis, a request reads its session from Redis; the schema's session table stays the copy
that counts (helpdesk/sessions.py). Ending sessions through the store is checked by
tests/accounts/test_sessions_end.py, which runs on this store."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from helpdesk import sessions
from tests.conftest import current_user, english_client
from tests.signing_in import session_key, sign_in

pytestmark = pytest.mark.django_db

if not settings.REDIS_URL:
    pytest.skip("sessions are read through Redis only when REDIS_URL is set", allow_module_level=True)


def redis_key(org, key: str) -> str:
    """The key under which Redis holds the session `key` of the organisation's schema."""
    cache = caches[settings.SESSION_CACHE_ALIAS]
    with schema_context(org.schema_name):
        return cache.make_key(sessions.SessionStore.cache_key_prefix + key)


def redis():
    return caches[settings.SESSION_CACHE_ALIAS]._cache.get_client(write=True)


def test_with_redis_the_store_reads_through_it():
    assert settings.SESSION_ENGINE == "helpdesk.sessions"


def test_a_signed_in_page_does_not_read_the_session_table(org_a, volunteer_a):
    client = sign_in(english_client(org_a.host), org_a, volunteer_a)
    assert client.get("/questions/").status_code == 200

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/questions/")

    assert response.status_code == 200
    assert response.context["user"] == volunteer_a
    assert not [q["sql"] for q in captured.captured_queries if "django_session" in q["sql"]]


def test_the_copy_in_redis_is_kept_for_at_most_five_minutes(org_a, volunteer_a):
    client = sign_in(english_client(org_a.host), org_a, volunteer_a)
    client.get("/")

    seconds = redis().ttl(redis_key(org_a, session_key(client)))

    assert 0 < seconds <= sessions.CACHE_SECONDS == 5 * 60


def test_without_its_copy_in_redis_the_session_is_read_from_the_table_and_kept_again(org_a, volunteer_a):
    client = sign_in(english_client(org_a.host), org_a, volunteer_a)
    key = redis_key(org_a, session_key(client))
    assert redis().delete(key) == 1

    assert current_user(client) == volunteer_a
    assert redis().exists(key)


def test_a_copy_in_redis_without_its_row_still_signs_in_until_it_expires(org_a, volunteer_a):
    """Why every way a session ends goes through the store: deleting the row alone leaves Redis
    answering for it (this is the gap `CACHE_SECONDS` bounds while Redis cannot be reached)."""
    from django.contrib.sessions.models import Session

    client = sign_in(english_client(org_a.host), org_a, volunteer_a)
    client.get("/")
    with schema_context(org_a.schema_name):
        Session.objects.filter(session_key=session_key(client)).delete()

    assert current_user(client) == volunteer_a
    with schema_context(org_a.schema_name):
        sessions.store_class()().delete(session_key(client))
    assert not current_user(client).is_authenticated


def test_a_session_of_one_schema_is_not_found_in_redis_under_another(org_a, org_b, volunteer_a):
    client = sign_in(english_client(org_a.host), org_a, volunteer_a)
    client.get("/")

    assert redis().exists(redis_key(org_a, session_key(client)))
    assert not redis().exists(redis_key(org_b, session_key(client)))
