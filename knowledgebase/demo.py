"""Demo content: shared instructions for each demo product, with simple drawn pictures, and one course.

Called by the demo loader once the products exist. Running it again changes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.db import transaction
from django_tenants.utils import schema_context
from PIL import Image, ImageDraw

from knowledgebase import services
from knowledgebase.services import StepInput
from knowledgebase.shared.models import Course, Lesson, LessonStep, SharedInstruction, SharedRevision
from knowledgebase.stores import SHARED
from tenants.models import Product
from tickets.uploads import CleanPhoto

# Which part of the drawing to point at: (x, y) of the highlighted spot on a 480 x 320 picture.
SPOTS = {
    "power": (440, 60),
    "volume": (440, 140),
    "screen": (240, 160),
    "plug": (240, 300),
    "wifi": (150, 90),
    "call": (330, 230),
    "button": (240, 160),
}

# (product slug, title, what you need, [(step text, picture spot or "", description)])
INSTRUCTIONS = [
    (
        "beeldbel-tablet",
        "Hoe zet ik het geluid harder?",
        "De tablet.",
        [
            ("Zoek de knoppen aan de rechterkant.", "volume", "Een tablet. De knoppen rechts zijn omcirkeld."),
            ("Druk op de bovenste knop. Het geluid wordt harder.", "volume", "De bovenste knop is omcirkeld."),
            ("Is het hard genoeg? Laat de knop los.", "", ""),
        ],
    ),
    (
        "beeldbel-tablet",
        "De tablet laadt niet op",
        "De tablet, de oplader en een stopcontact.",
        [
            ("Steek de stekker in het stopcontact.", "", ""),
            (
                "Steek het kleine eind in de tablet. Onderaan, in het midden.",
                "plug",
                "De aansluiting onderaan de tablet is omcirkeld.",
            ),
            (
                "Wacht tien minuten. Ziet u een bliksem op het scherm? Dan laadt hij.",
                "screen",
                "Het scherm van de tablet is omcirkeld.",
            ),
        ],
    ),
    (
        "beeldbel-tablet",
        "De tablet gaat niet aan",
        "De tablet.",
        [
            ("Houd de knop bovenaan rechts drie tellen vast.", "power", "De aan-knop bovenaan rechts is omcirkeld."),
            ("Blijft het scherm zwart? Laad de tablet eerst een uur op.", "", ""),
        ],
    ),
    (
        "beeldbel-tablet",
        "Verbinden met wifi",
        "Het wifi-wachtwoord. Het staat vaak op het wifi-kastje.",
        [
            ("Druk op het tandwiel op het scherm.", "wifi", "Het tandwiel linksboven op het scherm is omcirkeld."),
            ("Druk op Wifi. Kies de naam van uw wifi.", "", ""),
            ("Typ het wachtwoord. Druk op Verbinden.", "", ""),
        ],
    ),
    (
        "beeldbel-tablet",
        "Iemand beeldbellen",
        "De tablet, met wifi.",
        [
            ("Druk op de foto van wie u wilt bellen.", "call", "Een foto op het scherm is omcirkeld."),
            ("Druk op de groene knop. Wacht tot de ander opneemt.", "call", "De groene knop is omcirkeld."),
        ],
    ),
    (
        "persoonlijk-alarm",
        "De alarmknop testen",
        "De alarmknop om uw pols of hals.",
        [
            ("Druk één keer stevig op de knop.", "button", "De ronde knop in het midden is omcirkeld."),
            ("U hoort een stem. Zeg dat het een test is.", "", ""),
        ],
    ),
    (
        "persoonlijk-alarm",
        "Het alarm gaat vanzelf af",
        "De alarmknop.",
        [
            ("Kijk of de knop klem zit onder kleding of een deken.", "button", "De knop is omcirkeld."),
            ("Gebeurt het vaker? Stel een vraag. Wij helpen u.", "", ""),
        ],
    ),
    (
        "medicijndispenser",
        "De dispenser piept",
        "De medicijndispenser.",
        [
            ("Kijk op het scherm. Staat er een bakje klaar?", "screen", "Het scherm van de dispenser is omcirkeld."),
            ("Pak de pillen uit het bakje. Het piepen stopt.", "", ""),
        ],
    ),
    (
        "dagplanner-app",
        "Wat doe ik vandaag?",
        "De dagplanner-app op uw tablet of telefoon.",
        [
            ("Open de app met het plaatje van een kalender.", "screen", "Het plaatje van de app is omcirkeld."),
            ("Bovenaan staat wat nu gebeurt. Veeg omlaag voor later.", "", ""),
        ],
    ),
    (
        "slimme-sensoren",
        "Een sensor geeft geen signaal",
        "De sensor en een nieuwe batterij.",
        [
            ("Kijk of het lampje van de sensor knippert.", "button", "Het lampje van de sensor is omcirkeld."),
            ("Knippert het niet? Vervang de batterij.", "", ""),
        ],
    ),
]

COURSE = {
    "slug": "tablet-eerste-stappen",
    "title": "Uw tablet: de eerste stappen",
    "summary": "Vijf korte lessen: aan en uit, het scherm, volume, wifi en bellen.",
    "product": "beeldbel-tablet",
    "lessons": [
        ("Aan en uit", "De tablet gaat niet aan", [("Uit zetten: houd dezelfde knop vast. Kies Uitzetten.", "")]),
        (
            "Het scherm",
            None,
            [("Tik zacht met één vinger op het scherm.", "screen"), ("Veeg met één vinger om te bladeren.", "")],
        ),
        ("Het geluid", "Hoe zet ik het geluid harder?", []),
        ("Wifi", "Verbinden met wifi", []),
        ("Bellen", "Iemand beeldbellen", []),
    ],
}


def picture(spot: str) -> CleanPhoto:
    """A plain drawing of a tablet-like device with one spot circled, for the demo only."""
    image = Image.new("RGB", (480, 320), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((40, 20, 420, 300), radius=28, fill="#2b2b2b")
    draw.rounded_rectangle((64, 44, 396, 276), radius=8, fill="#dbe8f5")
    draw.rectangle((424, 50, 436, 70), fill="#555555")  # power
    draw.rectangle((424, 120, 436, 160), fill="#555555")  # volume
    draw.ellipse((134, 74, 166, 106), outline="#1d5a8c", width=5)  # settings wheel
    draw.rounded_rectangle((290, 200, 370, 250), radius=10, fill="#00703c")  # call
    x, y = SPOTS.get(spot, SPOTS["button"])
    draw.ellipse((x - 36, y - 36, x + 36, y + 36), outline="#d4351c", width=8)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return CleanPhoto(content=output.getvalue(), content_type="image/png", extension="png", original_name=f"{spot}.png")


@transaction.atomic
def instructions_ensure() -> None:
    """Shared instructions for the demo products, published, in the public schema."""
    with schema_context("public"):
        products = {product.slug: product for product in Product.objects.all()}
        drawn: dict[str, int] = {}  # one stored picture per spot, shared by the steps that show it

        def picture_for(spot: str) -> int | None:
            if spot and spot not in drawn:
                drawn[spot] = services.picture_save(store=SHARED, photo=picture(spot)).pk
            return drawn.get(spot)

        for slug, title, needs, steps in INSTRUCTIONS:
            if slug not in products or SharedInstruction.objects.filter(title=title, product=products[slug]).exists():
                continue
            inputs = [StepInput(text=text, alt=alt, picture_id=picture_for(spot)) for text, spot, alt in steps]
            instruction = services.instruction_create(
                store=SHARED, actor=None, product=products[slug], title=title, needs=needs, steps=inputs
            )
            services.instruction_publish(actor=None, instruction=instruction)
        course_ensure(products, picture_for)


def course_ensure(products: dict[str, Product], picture_for: Callable[[str], int | None]) -> None:
    if Course.objects.filter(slug=COURSE["slug"]).exists():
        return
    course = Course.objects.create(
        slug=COURSE["slug"],
        title=COURSE["title"],
        summary=COURSE["summary"],
        product=products.get(COURSE["product"]),
        is_published=True,
    )
    for position, (title, reused, own_steps) in enumerate(COURSE["lessons"], start=1):
        lesson = Lesson.objects.create(course=course, position=position, title=title)
        number = 0
        if reused:
            revision = SharedRevision.objects.filter(instruction__title=reused, status="published").first()
            for step in revision.steps.all() if revision else []:
                number += 1
                LessonStep.objects.create(lesson=lesson, position=number, reuses=step)
        for text, spot in own_steps:
            number += 1
            drawn = services.picture_save(store=SHARED, photo=picture(spot)) if spot else None
            LessonStep.objects.create(
                lesson=lesson,
                position=number,
                text=text,
                picture=drawn,
                alt="Het scherm is omcirkeld." if drawn else "",
            )


def load() -> None:
    instructions_ensure()
