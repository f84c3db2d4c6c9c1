"""Writing courses: shared ones in the portal, an organisation's own ones drafted, reviewed and published."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context, tenant_context

from knowledgebase.models import LessonDone, OwnCourse, OwnLesson
from knowledgebase.shared.models import Course, Lesson
from tenants.models import Product
from tests.conftest import english_client
from tests.knowledgebase.conftest import own_published, shared_published, steps_of
from tests.signing_in import sign_in, sign_in_operator

pytestmark = pytest.mark.django_db


def edit_url(client, response) -> str:
    assert response.status_code == 302, response.content.decode()[:500]
    return response.url


def lesson_titles(model, course_pk: int, schema: str) -> list[str]:
    with schema_context(schema):
        return list(model.objects.filter(course_id=course_pk).order_by("position").values_list("title", flat=True))


def test_a_professional_writes_a_shared_course_that_both_organisations_show(
    portal_client, professional, client_a, client_b
):
    sound = shared_published("Hoe zet ik het geluid harder?", steps=steps_of("Druk op plus."))
    wifi = shared_published("Verbinden met wifi", steps=steps_of("Kies uw netwerk."))
    sign_in_operator(portal_client, professional)
    assert portal_client.get("/shared-instructions/courses/").status_code == 200
    product = Product.objects.get(slug="beeldbel-tablet").pk
    url = edit_url(
        portal_client,
        portal_client.post(
            "/shared-instructions/courses/new/", {"title": "Uw tablet", "summary": "De basis", "product": product}
        ),
    )
    page = portal_client.get(url).content.decode()
    assert "Draft. Readers do not see it yet." in page and "Hoe zet ik het geluid harder?" in page
    for title, instruction in (("Het geluid", sound), ("De wifi", wifi), ("Nog een keer", sound)):
        data = {"lesson-title": title, "lesson-instruction": f"shared:{instruction.pk}"}
        assert portal_client.post(f"{url}lessons/", data).status_code == 302
    pk = int(url.rstrip("/").rsplit("/", 1)[-1])
    portal_client.post(f"{url}lesson/", {"lesson": "up:2"})
    portal_client.post(f"{url}lesson/", {"lesson": "remove:3"})
    assert lesson_titles(Lesson, pk, "public") == ["De wifi", "Het geluid"]
    slug = Course.objects.get(pk=pk).slug
    assert client_a.get(f"/instructions/courses/{slug}/").status_code == 404  # a draft
    portal_client.post(f"{url}publish/")
    for client in (client_a, client_b):
        assert "Uw tablet" in client.get("/instructions/courses/").content.decode()
        lesson = client.get(f"/instructions/courses/{slug}/2/").content.decode()
        assert "Het geluid" in lesson and "Druk op plus." in lesson  # the instruction's steps


def test_a_lesson_links_only_an_instruction_on_offer(portal_client, professional):
    sign_in_operator(portal_client, professional)
    url = edit_url(portal_client, portal_client.post("/shared-instructions/courses/new/", {"title": "Uw tablet"}))
    refused = portal_client.post(f"{url}lessons/", {"lesson-title": "Iets", "lesson-instruction": "own:1"})
    assert refused.status_code == 200 and "Error: " in refused.content.decode()
    assert portal_client.post(f"{url}lesson/", {"lesson": "up:99999999999"}).status_code == 302
    assert portal_client.post(f"{url}lesson/", {"lesson": "\u0661:x"}).status_code == 302
    published = portal_client.post(f"{url}publish/", follow=True).content.decode()
    assert "at least one lesson" in published


def test_the_portal_course_pages_refuse_people_who_are_not_operator_staff(portal_client, client_a, org_a, manager_a):
    assert portal_client.get("/shared-instructions/courses/").status_code == 302
    assert portal_client.post("/shared-instructions/courses/new/", {"title": "X"}).status_code == 302
    sign_in(client_a, org_a, manager_a)
    assert client_a.get("/shared-instructions/courses/").status_code == 404
    assert not Course.objects.exists()


def own_course_with_a_lesson(client, org) -> str:
    instruction = own_published(org, "De tablet laadt niet op", steps=steps_of("Steek de stekker in."))
    url = edit_url(client, client.post("/instructions/write/courses/new/", {"title": "Opladen leren"}))
    data = {"lesson-title": "Opladen", "lesson-instruction": f"own:{instruction.pk}"}
    assert client.post(f"{url}lessons/", data).status_code == 302
    return url


def test_a_volunteer_drafts_an_own_course_and_an_experienced_colleague_publishes_it(
    client_a, client_b, org_a, volunteer_a, colleague_a
):
    writer = sign_in(english_client(org_a.host), org_a, volunteer_a)
    url = own_course_with_a_lesson(writer, org_a)
    with tenant_context(org_a):
        course = OwnCourse.objects.get()
    reader_page = f"/instructions/our-courses/{course.slug}/"
    assert (
        client_a.get(reader_page).status_code == 404
        and "Opladen leren" not in client_a.get("/instructions/courses/").content.decode()
    )
    assert writer.post(f"{url}publish/").status_code == 404  # never one's own
    writer.post(f"{url}submit/")
    reviewer = sign_in(english_client(org_a.host), org_a, colleague_a)
    assert "Waiting for review" in reviewer.get(url).content.decode()
    assert reviewer.post(f"{url}publish/").status_code == 302
    assert "Opladen leren" in client_a.get("/instructions/courses/").content.decode()
    lesson = client_a.get(f"{reader_page}1/").content.decode()
    assert "Opladen" in lesson and "Steek de stekker in." in lesson
    assert client_b.get(reader_page).status_code == 404  # another organisation never sees it
    assert "Opladen leren" not in client_b.get("/instructions/courses/").content.decode()


def test_a_trainee_neither_publishes_nor_changes_a_published_course(org_a, volunteer_a, trainee_a, manager_a):
    writer = sign_in(english_client(org_a.host), org_a, volunteer_a)
    url = own_course_with_a_lesson(writer, org_a)
    trainee = sign_in(english_client(org_a.host), org_a, trainee_a)
    assert trainee.post(f"{url}publish/").status_code == 404
    manager = sign_in(english_client(org_a.host), org_a, manager_a)
    assert manager.post(f"{url}publish/").status_code == 302
    with tenant_context(org_a):
        course = OwnCourse.objects.get()
        assert course.is_published and course.reviewed_by_name == manager_a.full_name
        instruction = own_published(org_a, "Nog een uitleg")
    data = {"lesson-title": "Erbij", "lesson-instruction": f"own:{instruction.pk}"}
    assert trainee.post(f"{url}lessons/", data).status_code == 404
    assert trainee.post(f"{url}lesson/", {"lesson": "remove:1"}).status_code == 404
    assert writer.post(f"{url}lessons/", data).status_code == 302  # experienced: changes go live
    assert lesson_titles(OwnLesson, course.pk, org_a.schema_name) == ["Opladen", "Erbij"]


def test_requesters_and_strangers_cannot_write_courses(org_a, requester_a, volunteer_b, org_b):
    requester = sign_in(english_client(org_a.host), org_a, requester_a)
    assert requester.get("/instructions/write/courses/").status_code == 404
    writer_b = sign_in(english_client(org_b.host), org_b, volunteer_b)
    url = own_course_with_a_lesson(writer_b, org_b)
    stranger = sign_in(english_client(org_a.host), org_a, requester_a)
    assert stranger.get(url).status_code == 404  # B's course does not exist on A's site
    with tenant_context(org_a):
        assert not OwnCourse.objects.exists()


def test_progress_in_an_own_course(org_a, volunteer_a, colleague_a, requester_a, client_a):
    writer = sign_in(english_client(org_a.host), org_a, volunteer_a)
    url = own_course_with_a_lesson(writer, org_a)
    sign_in(english_client(org_a.host), org_a, colleague_a).post(f"{url}publish/")
    with tenant_context(org_a):
        slug = OwnCourse.objects.get().slug
    page = f"/instructions/our-courses/{slug}/"
    assert client_a.post(f"{page}1/done/").url == page
    assert "Lesson 1 of 1 done" in client_a.get(page).content.decode()
    requester = sign_in(english_client(org_a.host), org_a, requester_a)
    requester.post(f"{page}1/done/")
    assert "Lesson 1 of 1 done" in requester.get(page).content.decode()
    with tenant_context(org_a):
        assert LessonDone.objects.filter(user=requester_a, own_lesson__isnull=False).count() == 1


def test_a_professional_in_the_organisation_publishes_too(org_a, volunteer_a, professional_a):
    writer = sign_in(english_client(org_a.host), org_a, volunteer_a)
    url = own_course_with_a_lesson(writer, org_a)
    other = sign_in(english_client(org_a.host), org_a, professional_a)
    assert other.post(f"{url}publish/").status_code == 302
