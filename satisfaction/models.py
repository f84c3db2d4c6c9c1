"""How satisfied a requester is with the help and with the technology, once per question."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import Status, Tier

COMMENT_MAX_LENGTH = 1000
# Days after the first answer during which the requester may still change it.
SURVEY_CHANGE_DAYS = 7
# A question can be rated once it is solved or closed.
ANSWERABLE_STATUSES = (Status.RESOLVED, Status.CLOSED)


class Score(models.IntegerChoices):
    """A five-point scale, shown with a face and words; 1 is the unhappiest."""

    VERY_UNHAPPY = 1, _("Very unhappy")
    UNHAPPY = 2, _("Unhappy")
    NEUTRAL = 3, _("Neutral")
    HAPPY = 4, _("Happy")
    VERY_HAPPY = 5, _("Very happy")


class SurveyAnswer(models.Model):
    """The requester's one answer about a solved question.

    Product and tier are copied from the question when it is answered, so reports count the
    answer under the product and the helpers (volunteers or professionals) it was about, even if
    the question changes later.
    """

    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("question"), on_delete=models.CASCADE, related_name="survey_answer"
    )
    help_score = models.PositiveSmallIntegerField(_("satisfaction with the help"), choices=Score.choices)
    technology_score = models.PositiveSmallIntegerField(_("satisfaction with the technology"), choices=Score.choices)
    comment = models.CharField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    product = models.ForeignKey(
        "tenants.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    tier = models.CharField(_("helped by"), max_length=20, choices=Tier.choices)
    answered_at = models.DateTimeField(_("answered at"))
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["-answered_at", "pk"]
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")
        indexes = [
            # Reports count answers per month, then per product and tier: the index alone answers.
            models.Index(
                fields=["answered_at"],
                name="survey_answered_at",
                include=["product", "tier", "help_score", "technology_score"],
            ),
            models.Index(fields=["product", "answered_at"], name="survey_product_answered"),
            models.Index(fields=["tier", "answered_at"], name="survey_tier_answered"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(help_score__gte=1, help_score__lte=5), name="survey_help_score_1_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(technology_score__gte=1, technology_score__lte=5),
                name="survey_technology_score_1_to_5",
            ),
            models.CheckConstraint(condition=models.Q(tier__in=Tier.values), name="survey_tier_known"),
            models.CheckConstraint(
                condition=models.Q(changed_at__gte=models.F("answered_at")), name="survey_changed_after_answered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: help {self.help_score}, technology {self.technology_score}"

    @property
    def change_deadline(self) -> datetime:
        """Until when the answer may be changed."""
        return self.answered_at + timedelta(days=SURVEY_CHANGE_DAYS)

    @property
    def help_label(self) -> str:
        return str(Score(self.help_score).label)

    @property
    def technology_label(self) -> str:
        return str(Score(self.technology_score).label)


class SurveyInvitation(models.Model):
    """The e-mail that asked for an answer, one per solving of a question, so it is never sent twice."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    resolved_at = models.DateTimeField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "resolved_at"], name="survey_invitation_once_per_resolution")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} solved {self.resolved_at:%Y-%m-%d %H:%M}"
