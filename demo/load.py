"""Demo data for a newcomer: the product catalogue, two care organisations and people in every role."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import tenant_context

from demo.reporting import load_reporting_demo
from demo.support import support_ensure
from helpdesk.accounts.models import RequesterKind, Role, User
from knowledgebase import demo as knowledgebase_demo
from satisfaction.models import SurveyAnswer
from satisfaction.services import survey_answer_save
from tenants.models import CareOrganisation, Product
from tenants.services import organisation_create, organisation_provision
from tickets import services as tickets
from tickets.models import DutyPeriod, SavedReply, Status, Ticket, Tier

DEMO_PASSWORD = "helpdesk-demo"  # noqa: S105 - demo data only, printed on start
# A fixed authenticator key for the demo operator staff and managers, so `make otp` can show their code.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"

PRODUCTS = [
    (
        "Beeldbel-tablet",
        "beeldbel-tablet",
        Product.Kind.DEVICE,
        "tablet",
        "Video calling with family and care staff on a simple tablet.",
    ),
    (
        "Medicijndispenser",
        "medicijndispenser",
        Product.Kind.DEVICE,
        "dispenser",
        "Gives the right pills at the right time and warns when one is missed.",
    ),
    (
        "Persoonlijk alarm",
        "persoonlijk-alarm",
        Product.Kind.ALARM,
        "alarm",
        "A button on the wrist or around the neck that calls for help.",
    ),
    (
        "Dagplanner-app",
        "dagplanner-app",
        Product.Kind.APP,
        "planner",
        "Shows the day in pictures: what happens when, and who is coming.",
    ),
    (
        "Slimme sensoren",
        "slimme-sensoren",
        Product.Kind.ALARM,
        "generic",
        "Sensors in the home that notice a fall or a door left open.",
    ),
]

ORGANISATIONS = [
    {
        "name": "Zorggroep Amphora",
        "slug": "amphora",
        "prefix": "AMP",
        "colour": "#1d5a8c",
        "products": ["beeldbel-tablet", "medicijndispenser", "persoonlijk-alarm", "dagplanner-app"],
        "fee": Decimal("1450.00"),
        "expected": 120,
    },
    {
        "name": "Stichting De Linde",
        "slug": "linde",
        "prefix": "LIN",
        "colour": "#6a2c70",
        "products": ["beeldbel-tablet", "dagplanner-app", "slimme-sensoren"],
        "fee": Decimal("800.00"),
        "expected": 60,
    },
]

# (role, requester kind, first name, last name)
PEOPLE = [
    (Role.MANAGER, "", "Marieke", "Jansen"),
    (Role.VOLUNTEER, "", "Henk", "de Vries"),
    (Role.VOLUNTEER, "", "Fatima", "El Amrani"),
    (Role.VOLUNTEER, "", "Sem", "Leerling"),  # a trainee: answers wait for approval (support.demo)
    (Role.REQUESTER, RequesterKind.CLIENT, "Gerrit", "Bakker"),
    (Role.REQUESTER, RequesterKind.INFORMAL_CARER, "Anja", "Visser"),
    (Role.REQUESTER, RequesterKind.CARE_STAFF, "Sanne", "Smit"),
]

OPERATOR_STAFF = [
    (Role.OPERATOR_ADMIN, "beheer@helpdesk.example", "Olga Operator"),
    (Role.PROFESSIONAL, "achtervang@helpdesk.example", "Pieter Professional"),
]


def demo_email(role: str, first_name: str, slug: str) -> str:
    return f"{first_name.lower()}.{role}@{slug}.example"


def products_ensure() -> None:
    for name, slug, kind, icon, description in PRODUCTS:
        Product.objects.update_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "icon": icon, "description": description}
        )


def operator_staff_ensure() -> None:
    for role, email, name in OPERATOR_STAFF:
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=DEMO_PASSWORD, full_name=name, role=role
        )
        TOTPDevice.objects.get_or_create(user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True})


def people_ensure(organisation: CareOrganisation) -> None:
    with tenant_context(organisation):
        for role, kind, first, last in PEOPLE:
            email = demo_email(role, first, organisation.slug)
            user = User.objects.filter(email=email).first()
            if user is None:
                password = DEMO_PASSWORD if role != Role.REQUESTER else None
                user = User.objects.create_user(
                    email=email, password=password, full_name=f"{first} {last}", role=role, requester_kind=kind
                )
            if role == Role.MANAGER:
                # Managers confirm each sign-in with a code: the same demo key as the operator staff.
                TOTPDevice.objects.get_or_create(
                    user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
                )


@transaction.atomic
def organisation_ensure(spec: dict) -> CareOrganisation:
    organisation = CareOrganisation.objects.filter(slug=spec["slug"]).first()
    if organisation is None:
        organisation = organisation_create(
            actor=None,
            name=spec["name"],
            slug=spec["slug"],
            reference_prefix=spec["prefix"],
            manager_email="",
            products=Product.objects.filter(slug__in=spec["products"]),
            brand_colour=spec["colour"],
            monthly_fee=spec["fee"],
            expected_questions_per_month=spec["expected"],
        )
    return organisation


def load() -> list[CareOrganisation]:
    products_ensure()
    operator_staff_ensure()
    knowledgebase_demo.load()
    organisations = []
    for spec in ORGANISATIONS:
        organisation = organisation_ensure(spec)
        organisation = organisation_provision(organisation_id=organisation.pk)
        people_ensure(organisation)
        duty_ensure(organisation)
        saved_replies_ensure(organisation)
        questions_ensure(organisation)
        escalations_ensure(organisation)
        satisfaction_ensure(organisation)
        support_ensure(organisation)
        load_reporting_demo(organisation)
        organisations.append(organisation)
    return organisations


# Demo questions: (product slug, subject, body, channel, where it ends up, bottleneck cause)
QUESTIONS = [
    (
        "beeldbel-tablet",
        "Ik zie mijn dochter niet",
        "Als ze belt is het scherm zwart. Ik hoor haar wel.",
        "web",
        "new",
        "",
    ),
    ("beeldbel-tablet", "Geen geluid bij bellen", "Ik zie mijn zoon, maar ik hoor niets.", "phone", "new", ""),
    ("medicijndispenser", "Piept de hele nacht", "De dispenser piept steeds. Wat moet ik doen?", "web", "new", ""),
    (
        "persoonlijk-alarm",
        "Alarmknop gaat vanzelf af",
        "Mijn moeder drukt niet, toch belt de centrale.",
        "web",
        "in_progress",
        "",
    ),
    (
        "dagplanner-app",
        "Afspraak staat er niet in",
        "De fysiotherapeut komt dinsdag, maar dat staat niet in de app.",
        "in_person",
        "in_progress",
        "",
    ),
    (
        "beeldbel-tablet",
        "Tablet wil niet opladen",
        "Het lampje blijft uit als ik hem aan de lader leg.",
        "web",
        "waiting",
        "",
    ),
    (
        "medicijndispenser",
        "Hoe vul ik hem bij?",
        "De apotheek bracht nieuwe rollen. Hoe gaan die erin?",
        "phone",
        "resolved",
        "explanation",
    ),
    (
        "dagplanner-app",
        "Kan ik foto's toevoegen?",
        "Ik wil bij elke afspraak een foto van de persoon zien.",
        "web",
        "resolved",
        "wish",
    ),
    (
        "persoonlijk-alarm",
        "Batterij leeg melding",
        "De knop zegt dat de batterij leeg is.",
        "web",
        "closed",
        "product_fault",
    ),
    ("beeldbel-tablet", "Wachtwoord vergeten", "Ik kan niet meer inloggen op de tablet.", "phone", "closed", "account"),
    (
        "dagplanner-app",
        "App start niet na update",
        "Sinds gisteren blijft het scherm wit.",
        "web",
        "resolved",
        "device_internet",
    ),
]


def questions_ensure(organisation: CareOrganisation) -> None:
    """A queue that looks real: questions in every state, some answered, one waiting."""
    with tenant_context(organisation):
        if Ticket.objects.exists():
            return
        products = {p.slug: p for p in organisation.active_products()}
        volunteer = User.objects.filter(role=Role.VOLUNTEER).order_by("pk").first()
        requesters = list(User.objects.filter(role=Role.REQUESTER).order_by("pk"))
        for index, (slug, subject, body, channel, state, cause) in enumerate(QUESTIONS):
            product = products.get(slug)
            if product is None or volunteer is None:
                continue
            requester = requesters[index % len(requesters)] if requesters and channel == "web" else None
            ticket = tickets.ticket_create(
                actor=requester,
                requester=requester,
                product=product,
                subject=subject,
                body=body,
                channel=channel,
                contact_name="" if requester else "Mevrouw de Boer",
                contact_phone="" if requester else "06 12345678",
                contact_method="website" if requester else "call_back",
            )
            if state == "new":
                continue
            ticket = tickets.ticket_claim(ticket=ticket, actor=volunteer)
            tickets.reply_post(ticket=ticket, actor=volunteer, body="Dank voor uw vraag. Ik kijk met u mee.")
            if state == "waiting":
                tickets.ticket_set_waiting(ticket=ticket, actor=volunteer)
            elif state in ("resolved", "closed"):
                if ticket.asked_for_call:
                    tickets.call_record(
                        ticket=ticket, actor=volunteer, reached=True, note="Samen de instellingen nagelopen."
                    )
                ticket = tickets.ticket_resolve(ticket=ticket, actor=volunteer, cause=cause)
                if state == "closed":
                    tickets.ticket_close(ticket=ticket, actor=volunteer, reason="other")


# Demo questions that the volunteers passed on: (product slug, subject, body, what happens)
ESCALATED_QUESTIONS = [
    (
        "beeldbel-tablet",
        "Tablet maakt geen verbinding met wifi",
        "Sinds de nieuwe router thuis doet de tablet niets meer. Ik heb alles geprobeerd.",
        "escalated",
    ),
    (
        "dagplanner-app",
        "Afspraken verdwijnen uit de planner",
        "Elke ochtend zijn de afspraken van mijn zus weg. De leverancier moet ernaar kijken.",
        "taken_over",
    ),
    (
        "beeldbel-tablet",
        "Mijn vader neemt niet meer op",
        "Ik bel al twee dagen via de tablet en hij neemt niet op. Ik maak me zorgen.",
        "worry",
    ),
]


def duty_ensure(organisation: CareOrganisation) -> None:
    """A volunteer on duty now and every day of the coming month, so new questions go to the
    volunteers first (while nobody is on duty they go straight to the professionals)."""
    with tenant_context(organisation):
        volunteer = User.objects.filter(role=Role.VOLUNTEER).order_by("pk").first()
        if volunteer is None or DutyPeriod.objects.exists():
            return
        now = timezone.now()
        # Henk is on duty every day from 8 to 20 for the coming month, and right now.
        today = timezone.localtime(now).replace(hour=8, minute=0, second=0, microsecond=0)
        DutyPeriod.objects.create(
            volunteer=volunteer, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=4)
        )
        for day in range(1, 31):
            starts = today + timedelta(days=day)
            DutyPeriod.objects.create(volunteer=volunteer, starts_at=starts, ends_at=starts + timedelta(hours=12))


# Ready answers the helpers insert and adapt: (title, text).
SAVED_REPLIES = [
    (
        "Uit en weer aan",
        "Wilt u het apparaat helemaal uitzetten? Wacht dan tien tellen en zet het weer aan. "
        "Lukt het daarna nog niet? Laat het ons weten.",
    ),
    (
        "We bellen u",
        "Dank voor uw vraag. Een vrijwilliger belt u vandaag of morgen. Houdt u uw telefoon bij de hand?",
    ),
    (
        "Wifi controleren",
        "Kijkt u even of de wifi thuis werkt? Werkt uw telefoon wel op de wifi, dan ligt het aan het apparaat.",
    ),
]


def saved_replies_ensure(organisation: CareOrganisation) -> None:
    with tenant_context(organisation):
        manager = User.objects.filter(role=Role.MANAGER).order_by("pk").first()
        if manager is None or SavedReply.objects.exists():
            return
        for title, body in SAVED_REPLIES:
            tickets.saved_reply_create(actor=manager, title=title, body=body)


def escalations_ensure(organisation: CareOrganisation) -> None:
    """Questions with the professionals, and a contact person for worries."""
    if not organisation.contact_person_email:
        organisation.contact_person_name = "Marieke Jansen"
        organisation.contact_person_email = demo_email(Role.MANAGER, "Marieke", organisation.slug)
        organisation.save(update_fields=["contact_person_name", "contact_person_email"])
    professional = User.objects.filter(email="achtervang@helpdesk.example").first()
    with tenant_context(organisation):
        volunteers = list(User.objects.filter(role=Role.VOLUNTEER).order_by("pk"))
        if not volunteers:
            return
        if Ticket.objects.filter(tier=Tier.PROFESSIONAL).exists():
            return
        products = {p.slug: p for p in organisation.active_products()}
        requester = User.objects.filter(role=Role.REQUESTER).order_by("pk").first()
        shadow = None
        if professional is not None:
            shadow, _created = User.objects.get_or_create(
                public_user_id=professional.pk,
                defaults={"full_name": professional.full_name, "role": Role.PROFESSIONAL, "requester_kind": ""},
            )
        for slug, subject, body, what in ESCALATED_QUESTIONS:
            product = products.get(slug)
            if product is None:
                continue
            if what == "worry":
                tickets.ticket_create(
                    actor=requester, requester=requester, product=product, subject=subject, body=body, is_worry=True
                )
                continue
            ticket = tickets.ticket_create(
                actor=requester, requester=requester, product=product, subject=subject, body=body
            )
            ticket = tickets.ticket_claim(ticket=ticket, actor=volunteers[-1])
            tickets.reply_post(ticket=ticket, actor=volunteers[-1], body="Ik zoek het voor u uit.")
            reason = "too_difficult" if what == "escalated" else "needs_supplier"
            ticket = tickets.ticket_escalate(
                ticket=ticket, actor=volunteers[-1], reason=reason, note="Ik kom hier niet verder mee."
            )
            if what == "taken_over" and shadow is not None:
                tickets.ticket_take_over(ticket=ticket, actor=shadow)


# Demo satisfaction answers: (help, technology, comment), given to the solved questions in turn.
SURVEY_ANSWERS = [
    (5, 4, "Heel fijn geholpen. Dank u wel!"),
    (4, 2, "De uitleg was goed, maar het apparaat blijft lastig."),
    (3, 3, ""),
    (5, 5, ""),
]


def satisfaction_ensure(organisation: CareOrganisation) -> None:
    """Answers to the satisfaction questions for most solved questions; the last stays open to try."""
    with tenant_context(organisation):
        solved = list(Ticket.objects.filter(status__in=(Status.RESOLVED, Status.CLOSED)).order_by("number"))
        for ticket, (help_score, technology_score, comment) in zip(solved[:-1], SURVEY_ANSWERS, strict=False):
            if SurveyAnswer.objects.filter(ticket=ticket).exists():
                continue
            survey_answer_save(
                ticket=ticket,
                actor=ticket.requester,
                help_score=help_score,
                technology_score=technology_score,
                comment=comment,
            )
