"""Courses: following lessons with and without an account, progress, and consent for helpers."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context, tenant_context

from knowledgebase import demo
from knowledgebase.models import LessonDone, ProgressConsent
from knowledgebase.shared.models import Course
from tests.conftest import english_client
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo.load()
    with schema_context("public"):
        return Course.objects.get(slug="tablet-eerste-stappen")


def test_a_requester_follows_a_lesson_and_sees_progress(course, org_a, requester_a):
    client = sign_in(english_client(org_a.host), org_a, requester_a)
    page = client.get(f"/instructions/courses/{course.slug}/").content.decode()
    assert "Lesson 0 of 5 done" in page and "Start the first lesson" in page
    lesson = client.get(f"/instructions/courses/{course.slug}/1/").content.decode()
    assert "Aan en uit" in lesson and "Houd de knop bovenaan rechts drie tellen vast." in lesson  # a reused step
    assert client.post(f"/instructions/courses/{course.slug}/1/done/").url == f"/instructions/courses/{course.slug}/2/"
    page = client.get(f"/instructions/courses/{course.slug}/").content.decode()
    assert "Lesson 1 of 5 done" in page and f'href="/instructions/courses/{course.slug}/2/"' in page


def test_without_an_account_progress_is_kept_in_the_browser(course, client_a, org_a):
    page = client_a.get(f"/instructions/courses/{course.slug}/").content.decode()
    assert "This browser remembers the lessons you did" in page and "Lesson 0 of 5 done" in page
    assert client_a.post(f"/instructions/courses/{course.slug}/1/done/").url.endswith("/2/")
    page = client_a.get(f"/instructions/courses/{course.slug}/").content.decode()
    assert "Lesson 1 of 5 done" in page and f'href="/instructions/courses/{course.slug}/2/"' in page
    other = english_client(org_a.host)  # another browser knows nothing of it
    assert "Lesson 0 of 5 done" in other.get(f"/instructions/courses/{course.slug}/").content.decode()
    other.cookies["kb_lessons"] = "shared:1,shared:2,shared:3"  # written by hand: not signed, so ignored
    assert "Lesson 0 of 5 done" in other.get(f"/instructions/courses/{course.slug}/").content.decode()
    with tenant_context(org_a):
        assert not LessonDone.objects.exists()  # nothing about the reader on the server


def test_volunteers_see_progress_only_with_consent(course, org_a, requester_a, volunteer_a):
    person = requester_a
    volunteer = volunteer_a
    requester = sign_in(english_client(org_a.host), org_a, person)
    requester.post(f"/instructions/courses/{course.slug}/1/done/")
    helper = sign_in(english_client(org_a.host), org_a, volunteer)
    assert "Riet Vraagsteller" not in helper.get("/instructions/courses/progress/").content.decode()
    requester.post(f"/instructions/courses/{course.slug}/consent/", {"allowed": "yes"})
    page = helper.get("/instructions/courses/progress/").content.decode()
    assert "Riet Vraagsteller" in page and "1 of 5" in page
    assert requester.get("/instructions/courses/progress/").status_code == 404
    with tenant_context(org_a):
        assert ProgressConsent.objects.filter(user=person).exists()


def test_demo_instructions_show_in_the_organisations_with_their_product(course, client_a, client_b):
    assert "Hoe zet ik het geluid harder?" in client_a.get("/instructions/product/beeldbel-tablet/").content.decode()
    assert "Hoe zet ik het geluid harder?" in client_b.get("/instructions/product/beeldbel-tablet/").content.decode()
    assert "De dispenser piept" not in client_a.get("/instructions/", {"q": "dispenser piept"}).content.decode()
