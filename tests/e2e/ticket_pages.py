"""The pages of asking, following and answering a question, and how a browser gets there.

Used by the screenshots (screenshots.py). The questions these pages need are committed, so the
server sees them; `questions_removed` takes them away again afterwards.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator

from django_tenants.utils import schema_context
from PIL import Image

from tests.e2e.pages import NAMES, Screen
from tests.e2e.support import People, Visitor, schema_for

SLUG = "test-a"


@contextlib.contextmanager
def questions_removed() -> Iterator[None]:
    """Removes the questions filed meanwhile and puts the reference counter back."""
    from tickets.models import ReferenceCounter, Ticket

    with schema_context(schema_for(SLUG)):
        before = set(Ticket.objects.values_list("pk", flat=True))
        counter = ReferenceCounter.objects.filter(pk=1).values_list("last_number", flat=True).first()
    try:
        yield
    finally:
        with schema_context(schema_for(SLUG)):
            Ticket.objects.exclude(pk__in=before).delete()
            if counter is None:
                ReferenceCounter.objects.filter(pk=1).delete()
            else:
                ReferenceCounter.objects.filter(pk=1).update(last_number=counter)


def png_bytes(colour: str = "teal") -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(output, format="PNG")
    return output.getvalue()


def _go(visitor: Visitor, path: str) -> None:
    visitor.page.goto(visitor.server.tenant(SLUG, path), wait_until="load")


def _submit(visitor: Visitor, form: str = "main form") -> None:
    with visitor.page.expect_navigation(wait_until="load"):
        visitor.page.locator(f"{form} button[type=submit]").first.click()


def _ask(until: str) -> Callable[[Visitor, People], None]:
    """Walks the ask pages as a person without an account would, up to the page `until`."""

    def open_page(visitor: Visitor, people: People) -> None:
        from tenants.models import Product

        page = visitor.page
        _go(visitor, "/questions/ask/")
        if until == "product":
            return
        page.locator(f"input[name=product][value='{Product.objects.get(slug='beeldbel-tablet').pk}']").check()
        _submit(visitor)
        if until == "question":
            return
        if until == "question-errors":
            page.fill("#id_subject", "Tablet doet het niet")
            page.set_input_files(
                "#id_photo", {"name": "boodschappen.png", "mimeType": "image/png", "buffer": b"Geen foto." * 40}
            )
            _submit(visitor)
            return
        page.fill("#id_subject", "Ik zie mijn dochter niet als ze belt")
        page.fill("#id_body", "Als mijn dochter belt, blijft het scherm zwart.\nIk hoor haar wel.")
        page.set_input_files(
            "#id_photo", {"name": "IMG_20260312_104512.png", "mimeType": "image/png", "buffer": png_bytes()}
        )
        _submit(visitor)
        if until == "for_whom":
            return
        if until == "for_whom-someone-else":
            page.check("input[name=for_whom][value=other]")
            page.fill("#id_on_behalf_of_name", "Jan Visser")
            return
        page.check("input[name=for_whom][value=me]")
        _submit(visitor)
        if until == "contact":
            return
        page.check("input[name=contact_method][value=email]")
        page.fill("#id_contact_name", NAMES["requester"])
        page.fill("#id_contact_email", people.address(NAMES["requester"]))
        _submit(visitor)
        if until == "check":
            return
        _submit(visitor, "#send-question")

    return open_page


def _question_with_photo(visitor: Visitor, people: People) -> None:
    """The question page again, by its back link, after a photo was chosen: the photo is kept."""
    _ask("for_whom")(visitor, people)
    with visitor.page.expect_navigation(wait_until="load"):
        visitor.page.locator("main a.back-link").click()


def _conversation(people: People):
    """A question a volunteer took and answered, with a photo, an internal note and a reply back."""
    from tenants.models import Product
    from tickets import services
    from tickets.uploads import CleanPhoto

    volunteer = people.member("volunteer", full_name=NAMES["volunteer"])
    with schema_context(schema_for(SLUG)):
        ticket = services.ticket_create(
            actor=None,
            product=Product.objects.get(slug="beeldbel-tablet"),
            subject="Ik zie mijn dochter niet als ze belt",
            body="Als mijn dochter belt, blijft het scherm zwart.\nIk hoor haar wel.",
            contact_name=NAMES["requester"],
            contact_email=people.address(NAMES["requester"]),
            contact_method="email",
        )
        services.attachment_add(
            ticket=ticket,
            actor=None,
            photo=CleanPhoto(png_bytes(), "image/png", "png", "IMG_20260312_104512.png"),
        )
        ticket = services.ticket_claim(ticket=ticket, actor=volunteer)
        services.reply_post(
            ticket=ticket,
            actor=volunteer,
            body="Goedemorgen mevrouw Visser. Tik op het plaatje van de camera. Het wordt dan groen.",
        )
        services.note_add(ticket=ticket, actor=volunteer, body="Mevrouw vindt de knoppen klein. Volgende keer bellen.")
        services.reply_post(ticket=ticket, actor=None, body="Dank u. Waar zit dat plaatje?")
    return ticket, volunteer


def _queue(visitor: Visitor, people: People) -> None:
    from tenants.models import Product
    from tickets import services

    volunteer = people.member("volunteer", full_name=NAMES["volunteer"])
    other = people.member("volunteer", full_name="Henk de Vries")
    tablet, alarm = Product.objects.get(slug="beeldbel-tablet"), Product.objects.get(slug="persoonlijk-alarm")
    rows = [
        (alarm, "Alarmknop piept de hele nacht", "urgent", None, ""),
        (tablet, "Geen geluid bij bellen", "normal", None, ""),
        (tablet, "Hoe zet ik een afspraak in de agenda?", "normal", other, ""),
        (alarm, "Hanger is kwijt, werkt de knop aan de muur nog?", "normal", volunteer, "waiting"),
        (tablet, "Scherm is heel donker", "normal", volunteer, ""),
    ]
    with schema_context(schema_for(SLUG)):
        for product, subject, priority, helper, status in rows:
            ticket = services.ticket_create(
                actor=None,
                product=product,
                subject=subject,
                body=subject,
                contact_name="Gerrit Bakker",
                contact_phone="06 1234 5678",
                contact_method="call_back",
                priority=priority,
            )
            if helper is not None:
                ticket = services.ticket_claim(ticket=ticket, actor=helper)
            if status == "waiting":
                services.ticket_set_waiting(ticket=ticket, actor=helper)
    visitor.sign_in_as(volunteer)
    _go(visitor, "/questions/")


def _question_for_volunteer(visitor: Visitor, people: People) -> None:
    ticket, volunteer = _conversation(people)
    visitor.sign_in_as(volunteer)
    _go(visitor, f"/questions/{ticket.number}/")


def _question_for_requester(visitor: Visitor, people: People) -> None:
    from tickets.tokens import follow_token_make

    ticket, _volunteer = _conversation(people)
    with schema_context(schema_for(SLUG)):
        token = follow_token_make(ticket.pk)
    _go(visitor, f"/questions/open/{token}/")


TICKET_SCREENS = [
    Screen("ask-1-product", _ask("product")),
    Screen("ask-2-question", _ask("question")),
    Screen("ask-2-question-errors", _ask("question-errors"), rejected=True),
    Screen("ask-2-question-photo", _question_with_photo),
    Screen("ask-3-for-whom", _ask("for_whom")),
    Screen("ask-3-for-whom-someone-else", _ask("for_whom-someone-else")),
    Screen("ask-4-contact", _ask("contact")),
    Screen("ask-5-check", _ask("check")),
    Screen("ask-6-sent", _ask("sent")),
    Screen("queue", _queue),
    Screen("question-volunteer", _question_for_volunteer),
    Screen("question-requester", _question_for_requester),
]
