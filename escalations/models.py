"""The cross-tenant escalation index, in the public schema.

One row per escalated, open question of any care organisation, so the professionals' queue is
one indexed query instead of a visit to every schema. The ticket services write it in the same
transaction as the question (architecture.md); `escalation_index_reconcile` repairs drift. It
holds what the queue needs and nothing about who asked: no names, no contact details, no text.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Urgent questions sort before normal ones; a number sorts in the index, a label would not.
PRIORITY_RANK = {"urgent": 0, "normal": 1}


class EscalationEntry(models.Model):
    organisation = models.ForeignKey("tenants.CareOrganisation", on_delete=models.CASCADE, related_name="escalations")
    ticket_id = models.PositiveBigIntegerField()
    number = models.PositiveIntegerField()
    reference = models.CharField(max_length=20)
    subject = models.CharField(max_length=200)
    product = models.ForeignKey("tenants.Product", on_delete=models.PROTECT, related_name="+")
    priority = models.CharField(max_length=10)
    priority_rank = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=30)
    reason = models.CharField(max_length=30, blank=True)
    is_worry = models.BooleanField(default=False)
    asked_at = models.DateTimeField()
    escalated_at = models.DateTimeField()
    # The professional who took it over: their public account, and their name for the list.
    taken_by_id = models.PositiveBigIntegerField(null=True, blank=True)
    taken_by_name = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("escalated question")
        verbose_name_plural = _("escalated questions")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "ticket_id"], name="escalation_once_per_ticket"),
        ]
        indexes = [
            # The queue's order: urgent first, then longest waiting; id breaks ties for paging.
            models.Index(fields=["priority_rank", "escalated_at", "id"], name="escalation_queue_order"),
            models.Index(fields=["organisation", "priority_rank", "escalated_at", "id"], name="escalation_org_order"),
            models.Index(fields=["product", "priority_rank", "escalated_at", "id"], name="escalation_product_order"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.status})"

    @property
    def is_urgent(self) -> bool:
        return self.priority_rank == PRIORITY_RANK["urgent"]


class AdviceRequest(models.Model):
    """One row per active "ask a professional" exchange of any care organisation.

    Written by the support services in the same transaction as the exchange, so professionals
    find every request in one list. Like the escalation index it holds no names and no text:
    the exchange itself stays in the organisation's schema.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waits for a professional")
        ANSWERED = "answered", _("Answered")

    organisation = models.ForeignKey(
        "tenants.CareOrganisation", on_delete=models.CASCADE, related_name="advice_requests"
    )
    thread_id = models.PositiveBigIntegerField()
    ticket_id = models.PositiveBigIntegerField()
    number = models.PositiveIntegerField()
    reference = models.CharField(max_length=20)
    product = models.ForeignKey("tenants.Product", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    asked_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("request for advice")
        verbose_name_plural = _("requests for advice")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "thread_id"], name="advice_request_once_per_thread"),
        ]
        indexes = [
            # The portal's list: one status, longest waiting first; id breaks ties for paging.
            models.Index(fields=["status", "asked_at", "id"], name="advice_request_order"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.status})"


class AlertPreference(models.Model):
    """How a professional hears of waiting work that is not urgent: at once, or in one e-mail a
    day. Urgent questions and worries about safety always come at once, whatever they chose."""

    class Rest(models.TextChoices):
        IMMEDIATELY = "immediately", _("At once: one e-mail per question or request for advice")
        DIGEST = "digest", _("Once a day at 8:00: one e-mail with everything that waits")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rest = models.CharField(
        _("E-mail about questions that are not urgent"), max_length=20, choices=Rest.choices, default=Rest.IMMEDIATELY
    )

    def __str__(self) -> str:
        return f"{self.user_id}: {self.rest}"
