"""Questions (tickets), their conversation and their history, in a care organisation's schema."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from helpdesk.tenancy import current_organisation
from tickets.errors import InvalidTransition

# The first question of an organisation gets number FIRST_NUMBER + 1, so references look like
# AMP-1001 rather than AMP-1 and keep the same length for a long time.
FIRST_NUMBER = 1000


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("Being answered")
    WAITING = "waiting_for_requester", _("Waiting for the requester")
    RESOLVED = "resolved", _("Solved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING)

# The queue shows urgent questions and worries about safety first (0), as the professionals'
# queue does, then the rest (1); within each, the questions a volunteer can take first (0: nobody has it and it is not with the
# professionals), then the rest (1). The selector orders by this expression and the indexes
# `ticket_open_queue` and `ticket_status_queue` hold it, so they must be the same.
QUEUE_URGENT = models.Case(
    models.When(models.Q(priority="urgent") | models.Q(is_worry=True), then=models.Value(0)),
    default=models.Value(1),
    output_field=models.IntegerField(),
)
QUEUE_TAKEN = models.Case(
    models.When(assignee__isnull=True, tier="volunteer", then=models.Value(0)),
    default=models.Value(1),
    output_field=models.IntegerField(),
)

# From each status, the statuses it may change to.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CLOSED}),
    Status.IN_PROGRESS: frozenset({Status.NEW, Status.WAITING, Status.RESOLVED, Status.CLOSED}),
    Status.WAITING: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED}),
    Status.RESOLVED: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
}


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    EMAIL = "email", _("E-mail")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class ContactMethod(models.TextChoices):
    CALL_BACK = "call_back", _("We call you back")
    EMAIL = "email", _("By e-mail")
    WEBSITE = "website", _("An answer on the website")


class OnBehalfRelation(models.TextChoices):
    NONE = "", _("For myself")
    INFORMAL_CARER = "informal_carer", _("Informal carer")
    CARE_STAFF = "care_staff", _("Care staff")


class BottleneckCause(models.TextChoices):
    EXPLANATION = "explanation", _("Needs explanation or training")
    PRODUCT_FAULT = "product_fault", _("Fault in the product")
    DEVICE_INTERNET = "device_internet", _("Device or internet")
    ACCOUNT = "account", _("Account or sign-in")
    WISH = "wish", _("Wish or idea")
    OTHER = "other", _("Other")


class CloseReason(models.TextChoices):
    """Why a helper closed a question that was not solved; the reports count these."""

    DUPLICATE = "duplicate", _("The same question was asked twice")
    SPAM = "spam", _("Not a real question (spam)")
    NO_REACTION = "no_reaction", _("The person who asked did not react")
    OTHER = "other", _("Another reason")


class Tier(models.TextChoices):
    """Who works the question: the organisation's volunteers, or the operator's professionals."""

    VOLUNTEER = "volunteer", _("Volunteers")
    PROFESSIONAL = "professional", _("Professionals")


class EscalationReason(models.TextChoices):
    # Chosen by a volunteer.
    TOO_DIFFICULT = "too_difficult", _("Too difficult")
    NEEDS_SUPPLIER = "needs_supplier", _("Needs the supplier")
    SAFETY_WORRY = "safety_worry", _("Urgent, or a worry about the client's safety")
    TOO_MUCH_NOW = "too_much_now", _("More than I can handle now")
    # Recorded by the automatic escalation.
    WAITED_TOO_LONG = "waited_too_long", _("Nobody took it in time")
    NOBODY_ON_DUTY = "nobody_on_duty", _("No volunteer on duty")
    # A worry the requester chose when asking.
    REQUESTER_WORRY = "requester_worry", _("The requester is worried about safety")


VOLUNTEER_ESCALATION_REASONS = (
    EscalationReason.TOO_DIFFICULT,
    EscalationReason.NEEDS_SUPPLIER,
    EscalationReason.SAFETY_WORRY,
    EscalationReason.TOO_MUCH_NOW,
)


# A question has a row in the public escalation index exactly while the professionals work it and
# it is open; `Ticket.belongs_in_escalation_index` says the same of one question.
IN_ESCALATION_INDEX = models.Q(tier=Tier.PROFESSIONAL, status__in=OPEN_STATUSES, escalated_at__isnull=False)


class ReferenceCounter(models.Model):
    """One row per schema: the last reference number given out in this organisation.

    Taken with an atomic upsert (see `next_number`), so two questions filed at the same moment
    never share a number, and numbers only go up.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_number = models.PositiveIntegerField(default=FIRST_NUMBER)

    def __str__(self) -> str:
        return str(self.last_number)

    @classmethod
    def next_number(cls) -> int:
        """The next reference number. Call inside the transaction that creates the question."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (id, last_number) VALUES (1, %s) "
                f"ON CONFLICT (id) DO UPDATE SET last_number = {table}.last_number + 1 "
                "RETURNING last_number",
                [FIRST_NUMBER + 1],
            )
            return int(cursor.fetchone()[0])


class Ticket(models.Model):
    number = models.PositiveIntegerField(_("number"), unique=True, editable=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets_asked",
    )
    contact_name = models.CharField(_("name"), max_length=150)
    contact_email = models.EmailField(_("e-mail address"), blank=True)
    contact_phone = models.CharField(_("phone number"), max_length=30, blank=True)
    contact_method = models.CharField(
        _("how we reach you"), max_length=20, choices=ContactMethod.choices, default=ContactMethod.WEBSITE
    )
    on_behalf_of_name = models.CharField(_("asked for"), max_length=150, blank=True)
    on_behalf_relation = models.CharField(
        _("relation"), max_length=20, choices=OnBehalfRelation.choices, blank=True, default=OnBehalfRelation.NONE
    )
    product = models.ForeignKey(
        "tenants.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("question"))
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("helper"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets_assigned",
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_response_at = models.DateTimeField(_("first answer at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    bottleneck_cause = models.CharField(
        _("cause"), max_length=20, choices=BottleneckCause.choices, blank=True, default=""
    )
    # The requester said "this solved it" themselves; the button is then not offered again.
    solved_by_requester = models.BooleanField(default=False)
    close_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True, default=""
    )
    tier = models.CharField(_("worked by"), max_length=20, choices=Tier.choices, default=Tier.VOLUNTEER)
    # The last escalation; it stays set after a hand-back, so automatic escalation happens once.
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalation_reason = models.CharField(
        _("reason for escalation"), max_length=30, choices=EscalationReason.choices, blank=True, default=""
    )
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_worry = models.BooleanField(_("safety worry"), default=False)
    # When the personal data left this question (retention, or a person's erasure); the figures stay.
    anonymised_at = models.DateTimeField(_("personal data removed at"), null=True, blank=True)
    search = models.GeneratedField(
        expression=SearchVector("subject", "body", config="dutch"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [
            models.Index(fields=["status", "created_at"], name="ticket_status_created"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status"),
            models.Index(fields=["product", "status"], name="ticket_product_status"),
            models.Index(fields=["requester", "created_at"], name="ticket_requester_created"),
            models.Index(fields=["created_at"], name="ticket_created"),
            GinIndex(fields=["search"], name="ticket_search"),
            # The volunteers' queue in its own order (tickets.selectors.queue_for), so a page reads
            # its 50 rows from an index instead of sorting every match: the open questions, and
            # the questions of one status.
            models.Index(
                QUEUE_URGENT,
                QUEUE_TAKEN,
                models.F("created_at"),
                models.F("id"),
                name="ticket_open_queue",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                models.F("status"),
                QUEUE_URGENT,
                QUEUE_TAKEN,
                models.F("created_at"),
                models.F("id"),
                name="ticket_status_queue",
            ),
            # Automatic escalation looks for new questions nobody took and nobody escalated yet.
            models.Index(
                fields=["created_at"],
                name="ticket_waiting_unescalated",
                condition=models.Q(status="new", assignee__isnull=True, escalated_at__isnull=True),
            ),
            # The monthly figures count questions solved in a month, so a report reads only that month.
            models.Index(fields=["resolved_at"], name="ticket_resolved", condition=models.Q(resolved_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        """The number people quote, such as AMP-1042, with this organisation's prefix."""
        organisation = current_organisation()
        return organisation.reference_for(self.number) if organisation is not None else f"Q-{self.number}"

    @property
    def audit_label(self) -> str:
        return self.reference

    @property
    def audit_subject(self) -> tuple[int | None, str]:
        """Whose data the question is, for the access log: the account that asked (if any), and
        the client by name, also when somebody asked on their behalf."""
        return self.requester_id, self.on_behalf_of_name or self.contact_name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_new(self) -> bool:
        return self.status == Status.NEW

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def is_solved_or_closed(self) -> bool:
        return self.status in (Status.RESOLVED, Status.CLOSED)

    @property
    def is_urgent(self) -> bool:
        return self.priority == Priority.URGENT

    @property
    def can_say_solved(self) -> bool:
        """Whether the requester can say "this solved it": once a helper is on it, and of a question
        a helper solved (saying it then closes it); not again once they said it themselves."""
        if self.status == Status.RESOLVED:
            return not self.solved_by_requester
        return self.status in (Status.IN_PROGRESS, Status.WAITING)

    @property
    def can_ask_again(self) -> bool:
        """Whether the requester can say "I still need help": it waits for them, or is solved or closed."""
        return self.status in (Status.WAITING, Status.RESOLVED, Status.CLOSED)

    @property
    def can_reopen(self) -> bool:
        """Whether a helper can open it again: it is solved or closed."""
        return self.is_solved_or_closed

    @property
    def asked_for_call(self) -> bool:
        """The requester asked to be called back: a helper phones them and records the call."""
        return self.contact_method == ContactMethod.CALL_BACK

    @property
    def status_label(self) -> str:
        """What `get_status_display` says, without building the choices' dict again per call
        (the queue shows fifty)."""
        return Status(self.status).label

    @property
    def is_with_professionals(self) -> bool:
        return self.tier == Tier.PROFESSIONAL

    @property
    def belongs_in_escalation_index(self) -> bool:
        """The rule of `IN_ESCALATION_INDEX`, for one question in memory."""
        return self.is_with_professionals and self.is_open and self.escalated_at is not None

    def can_change_to(self, status: str) -> bool:
        return status in ALLOWED_TRANSITIONS.get(self.status, frozenset())

    def check_transition(self, status: str) -> None:
        if not self.can_change_to(status):
            raise InvalidTransition(f"A question cannot go from {self.status} to {status}.")


class Message(models.Model):
    """A reply in the conversation, or an internal note the requester never sees."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    body = models.TextField(_("message"))
    is_internal = models.BooleanField(_("internal note"), default=False)
    from_requester = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="message_ticket_created"),
            # The monthly figures count the questions volunteers answered in a month.
            models.Index(fields=["created_at"], name="message_created"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.body[:40]}"


class TicketEvent(models.Model):
    """One line of a question's history: who changed what, from what to what, and when."""

    class Kind(models.TextChoices):
        CREATED = "created", _("asked the question")
        CLAIMED = "claimed", _("took the question")
        STATUS = "status", _("changed the status")
        REPLIED = "replied", _("answered")
        NOTE = "note", _("added an internal note")
        PRODUCT = "product", _("changed the product")
        TOPIC = "topic", _("changed the topic")
        ASSIGNEE = "assignee", _("changed the helper")
        ATTACHED = "attached", _("added a photo")
        ESCALATED = "escalated", _("passed the question to the professionals")
        TAKEN_OVER = "taken_over", _("took the question over as a professional")
        HANDED_BACK = "handed_back", _("handed the question back to the volunteers")
        WORRY = "worry", _("marked a worry about safety")
        CALLED = "called", _("phoned the requester")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "at"], name="event_ticket_at"),
            # The monthly figures count a month's escalations from the history.
            models.Index(fields=["kind", "at"], name="event_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.from_value}→{self.to_value}"

    def _label(self, value: str) -> str:
        if self.kind == self.Kind.STATUS and value in Status.values:
            return str(Status(value).label)
        if self.kind == self.Kind.ESCALATED and value in EscalationReason.values:
            return str(EscalationReason(value).label)
        if self.kind == self.Kind.CALLED:
            return str(_("reached") if value == "reached" else _("not reached"))
        return value

    @property
    def from_label(self) -> str:
        return self._label(self.from_value)

    @property
    def to_label(self) -> str:
        return self._label(self.to_value)

    @property
    def by_the_helpdesk(self) -> bool:
        """A line nobody wrote: the automatic escalation or closing, told as "the helpdesk"."""
        return self.kind in (self.Kind.ESCALATED, self.Kind.STATUS) and not self.actor_name

    @property
    def shows_change(self) -> bool:
        """Whether the history line names what it changed from and to (not for asking or answering)."""
        return self.kind in (self.Kind.STATUS, self.Kind.PRODUCT, self.Kind.TOPIC, self.Kind.ASSIGNEE)

    @property
    def shows_reason(self) -> bool:
        return self.kind in (self.Kind.ESCALATED, self.Kind.CALLED) and bool(self.to_value)


class Call(models.Model):
    """A helper phoned the requester: whether it reached them, and a short note of what was said.

    The requester's page shows the calls, the note too (the form says so). A call that did not
    reach them is tried again later; a question a requester asked to be called back about is
    solved only after a call reached them.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="calls")
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    caller_name = models.CharField(max_length=150, blank=True)
    reached = models.BooleanField(_("reached"))
    note = models.CharField(_("short note"), max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self) -> str:
        return f"{self.ticket_id} {'reached' if self.reached else 'not reached'} {self.at:%Y-%m-%d %H:%M}"


class TicketRead(models.Model):
    """When a helper last looked at a question; newer activity shows as unread in their queue."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="reads")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "ticket"], name="ticket_read_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.ticket_id} at {self.seen_at:%Y-%m-%d %H:%M}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """A random name per file, inside the organisation's own media folder (TenantFileSystemStorage)."""
    import secrets

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"questions/{instance.ticket_id}/{secrets.token_hex(16)}.{extension}"


class Attachment(models.Model):
    """A photo or screenshot added to a question. Served only through a permission-checked view."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_requester = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class NotificationPreference(models.Model):
    """How a helper wants to hear about new questions."""

    class NewQuestions(models.TextChoices):
        IMMEDIATELY = "immediately", _("Right away, one e-mail per question")
        DAILY = "daily", _("Once a day, one e-mail with all new questions")
        NEVER = "never", _("No e-mail")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    new_questions = models.CharField(
        _("E-mail about new questions"),
        max_length=20,
        choices=NewQuestions.choices,
        default=NewQuestions.IMMEDIATELY,
    )

    def __str__(self) -> str:
        return f"{self.user_id}: {self.new_questions}"


class SavedReply(models.Model):
    """A ready answer of this organisation that helpers insert into a reply and adapt."""

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")

    def __str__(self) -> str:
        return self.title


class DutyPeriod(models.Model):
    """A time a volunteer said they are on duty: answering the queue, so questions need not wait."""

    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="duty_periods"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("duty period")
        verbose_name_plural = _("duty periods")
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="duty_ends_starts")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="duty_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}: {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"
