"""Asking a question as an end user: one question per page, no account, check answers, confirmation."""

from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image

from helpdesk.accounts.models import Role
from tenants.models import Product
from tests.signing_in import sign_in
from tickets.models import Attachment, Ticket
from tickets.uploads import PHOTO_MAX_BYTES
from tickets.views import ask

pytestmark = pytest.mark.django_db


def product_pk(slug: str = "beeldbel-tablet") -> str:
    return str(Product.objects.get(slug=slug).pk)


def walk(client, *, contact: dict[str, str] | None = None, question: dict[str, str] | None = None):
    """Answers all four question pages; returns the response of the last one."""
    assert client.get("/questions/ask/").url == "/questions/ask/product/"
    assert client.post("/questions/ask/product/", {"product": product_pk()}).url == "/questions/ask/question/"
    data = {"subject": "Tablet blijft zwart", "body": "Ik zie niets als ik bel.", "website": ""}
    assert client.post("/questions/ask/question/", {**data, **(question or {})}).url == "/questions/ask/for_whom/"
    response = client.post(
        "/questions/ask/for_whom/",
        {"for_whom": "other", "on_behalf_of_name": "Oma Jansen", "on_behalf_relation": "informal_carer"},
    )
    assert response.url == "/questions/ask/contact/"
    answers = {"contact_method": "call_back", "contact_name": "Piet Jansen", "contact_phone": "06 1111 2222"}
    return client.post("/questions/ask/contact/", contact if contact is not None else answers)


def test_a_stranger_asks_a_question_and_gets_a_reference(client_a, org_a):
    assert walk(client_a).url == "/questions/ask/check/"
    check = client_a.get("/questions/ask/check/").content.decode()
    assert "Check your answers" in check and "Oma Jansen" in check and "06 1111 2222" in check
    response = client_a.post("/questions/ask/check/")
    assert response.url == "/questions/ask/sent/"
    with tenant_context(org_a):
        ticket = Ticket.objects.get()
        assert ticket.requester is None and ticket.channel == "web"
        assert (ticket.contact_name, ticket.contact_method, ticket.contact_phone) == (
            "Piet Jansen",
            "call_back",
            "06 1111 2222",
        )
        assert (ticket.on_behalf_of_name, ticket.on_behalf_relation) == ("Oma Jansen", "informal_carer")
    done = client_a.get("/questions/ask/sent/").content.decode()
    assert f"TSA-{ticket.number}" in done and "We call you back" in done
    assert "0800" in done or "Call" in done


def test_a_requester_who_is_worried_reaches_the_professionals_at_once(client_a, org_a):
    assert walk(client_a, question={"is_worry": "on"}).url == "/questions/ask/check/"
    assert "You are worried about someone's safety or health." in client_a.get("/questions/ask/check/").content.decode()
    client_a.post("/questions/ask/check/")
    with tenant_context(org_a):
        ticket = Ticket.objects.get()
        assert (ticket.is_worry, ticket.priority, ticket.tier, ticket.escalation_reason) == (
            True,
            "urgent",
            "professional",
            "requester_worry",
        )
    done = client_a.get("/questions/ask/sent/").content.decode()
    assert "A professional of the helpdesk looks at your question first" in done and "112" in done


def test_without_a_worry_the_question_stays_with_the_volunteers(client_a, org_a):
    walk(client_a)
    client_a.post("/questions/ask/check/")
    with tenant_context(org_a):
        assert Ticket.objects.get().tier == "volunteer"


def test_each_page_has_one_heading_a_back_link_and_a_step_count(client_a):
    client_a.get("/questions/ask/")
    page = client_a.get("/questions/ask/product/").content.decode()
    assert page.count("<h1>") == 1 and "Which product is your question about?" in page
    assert "Step 1 of 4" in page and 'class="back-link"' in page
    assert 'type="radio" name="product"' in page and "tile__picture" in page


def test_no_skipping_ahead_by_address(client_a):
    client_a.get("/questions/ask/")
    assert client_a.get("/questions/ask/contact/").url == "/questions/ask/product/"
    assert client_a.get("/questions/ask/check/").url == "/questions/ask/product/"
    assert client_a.get("/questions/ask/sent/").url == "/questions/ask/"
    assert client_a.get("/questions/ask/nonsense/").status_code == 404


def test_a_rejected_page_keeps_what_was_typed_and_says_what_is_wrong(client_a):
    client_a.get("/questions/ask/")
    client_a.post("/questions/ask/product/", {"product": product_pk()})
    response = client_a.post("/questions/ask/question/", {"subject": "Mijn <b>tablet</b>", "body": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and "There is a problem" in html
    assert 'href="#id_body"' in html and 'aria-invalid="true"' in html
    assert 'value="Mijn &lt;b&gt;tablet&lt;/b&gt;"' in html


def test_a_product_of_another_organisation_is_refused(client_a):
    client_a.get("/questions/ask/")
    response = client_a.post("/questions/ask/product/", {"product": product_pk("medicijndispenser")})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()


def test_answer_on_the_website_needs_a_way_to_open_it_later(client_a):
    response = walk(client_a, contact={"contact_method": "website", "contact_name": "Piet"})
    assert response.status_code == 200
    assert "Write your e-mail address or phone number" in response.content.decode()


def test_changing_an_answer_returns_to_the_check_page_and_keeps_the_rest(client_a, org_a):
    walk(client_a)
    client_a.get("/questions/ask/check/")
    page = client_a.get("/questions/ask/question/").content.decode()
    assert 'value="Tablet blijft zwart"' in page
    response = client_a.post("/questions/ask/question/", {"subject": "Nieuw onderwerp", "body": "Meer tekst"})
    assert response.url == "/questions/ask/check/"
    client_a.post("/questions/ask/check/")
    with tenant_context(org_a):
        ticket = Ticket.objects.get()
        assert ticket.subject == "Nieuw onderwerp" and ticket.contact_name == "Piet Jansen"


def test_a_robot_filling_the_hidden_field_files_nothing(client_a, org_a):
    walk(client_a, question={"website": "http://spam.example"})
    response = client_a.post("/questions/ask/check/")
    assert response.url == "/questions/ask/"
    with tenant_context(org_a):
        assert not Ticket.objects.exists()


def test_too_many_questions_from_one_address_are_slowed_down(client_a, org_a, monkeypatch):

    monkeypatch.setattr(ask, "ASK_LIMIT", 2)
    for _ in range(2):
        walk(client_a)
        assert client_a.post("/questions/ask/check/").status_code == 302
    walk(client_a)
    response = client_a.post("/questions/ask/check/")
    assert response.status_code == 429 and "Please wait a moment" in response.content.decode()
    with tenant_context(org_a):
        assert Ticket.objects.count() == 2


def test_a_signed_in_requester_is_not_asked_what_we_know(client_a, org_a, make_user):
    riet = make_user(org_a, role=Role.REQUESTER, full_name="Riet Jansen", phone="06 9999 0000")
    sign_in(client_a, org_a, riet)
    page = walk(client_a, contact={}).content.decode()  # an empty post: only the method is asked
    assert "Your name" not in page and "Your e-mail address" not in page and "Your phone number" not in page
    assert walk(client_a, contact={"contact_method": "email"}).url == "/questions/ask/check/"
    client_a.post("/questions/ask/check/")
    with tenant_context(org_a):
        ticket = Ticket.objects.get()
        assert ticket.requester == riet and ticket.contact_email == riet.email
        assert ticket.contact_name == "Riet Jansen" and ticket.contact_phone == "06 9999 0000"
    done = client_a.get("/questions/ask/sent/").content.decode()
    assert f"/questions/{ticket.number}/follow/" in done


def test_the_confirmation_belongs_to_the_session_that_asked(client_a, org_a, make_user):
    walk(client_a)
    client_a.post("/questions/ask/check/")
    other = Client(HTTP_HOST=org_a.host)
    assert other.get("/questions/ask/sent/").url == "/questions/ask/"


# --- A photo with the question -------------------------------------------------------------------


def png(size: tuple[int, int] = (40, 30), colour: str = "red") -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, colour).save(output, format="PNG")
    return output.getvalue()


def photo(name: str = "scherm.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png() if content is None else content, content_type="image/png")


def start(client) -> None:
    client.get("/questions/ask/")
    client.post("/questions/ask/product/", {"product": product_pk()})


def post_question(client, **extra):
    data = {"subject": "Tablet blijft zwart", "body": "Ik zie niets als ik bel.", "website": "", **extra}
    return client.post("/questions/ask/question/", data)


def kept_files(org, tmp_path) -> list[str]:
    folder = tmp_path / org.schema_name / "ask-photos"
    return sorted(os.listdir(folder)) if folder.exists() else []


def test_the_question_page_offers_an_optional_photo_in_a_form_that_can_send_files(client_a):
    start(client_a)
    page = client_a.get("/questions/ask/question/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="photo"' in page and 'accept="image/jpeg,image/png,image/gif,image/webp"' in page
    assert "Add a photo" in page and "(optional)" in page
    assert 'aria-describedby="id_photo_hint"' in page
    assert "Remove this photo" not in page  # nothing to remove yet


def test_a_photo_chosen_while_asking_ends_with_the_question_from_the_requester(client_a, org_a, tmp_path):
    start(client_a)
    assert post_question(client_a, photo=photo("IMG_0042.png")).url == "/questions/ask/for_whom/"
    assert len(kept_files(org_a, tmp_path)) == 1  # kept in the organisation's own folder meanwhile
    walk_on = client_a.post("/questions/ask/for_whom/", {"for_whom": "me"})
    assert walk_on.url == "/questions/ask/contact/"
    client_a.post(
        "/questions/ask/contact/", {"contact_method": "call_back", "contact_name": "Piet", "contact_phone": "06 1"}
    )
    check = client_a.get("/questions/ask/check/").content.decode()
    assert "IMG_0042.png" in check and 'name="remove_photo"' in check
    assert client_a.post("/questions/ask/check/").url == "/questions/ask/sent/"
    with tenant_context(org_a):
        ticket = Ticket.objects.get()
        attachment = Attachment.objects.get(ticket=ticket)
        assert attachment.from_requester and attachment.uploaded_by is None
        assert attachment.original_name == "IMG_0042.png" and attachment.content_type == "image/png"
        with attachment.file.open("rb") as stored:
            assert Image.open(stored).size == (40, 30)
        assert ticket.events.filter(kind="attached").exists()
    assert kept_files(org_a, tmp_path) == []  # the kept copy is gone once the question is sent


def test_a_signed_in_requesters_photo_is_theirs(client_a, org_a, make_user):
    riet = make_user(org_a, role=Role.REQUESTER, full_name="Riet Jansen", phone="06 9999 0000")
    sign_in(client_a, org_a, riet)
    start(client_a)
    post_question(client_a, photo=photo())
    client_a.post("/questions/ask/for_whom/", {"for_whom": "me"})
    client_a.post("/questions/ask/contact/", {"contact_method": "email"})
    client_a.post("/questions/ask/check/")
    with tenant_context(org_a):
        attachment = Attachment.objects.get()
        assert attachment.from_requester and attachment.uploaded_by == riet


def test_a_text_file_named_png_is_refused_and_the_typing_is_kept(client_a, org_a, tmp_path):
    start(client_a)
    fake = photo("vakantie.png", b"Dit is geen foto, maar tekst met een andere naam.\n" * 20)
    response = post_question(client_a, subject="Mijn tablet", body="Het scherm blijft zwart.", photo=fake)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and "This is not a photo. Choose a JPG, PNG, GIF or WebP file." in html
    assert 'href="#id_photo"' in html and 'aria-invalid="true"' in html
    assert 'value="Mijn tablet"' in html and "Het scherm blijft zwart." in html
    assert kept_files(org_a, tmp_path) == []
    # Without a file the same answers go through: nothing else was lost.
    assert post_question(client_a).url == "/questions/ask/for_whom/"


def test_a_photo_that_is_too_large_is_refused(client_a, org_a, tmp_path):
    start(client_a)
    large = photo("groot.png", png() + b"\0" * PHOTO_MAX_BYTES)
    html = post_question(client_a, photo=large).content.decode()
    assert "This photo is too large. It can be at most 5 MB." in html
    assert kept_files(org_a, tmp_path) == []


def test_a_good_photo_is_kept_when_another_answer_is_missing(client_a, org_a, tmp_path):
    start(client_a)
    html = post_question(client_a, body="", photo=photo("kapot.png")).content.decode()
    assert "Tell us a little more about your question." in html
    assert "kapot.png" in html and "Remove this photo" in html and "Choose another photo" in html
    assert post_question(client_a).url == "/questions/ask/for_whom/"
    assert len(kept_files(org_a, tmp_path)) == 1


def test_a_new_photo_replaces_the_one_before_and_can_be_removed_on_the_question_page(client_a, org_a, tmp_path):
    start(client_a)
    post_question(client_a, photo=photo("eerste.png"))
    first = kept_files(org_a, tmp_path)
    post_question(client_a, photo=photo("tweede.png"))
    second = kept_files(org_a, tmp_path)
    assert len(second) == 1 and second != first
    assert "tweede.png" in client_a.get("/questions/ask/question/").content.decode()
    post_question(client_a, remove_photo="on")
    assert kept_files(org_a, tmp_path) == []
    assert "tweede.png" not in client_a.get("/questions/ask/question/").content.decode()


def test_the_photo_can_be_removed_on_the_check_page(client_a, org_a, tmp_path):
    start(client_a)
    post_question(client_a, photo=photo("weg.png"))
    client_a.post("/questions/ask/for_whom/", {"for_whom": "me"})
    client_a.post(
        "/questions/ask/contact/", {"contact_method": "call_back", "contact_name": "Piet", "contact_phone": "06 1"}
    )
    response = client_a.post("/questions/ask/check/", {"remove_photo": "1"})
    assert response.url == "/questions/ask/check/"
    check = client_a.get("/questions/ask/check/").content.decode()
    assert "weg.png" not in check and "The photo is removed." in check and "No photo" in check
    assert kept_files(org_a, tmp_path) == []
    with tenant_context(org_a):
        assert not Ticket.objects.exists()  # removing the photo does not send the question
    client_a.post("/questions/ask/check/")
    with tenant_context(org_a):
        assert Ticket.objects.count() == 1 and not Attachment.objects.exists()


def test_starting_again_removes_the_photo_of_the_abandoned_question(client_a, org_a, tmp_path):
    start(client_a)
    post_question(client_a, photo=photo())
    assert len(kept_files(org_a, tmp_path)) == 1
    client_a.get("/questions/ask/")
    assert kept_files(org_a, tmp_path) == []


def test_photos_of_questions_never_sent_are_swept_away(client_a, org_a, tmp_path):
    start(client_a)
    post_question(client_a, photo=photo())
    [old] = kept_files(org_a, tmp_path)
    long_ago = (timezone.now() - timedelta(days=3)).timestamp()
    os.utime(tmp_path / org_a.schema_name / "ask-photos" / old, (long_ago, long_ago))
    other = Client(HTTP_HOST=org_a.host)
    start(other)
    post_question(other, photo=photo())
    assert old not in kept_files(org_a, tmp_path) and len(kept_files(org_a, tmp_path)) == 1


def test_a_photo_is_kept_per_organisation(client_a, org_a, org_b, tmp_path):
    start(client_a)
    post_question(client_a, photo=photo())
    assert len(kept_files(org_a, tmp_path)) == 1 and kept_files(org_b, tmp_path) == []


def test_the_kept_photo_is_shown_back_only_to_the_browser_that_chose_it(client_a, org_a):
    start(client_a)
    assert client_a.get("/questions/ask/photo/").status_code == 404  # nothing chosen yet
    post_question(client_a, photo=photo())
    page = client_a.get("/questions/ask/question/").content.decode()
    assert 'src="/questions/ask/photo/?v=' in page
    shown = client_a.get("/questions/ask/photo/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert b"".join(shown.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    assert "no-cache" in shown["Cache-Control"] or "private" in shown["Cache-Control"]
    other = Client(HTTP_HOST=org_a.host)
    start(other)
    assert other.get("/questions/ask/photo/").status_code == 404


def test_the_contact_page_says_which_details_are_needed_and_helps_the_browser_fill_them(client_a):
    walk(client_a)
    page = client_a.get("/questions/ask/contact/").content.decode()
    assert 'autocomplete="name"' in page and 'type="tel"' in page and 'autocomplete="email"' in page
    assert "We need it to call you back." in page and "(optional)" not in page


def test_many_photos_from_one_address_are_slowed_down_and_the_typing_is_kept(client_a, org_a, tmp_path, monkeypatch):

    monkeypatch.setattr(ask, "PHOTO_LIMIT", 2)
    start(client_a)
    post_question(client_a, photo=photo("een.png"))
    post_question(client_a, photo=photo("twee.png"))
    response = post_question(client_a, subject="Derde poging", photo=photo("drie.png"))
    html = response.content.decode()
    assert response.status_code == 200 and "Many photos came from this place just now." in html
    assert 'value="Derde poging"' in html and "twee.png" in html  # the photo before stays
    assert len(kept_files(org_a, tmp_path)) == 1
