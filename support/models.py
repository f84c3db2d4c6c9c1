"""Support for volunteers, in a care organisation's schema.

Levels per volunteer and product: a trainee's public answers wait for approval
(`PendingReply`) by an experienced volunteer or a professional. "Ask a professional": a private
exchange (`AdviceThread`, `AdviceMessage`) between one volunteer and the professionals about a
question, while the question stays with the volunteers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    TRAINEE = "trainee", _("Trainee: answers wait for approval")
    EXPERIENCED = "experienced", _("Experienced: answers go out directly")


class VolunteerLevel(models.Model):
    """A volunteer's level for one product, or for every product (`product` empty).

    A row for the product wins over the row for every product. A volunteer without a row is
    experienced, so volunteers who were working before levels existed keep working as they did.
    """

    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="levels"
    )
    product = models.ForeignKey(
        "tenants.Product", verbose_name=_("product"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("volunteer level")
        verbose_name_plural = _("volunteer levels")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "product"],
                condition=models.Q(product__isnull=False),
                name="level_once_per_volunteer_product",
            ),
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=models.Q(product__isnull=True),
                name="level_once_per_volunteer_all_products",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.product_id or '*'}: {self.level}"


class PendingReply(models.Model):
    """A trainee's public answer that waits until a reviewer approves, edits or returns it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waits for approval")
        APPROVED = "approved", _("Approved and sent")
        RETURNED = "returned", _("Returned with a note")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="pending_replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("answer"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewer_name = models.CharField(max_length=150, blank=True)
    reviewer_note = models.TextField(_("note"), blank=True)
    # The text the requester got: the trainee's, or the reviewer's edit of it.
    sent_body = models.TextField(blank=True)
    message = models.ForeignKey("tickets.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # A returned answer that the trainee wrote again leaves their list of returned answers.
    rewritten_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("answer waiting for approval")
        verbose_name_plural = _("answers waiting for approval")
        indexes = [
            models.Index(fields=["status", "created_at"], name="pending_status_created"),
            models.Index(fields=["ticket", "status"], name="pending_ticket_status"),
            models.Index(fields=["author", "status"], name="pending_author_status"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} by {self.author_id}: {self.status}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_returned(self) -> bool:
        return self.status == self.Status.RETURNED

    @property
    def was_edited(self) -> bool:
        return self.status == self.Status.APPROVED and self.sent_body != self.body


class AdviceThread(models.Model):
    """A volunteer's private exchange with the professionals about one question.

    Only the volunteer who asked and the professionals see it; the requester never does. The
    question itself does not change: it stays with the volunteers.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waits for a professional")
        ANSWERED = "answered", _("A professional answered")
        CLOSED = "closed", _("Closed")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="advice_threads")
    volunteer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the volunteer last asked something, and when a professional last answered.
    asked_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("advice from a professional")
        verbose_name_plural = _("advice from professionals")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "volunteer"],
                condition=~models.Q(status="closed"),
                name="advice_one_active_thread_per_volunteer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} / {self.volunteer_id}: {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CLOSED


class AdviceMessage(models.Model):
    thread = models.ForeignKey(AdviceThread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    body = models.TextField(_("message"))
    from_professional = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.thread_id}: {self.body[:40]}"
