"""Photos on a question: checked by content, cleaned, stored per organisation, shown only to those allowed."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from PIL import Image

from tests.factories import ticket_make
from tests.signing_in import sign_in
from tickets import uploads
from tickets.models import Attachment, TicketEvent

pytestmark = pytest.mark.django_db


def image_bytes(image_format: str = "PNG", *, exif: bool = False, size: tuple[int, int] = (40, 30)) -> bytes:
    output = io.BytesIO()
    image = Image.new("RGB", size, "red")
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretPhoneMaker"  # Make
        image.save(output, format=image_format, exif=data.tobytes())
    else:
        image.save(output, format=image_format)
    return output.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def ticket(org_a):
    with tenant_context(org_a):
        return ticket_make(contact_name="Piet", contact_email="piet@example.org")


def test_a_helper_adds_a_photo_that_is_cleaned_and_served_to_helpers(client_a, org_a, volunteer_a, ticket):
    sign_in(client_a, org_a, volunteer_a)
    response = client_a.post(
        f"/questions/{ticket.number}/photos/",
        {"photo-photo": upload("IMG_001.jpg", image_bytes("JPEG", exif=True), "image/jpeg")},
    )
    assert response.url == f"/questions/{ticket.number}/"
    with tenant_context(org_a):
        photo = Attachment.objects.get(ticket=ticket)
        assert photo.content_type == "image/jpeg" and photo.original_name == "IMG_001.jpg"
        assert photo.file.name.startswith(f"questions/{ticket.pk}/") and "IMG_001" not in photo.file.name
        assert TicketEvent.objects.filter(ticket=ticket, kind="attached").exists()
    served = client_a.get(f"/questions/{ticket.number}/photos/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    body = b"".join(served.streaming_content)
    assert body[:2] == b"\xff\xd8" and b"SecretPhoneMaker" not in body
    assert "private" in served["Cache-Control"] or "no-cache" in served["Cache-Control"]


def test_photos_are_stored_in_the_organisations_own_folder(client_a, org_a, volunteer_a, ticket, tmp_path):
    sign_in(client_a, org_a, volunteer_a)
    client_a.post(f"/questions/{ticket.number}/photos/", {"photo-photo": upload("a.png", image_bytes())})
    stored = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(stored) == 1 and stored[0].relative_to(tmp_path).parts[0] == org_a.schema_name


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("evil.jpg", b"<script>alert(1)</script>", "image/jpeg"),
        ("evil.png", b"<html><body onload=alert(1)>", "image/png"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml"),
        ("broken.png", image_bytes()[:40], "image/png"),
        ("doc.pdf", b"%PDF-1.4 nothing", "application/pdf"),
        ("empty.png", b"", "image/png"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    client_a, org_a, volunteer_a, ticket, tmp_path, name, content, content_type
):
    sign_in(client_a, org_a, volunteer_a)
    response = client_a.post(
        f"/questions/{ticket.number}/photos/", {"photo-photo": upload(name, content, content_type)}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "not a photo" in html or "Choose a photo" in html
    with tenant_context(org_a):
        assert not Attachment.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_too_large_photo_is_refused(client_a, org_a, volunteer_a, ticket, monkeypatch):

    monkeypatch.setattr(uploads, "PHOTO_MAX_BYTES", 100)
    sign_in(client_a, org_a, volunteer_a)
    response = client_a.post(
        f"/questions/{ticket.number}/photos/",
        {"photo-photo": upload("big.png", image_bytes(size=(400, 400)))},
        follow=True,
    )
    assert "too large" in response.content.decode()
    with tenant_context(org_a):
        assert not Attachment.objects.exists()


def test_the_requester_adds_a_photo_and_strangers_cannot_see_it(client_a, org_a, ticket):
    from django.test import Client

    client_a.post("/questions/open/", {"reference": str(ticket.number), "contact": "piet@example.org"})
    response = client_a.post(f"/questions/{ticket.number}/photos/", {"photo-photo": upload("s.png", image_bytes())})
    assert response.url == f"/questions/{ticket.number}/follow/"
    with tenant_context(org_a):
        photo = Attachment.objects.get()
        assert photo.from_requester and photo.uploaded_by is None
    assert client_a.get(f"/questions/{ticket.number}/photos/{photo.pk}/").status_code == 200
    stranger = Client(HTTP_HOST=org_a.host)
    assert stranger.get(f"/questions/{ticket.number}/photos/{photo.pk}/").status_code == 404
    assert (
        stranger.post(
            f"/questions/{ticket.number}/photos/", {"photo-photo": upload("s.png", image_bytes())}
        ).status_code
        == 404
    )


def test_managers_see_photos_but_do_not_add_them_and_other_organisations_see_nothing(
    client_a, client_b, org_a, org_b, volunteer_a, ticket, volunteer_b, manager_a
):
    sign_in(client_a, org_a, volunteer_a)
    client_a.post(f"/questions/{ticket.number}/photos/", {"photo-photo": upload("a.png", image_bytes())})
    with tenant_context(org_a):
        photo = Attachment.objects.get()
    sign_in(client_a, org_a, manager_a)

    assert client_a.get(f"/questions/{ticket.number}/photos/{photo.pk}/").status_code == 200
    assert (
        client_a.post(
            f"/questions/{ticket.number}/photos/", {"photo-photo": upload("b.png", image_bytes())}
        ).status_code
        == 404
    )
    sign_in(client_b, org_b, volunteer_b)

    assert client_b.get(f"/questions/{ticket.number}/photos/{photo.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["helper", "requester"])
def test_a_refused_upload_shows_its_error_in_the_summary_and_beside_the_field(
    client_a, org_a, volunteer_a, requester_a, who
):
    with tenant_context(org_a):
        ticket = ticket_make(requester=requester_a)
    sign_in(client_a, org_a, volunteer_a if who == "helper" else requester_a)
    response = client_a.post(
        f"/questions/{ticket.number}/photos/",
        {"photo-photo": upload("tekst.png", b"Dit is geen foto" * 20, "image/png")},
    )
    # Not a redirect to a page with a status message: the same page, as a rejected form.
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    summary = html.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert 'href="#id_photo-photo"' in summary and "not a photo" in summary
    assert 'id="id_photo-photo_error"' in html
    field = re.search(r'<input[^>]*id="id_photo-photo"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field and "id_photo-photo_error" in field
    assert 'class="notice' not in html.split("<main", 1)[1].split("data-error-summary", 1)[0]


def test_the_stored_type_comes_from_the_photos_bytes_not_from_the_browser(client_a, org_a, volunteer_a, ticket):
    """A PNG sent as "foto.jpg" of type text/html is kept and served as the PNG it is."""
    sign_in(client_a, org_a, volunteer_a)
    client_a.post(
        f"/questions/{ticket.number}/photos/", {"photo-photo": upload("foto.jpg", image_bytes("PNG"), "text/html")}
    )
    with tenant_context(org_a):
        photo = Attachment.objects.get(ticket=ticket)
        assert photo.content_type == "image/png" and photo.file.name.endswith(".png")
    served = client_a.get(f"/questions/{ticket.number}/photos/{photo.pk}/")
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG\r\n\x1a\n")


def _photo_of_the_first_asker(client_a, org_a, requester_a, second_requester_a):
    """Two askers of organisation A, each with a question; the first adds a photo to theirs."""
    with tenant_context(org_a):
        first = ticket_make(requester=requester_a, contact_email="riet@example.org")
        second = ticket_make(requester=second_requester_a, contact_email="kees@example.org")
    sign_in(client_a, org_a, requester_a)
    client_a.post(f"/questions/{first.number}/photos/", {"photo-photo": upload("mijn-scherm.png", image_bytes())})
    with tenant_context(org_a):
        photo = Attachment.objects.get(ticket=first)
    assert client_a.get(f"/questions/{first.number}/photos/{photo.pk}/").status_code == 200
    return first, second, photo


@pytest.mark.parametrize("opened_with", ["account", "number and contact"])
def test_another_asker_of_the_same_organisation_cannot_open_the_photo(
    org_a, requester_a, second_requester_a, opened_with
):
    from tests.conftest import english_client

    first, second, photo = _photo_of_the_first_asker(english_client(org_a.host), org_a, requester_a, second_requester_a)
    other = english_client(org_a.host)
    if opened_with == "account":
        sign_in(other, org_a, second_requester_a)
    else:
        other.post("/questions/open/", {"reference": str(second.number), "contact": "kees@example.org"})
    assert other.get(f"/questions/{second.number}/follow/").status_code == 200  # their own question opens

    assert other.get(f"/questions/{first.number}/photos/{photo.pk}/").status_code == 404
    # Nor through their own question's address.
    assert other.get(f"/questions/{second.number}/photos/{photo.pk}/").status_code == 404


def test_staff_of_another_organisation_cannot_open_the_photo(
    client_a, client_b, org_a, org_b, requester_a, second_requester_a, manager_b, volunteer_b
):
    first, _second, photo = _photo_of_the_first_asker(client_a, org_a, requester_a, second_requester_a)
    path = f"/questions/{first.number}/photos/{photo.pk}/"
    for staff in (manager_b, volunteer_b):
        sign_in(client_b, org_b, staff)
        assert client_b.get(path).status_code == 404
        assert client_b.get(path, HTTP_HOST=org_a.host).status_code == 404  # their session is not valid in A
