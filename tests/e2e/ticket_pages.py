"""The pages of asking, following and answering a question, and how a browser gets there; and the
pages of passing a question on, duty, approvals, advice and rating (HELP_SCREENS).

Used by the screenshots (screenshots.py); HELP_SCREENS by the every-page checks (test_pages.py) too.
The questions these pages need are committed, so the server sees them; `questions_removed` takes
them away again afterwards.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from datetime import timedelta

from django_tenants.utils import schema_context
from PIL import Image

from escalations.models import AdviceRequest, EscalationEntry
from helpdesk.accounts.models import Role
from satisfaction import services as satisfaction
from support import services as support
from tenants.models import CareOrganisation, Product
from tests.e2e.pages import NAMES, Screen
from tests.e2e.support import People, Visitor, schema_for
from tests.factories import ticket_solve
from tickets import services
from tickets.models import DutyPeriod, ReferenceCounter, Ticket
from tickets.tokens import follow_token_make
from tickets.uploads import CleanPhoto

SLUG = "test-a"
OTHER = "test-b"  # the second organisation, for the professionals' pages that show both


@contextlib.contextmanager
def questions_removed() -> Iterator[None]:
    """Removes what the pages needed meanwhile: questions (with their answers, ratings and held
    replies), duty periods, the professionals' index rows of both organisations; and puts the
    reference counters back."""

    kept = {}
    for slug in (SLUG, OTHER):
        with schema_context(schema_for(slug)):
            kept[slug] = (
                set(Ticket.objects.values_list("pk", flat=True)),
                set(DutyPeriod.objects.values_list("pk", flat=True)),
                ReferenceCounter.objects.filter(pk=1).values_list("last_number", flat=True).first(),
            )
    with schema_context("public"):
        entries = set(EscalationEntry.objects.values_list("pk", flat=True))
        requests = set(AdviceRequest.objects.values_list("pk", flat=True))
    try:
        yield
    finally:
        for slug, (tickets, periods, counter) in kept.items():
            with schema_context(schema_for(slug)):
                Ticket.objects.exclude(pk__in=tickets).delete()
                DutyPeriod.objects.exclude(pk__in=periods).delete()
                if counter is None:
                    ReferenceCounter.objects.filter(pk=1).delete()
                else:
                    ReferenceCounter.objects.filter(pk=1).update(last_number=counter)
        with schema_context("public"):
            EscalationEntry.objects.exclude(pk__in=entries).delete()
            AdviceRequest.objects.exclude(pk__in=requests).delete()


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

    volunteer = people.member(Role.VOLUNTEER, full_name=NAMES["volunteer"])
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

    volunteer = people.member(Role.VOLUNTEER, full_name=NAMES["volunteer"])
    other = people.member(Role.VOLUNTEER, full_name="Henk de Vries")
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


# --- Passing on, duty, approvals, advice and rating ---------------------------------------------------


def _filed(slug: str, product: str, subject: str, **fields):
    """A question filed by phone for someone without an account, in organisation `slug`."""

    fields.setdefault("contact_name", "Gerrit Bakker")
    fields.setdefault("contact_phone", "06 1234 5678")
    fields.setdefault("contact_method", "call_back")
    with schema_context(schema_for(slug)):
        return services.ticket_create(
            actor=None, product=Product.objects.get(slug=product), subject=subject, body=subject, **fields
        )


def _passed_on(people: People):
    """A question a volunteer held and answered, then passed to the professionals with a note."""

    ticket, volunteer = _conversation(people)
    with schema_context(schema_for(SLUG)):
        services.ticket_escalate(
            ticket=ticket,
            actor=volunteer,
            reason="too_difficult",
            note="Camera en volume nagekeken. Het scherm blijft zwart. Misschien is de tablet kapot.",
        )
    return ticket, volunteer


def _question_with_professionals(visitor: Visitor, people: People) -> None:
    ticket, volunteer = _passed_on(people)
    visitor.sign_in_as(volunteer)
    _go(visitor, f"/questions/{ticket.number}/")


def _question_take_over(visitor: Visitor, people: People) -> None:
    """A professional arrives from the portal's "Take over" (the hand-off adds ?take=1)."""
    ticket, _volunteer = _passed_on(people)
    professional = people.member(Role.PROFESSIONAL, full_name="Pieter Professional", public_user_id=_public_id())
    visitor.sign_in_as(professional)
    _go(visitor, f"/questions/{ticket.number}/?take=1")


def _public_id() -> int:
    """The public account id of a professional's shadow account; one no other page uses."""
    import uuid

    return uuid.uuid4().int % 1_000_000_000


def _at(days: int, hour: int, minute: int = 0):
    from django.utils import timezone

    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _duty(visitor: Visitor, people: People) -> None:
    """Not on duty now; a colleague is, and one time is planned for later in the week."""
    from django.utils import timezone

    volunteer = people.member(Role.VOLUNTEER, full_name=NAMES["volunteer"])
    colleague = people.member(Role.VOLUNTEER, full_name="Henk de Vries")
    with schema_context(schema_for(SLUG)):
        services.duty_start(actor=colleague, until=timezone.now() + timedelta(hours=2))
        services.duty_plan(actor=volunteer, starts_at=_at(2, 9, 30), ends_at=_at(2, 12))
    visitor.sign_in_as(volunteer)
    _go(visitor, "/questions/duty/")


def _contribution(visitor: Visitor, people: People) -> None:
    """Two questions solved and three answers written, and time on duty earlier today."""
    from django.utils import timezone

    volunteer = people.member(Role.VOLUNTEER, full_name=NAMES["volunteer"])
    solved = ["Geen geluid bij bellen", "Hoe zet ik een afspraak in de agenda?"]
    with schema_context(schema_for(SLUG)):
        for number, subject in enumerate(solved):
            ticket = _filed(SLUG, "beeldbel-tablet", subject)
            ticket = services.ticket_claim(ticket=ticket, actor=volunteer)
            for _ in range(number + 1):
                services.reply_post(ticket=ticket, actor=volunteer, body="Zo werkt het.")
            ticket_solve(ticket=ticket, actor=volunteer, cause="explanation")
        now = timezone.now()
        # Straight into the table: a duty in the past cannot be started or planned through the services.
        DutyPeriod.objects.create(
            volunteer=volunteer, starts_at=now - timedelta(hours=3, minutes=20), ends_at=now - timedelta(minutes=5)
        )
    visitor.sign_in_as(volunteer)
    _go(visitor, "/questions/my-help/")


def _held_answers(people: People):
    """A trainee's two answers that wait for approval, and one that came back with a note."""

    manager = people.member(Role.MANAGER, full_name=NAMES["manager"])
    trainee = people.member(Role.VOLUNTEER, full_name="Tom de Leerling")
    reviewer = people.member(Role.VOLUNTEER, full_name=NAMES["volunteer"])
    rows = [
        ("beeldbel-tablet", "Ik zie mijn dochter niet als ze belt", "Tik op het plaatje van de camera."),
        ("persoonlijk-alarm", "Alarmknop piept de hele nacht", "De batterij is bijna leeg. Ik bel de leverancier."),
        ("beeldbel-tablet", "Het scherm is heel donker", "Zet de tablet uit en weer aan."),
    ]
    with schema_context(schema_for(SLUG)):
        support.volunteer_level_set(actor=manager, volunteer=trainee, product=None, level="trainee")
        held = []
        for product, subject, answer in rows:
            ticket = services.ticket_claim(ticket=_filed(SLUG, product, subject), actor=trainee)
            held.append(support.reply_or_hold(ticket=ticket, actor=trainee, body=answer))
        support.reply_return(
            actor=reviewer, pending=held[-1], note="Vraag eerst of de lamp aan de zijkant brandt. Dan weet je meer."
        )
    return trainee, reviewer


def _approvals(visitor: Visitor, people: People) -> None:
    _trainee, reviewer = _held_answers(people)
    visitor.sign_in_as(reviewer)
    _go(visitor, "/questions/approvals/")


def _approvals_trainee(visitor: Visitor, people: People) -> None:
    trainee, _reviewer = _held_answers(people)
    visitor.sign_in_as(trainee)
    _go(visitor, "/questions/approvals/")


def _settings(visitor: Visitor, people: People) -> None:
    visitor.sign_in_as(people.member(Role.MANAGER, full_name=NAMES["manager"]))
    _go(visitor, "/settings/")


def _escalated(people: People) -> None:
    """Questions with the professionals in both organisations: urgent with a worry, passed on by a
    volunteer, one a professional already took over; backdated so the waiting times differ."""
    from django.utils import timezone

    rows = [
        (SLUG, "persoonlijk-alarm", "Alarmknop gaat vanzelf af, mevrouw is erg ongerust", "safety_worry", 25),
        (OTHER, "beeldbel-tablet", "Beeldbellen lukt niet meer sinds de update", "needs_supplier", 140),
        (SLUG, "beeldbel-tablet", "Tablet start niet op", "too_difficult", 60 * 26),
        (OTHER, "persoonlijk-alarm", "Hanger is kwijt, werkt de knop aan de muur nog?", "too_much_now", 50),
    ]
    now = timezone.now()
    for index, (slug, product, subject, reason, minutes) in enumerate(rows):
        volunteer = people.member(Role.VOLUNTEER, slug=slug, full_name="Henk de Vries")
        ticket = _filed(slug, product, subject)
        with schema_context(schema_for(slug)):
            ticket = services.ticket_escalate(ticket=ticket, actor=volunteer, reason=reason)
            if index == 3:
                professional = people.member(
                    "professional", slug=slug, full_name="Pieter Professional", public_user_id=_public_id()
                )
                services.ticket_take_over(ticket=ticket, actor=professional)
        # Only the index row, for the picture: how long each question has waited.
        EscalationEntry.objects.filter(organisation__slug=slug, ticket_id=ticket.pk).update(
            escalated_at=now - timedelta(minutes=minutes)
        )


def _portal_as(role: str, path: str, prepare: Callable[[People], None]) -> Callable[[Visitor, People], None]:
    def open_page(visitor: Visitor, people: People) -> None:
        prepare(people)
        visitor.sign_in_as(people.operator(role), slug="public", verified=True)
        visitor.page.goto(visitor.server.portal(path), wait_until="load")

    return open_page


def _only_set_up_organisations_active() -> None:
    """An earlier browser test may mark an organisation active whose schema was never made (to see
    the portal follow the end of its set-up); the overview reads every active organisation's
    schema, so such a stand-in goes back to "being set up". It is removed after the last browser test.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name FROM information_schema.schemata")
        schemas = {row[0] for row in cursor.fetchall()}
    CareOrganisation.objects.filter(status=CareOrganisation.Status.ACTIVE).exclude(schema_name__in=schemas).update(
        status=CareOrganisation.Status.PROVISIONING
    )


def _organisations_at_work(people: People) -> None:
    """For the overview: escalated questions, questions waiting, a volunteer on duty, ratings."""
    from django.utils import timezone

    _only_set_up_organisations_active()
    _escalated(people)
    _filed(SLUG, "beeldbel-tablet", "Geen geluid bij bellen")
    _filed(OTHER, "beeldbel-tablet", "Hoe zet ik een afspraak in de agenda?")
    volunteer = people.member(Role.VOLUNTEER, full_name=NAMES["volunteer"])
    with schema_context(schema_for(SLUG)):
        services.duty_start(actor=volunteer, until=timezone.now() + timedelta(hours=2))
        for help_score, technology_score in ((5, 3), (4, 2)):
            ticket = services.ticket_claim(
                ticket=_filed(SLUG, "beeldbel-tablet", "Scherm blijft zwart"), actor=volunteer
            )
            ticket = ticket_solve(ticket=ticket, actor=volunteer, cause="explanation")
            satisfaction.survey_answer_save(
                ticket=ticket, actor=None, help_score=help_score, technology_score=technology_score
            )


def _advice_asked(people: People) -> None:
    """Two volunteers, one in each organisation, ask the professionals for advice."""

    for slug, subject, question in (
        (SLUG, "Alarm gaat vanzelf af", "Kan vocht in de knop dit doen?"),
        (OTHER, "Tablet laadt niet meer op", "Is de lader kapot of de tablet?"),
    ):
        volunteer = people.member(Role.VOLUNTEER, slug=slug, full_name="Henk de Vries")
        ticket = _filed(slug, "persoonlijk-alarm" if "Alarm" in subject else "beeldbel-tablet", subject)
        with schema_context(schema_for(slug)):
            ticket = services.ticket_claim(ticket=ticket, actor=volunteer)
            support.advice_ask(ticket=ticket, actor=volunteer, body=question)


def _solved_for(people: People):
    """A requester with an account whose question a volunteer answered and solved."""

    requester = people.member(Role.REQUESTER, full_name=NAMES["requester"])
    volunteer = people.member(Role.VOLUNTEER, full_name=NAMES["volunteer"])
    with schema_context(schema_for(SLUG)):
        ticket = services.ticket_create(
            actor=requester,
            requester=requester,
            product=Product.objects.get(slug="beeldbel-tablet"),
            subject="Ik zie mijn dochter niet als ze belt",
            body="Als mijn dochter belt, blijft het scherm zwart.",
            contact_method="email",
        )
        ticket = services.ticket_claim(ticket=ticket, actor=volunteer)
        services.reply_post(ticket=ticket, actor=volunteer, body="Tik op het plaatje van de camera.")
        ticket = services.ticket_resolve(ticket=ticket, actor=volunteer, cause="explanation")
    return ticket, requester


def _rating(visitor: Visitor, people: People) -> None:
    ticket, requester = _solved_for(people)
    visitor.sign_in_as(requester)
    _go(visitor, f"/questions/{ticket.number}/rating/")


def _rating_thanks(visitor: Visitor, people: People) -> None:

    ticket, requester = _solved_for(people)
    with schema_context(schema_for(SLUG)):
        satisfaction.survey_answer_save(
            ticket=ticket,
            actor=requester,
            help_score=5,
            technology_score=2,
            comment="Fijn dat iemand meekeek. De tablet blijft lastig.",
        )
    visitor.sign_in_as(requester)
    _go(visitor, f"/questions/{ticket.number}/rating/thanks/")


# Pages of passing questions on, duty, approvals, advice and rating: the every-page checks and
# the screenshots both take these.
HELP_SCREENS = [
    Screen("duty", _duty, shows="form[action='/questions/duty/start/']"),
    Screen("contribution", _contribution, shows="main .figures"),
    Screen("approvals", _approvals, shows="main a[href^='/questions/approvals/']"),
    Screen("approvals-trainee", _approvals_trainee, shows="main a[href$='/again/']"),
    Screen("question-with-professionals", _question_with_professionals, shows=".callout--professionals"),
    Screen("question-take-over", _question_take_over, shows="section form[action$='/take-over/']"),
    Screen("settings", _settings, shows="#id_auto_close_days"),
    Screen(
        "escalations-queue",
        _portal_as("professional", "/escalations/", _escalated),
        end_user=False,
        shows="#escalation-rows tr[id^='escalation-'] button[name='take'][value='1']",
    ),
    Screen(
        "overview",
        _portal_as("operator_admin", "/overview/", _organisations_at_work),
        end_user=False,
        shows="main tbody th a[href^='/organisations/']",
    ),
    Screen(
        "advice-requests",
        _portal_as("professional", "/advice/", _advice_asked),
        end_user=False,
        shows="main form[action^='/advice/'][action$='/open/']",
    ),
    Screen("rating", _rating, shows="main fieldset.scale input[name='help_score']"),
    Screen("rating-thanks", _rating_thanks, shows="main .survey-summary"),
]
