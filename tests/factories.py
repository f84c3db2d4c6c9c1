"""Test data, built the way the product builds it."""

from __future__ import annotations

import factory
from django.db import connection, models, transaction

from demo.load import products_ensure as ensure
from helpdesk.accounts.models import Role, User
from tenants.models import CareOrganisation, Domain, Product
from tenants.services import organisation_provision
from tickets.models import Call, Message
from tickets.services import ticket_create, ticket_resolve

TEST_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    full_name = factory.Faker("name", locale="nl_NL")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    role = Role.REQUESTER
    requester_kind = "client"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def audit_rows_remove(rows: models.QuerySet) -> int:
    """Clean-up of tests with committed data only. The access log refuses deletion (its database
    trigger); the test database's superuser switches triggers off for this one transaction."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        return rows.delete()[0]


def products_ensure() -> None:

    ensure()


def organisation_ready(
    *, name: str, slug: str, prefix: str, products: tuple[str, ...] = ("beeldbel-tablet", "persoonlijk-alarm")
) -> CareOrganisation:
    """An active organisation with its schema cloned from the template, as provisioning does."""

    organisation = CareOrganisation.objects.create(
        name=name,
        slug=slug,
        schema_name=CareOrganisation.schema_for_slug(slug),
        reference_prefix=prefix,
    )
    Domain.objects.create(domain=organisation.host, tenant=organisation, is_primary=True)
    organisation.products.set(Product.objects.filter(slug__in=products))
    organisation = organisation_provision(organisation_id=organisation.pk)
    connection.set_schema_to_public()
    return organisation


def totp_device(user: User, *, confirmed: bool = True):
    """A confirmed (or not) authenticator app, with a key the test can compute codes from."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="test", confirmed=confirmed)


def totp_code(device) -> str:
    """The code the authenticator app shows right now."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def ticket_make(
    *, requester: User | None = None, actor: User | None = None, product_slug: str = "beeldbel-tablet", **fields
):
    """A question filed through the service, in the current organisation's schema."""

    fields.setdefault("subject", "De tablet doet het niet")
    fields.setdefault("body", "Als ik bel, zie ik mijn dochter niet.")
    if requester is None:
        fields.setdefault("contact_name", "Mevrouw Jansen")
    return ticket_create(
        actor=actor if actor is not None else requester,
        requester=requester,
        product=Product.objects.get(slug=product_slug),
        **fields,
    )


def ticket_solve(*, ticket, actor: User | None, cause: str = "explanation"):
    """Solves a question the way a helper does after answering it: a public answer (or, for
    someone who asked to be called back, a call that reached them) comes first unless there is
    one, then "solved"."""

    name = actor.full_name if actor is not None else ""
    answered = Message.objects.filter(ticket=ticket, is_internal=False, from_requester=False).exists()
    if ticket.asked_for_call:
        Call.objects.create(ticket=ticket, caller=actor, caller_name=name, reached=True)
    elif not answered:
        Message.objects.create(ticket=ticket, author=actor, author_name=name, body="Zet de tablet uit en weer aan.")
    return ticket_resolve(ticket=ticket, actor=actor, cause=cause)


def questions_bulk(count: int, *, first_number: int = 500_000, product_slug: str = "beeldbel-tablet") -> None:
    """`count` plain open questions in the current organisation's schema, in one INSERT: the
    volume around the question a test looks at (numbers far above the ones services hand out)."""
    from tickets.models import Ticket

    product = Product.objects.get(slug=product_slug)
    Ticket.objects.bulk_create(
        Ticket(
            number=first_number + index,
            contact_name=f"Vrager {index}",
            product=product,
            subject=f"Vraag {index}",
            body="Het werkt niet.",
        )
        for index in range(count)
    )


def conversation_fill(ticket, *, helper: User, size: int) -> None:
    """A conversation of `size` messages on `ticket` (answers, the requester's replies, internal
    notes), with as many history lines, a call and a photo per five messages: bulk INSERTs."""
    from tickets.models import Attachment, TicketEvent

    kinds = ("answer", "reply", "note")
    Message.objects.bulk_create(
        Message(
            ticket=ticket,
            author=helper if kinds[index % 3] != "reply" else None,
            author_name=helper.full_name if kinds[index % 3] != "reply" else ticket.contact_name,
            body=f"Bericht {index}",
            is_internal=kinds[index % 3] == "note",
            from_requester=kinds[index % 3] == "reply",
        )
        for index in range(size)
    )
    TicketEvent.objects.bulk_create(
        TicketEvent(ticket=ticket, actor=helper, actor_name=helper.full_name, kind=TicketEvent.Kind.NOTE)
        for _ in range(size)
    )
    Call.objects.bulk_create(
        Call(ticket=ticket, caller=helper, caller_name=helper.full_name, reached=index % 2 == 0, note="Gebeld")
        for index in range(max(size // 5, 1))
    )
    Attachment.objects.bulk_create(
        Attachment(
            ticket=ticket,
            file=f"questions/{ticket.pk}/photo{index}.jpg",
            original_name=f"foto{index}.jpg",
            content_type="image/jpeg",
            size=1000,
            uploaded_by=helper,
        )
        for index in range(max(size // 5, 1))
    )
