"""An organisation's own instructions, what readers say about them, and course progress.

All of it lives in the organisation's schema. The counts (views, "did this help", suggestions
shown while asking) hold no person: a product, an instruction, a month and a number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from knowledgebase.content import (
    CourseBase,
    InstructionBase,
    LessonBase,
    PictureBase,
    RevisionBase,
    StepBase,
    instruction_indexes,
)

# A tenant row that points at a shared (public) row: the public side never deletes these rows
# (they are unpublished instead), and a delete there must not look for tenant tables.
ACROSS_SCHEMAS = {"on_delete": models.DO_NOTHING, "db_constraint": False}


class Source(models.TextChoices):
    OWN = "own", _("This organisation")
    SHARED = "shared", _("The helpdesk")


class Picture(PictureBase):
    # The tenant file storage keeps this in the organisation's own folder.
    file = models.FileField(upload_to="instruction-pictures/")


class Instruction(InstructionBase):
    published_revision = models.ForeignKey(
        "InstructionRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # An adaptation of a shared instruction replaces it for this organisation's readers.
    adapts = models.ForeignKey(
        "knowledgebase_shared.SharedInstruction", null=True, blank=True, related_name="+", **ACROSS_SCHEMAS
    )
    # The solved question it was made from ("Maak hier een uitleg van"), if any.
    from_ticket_number = models.PositiveIntegerField(null=True, blank=True)

    class Meta(InstructionBase.Meta):
        indexes = instruction_indexes("own_instr")
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")


class InstructionRevision(RevisionBase):
    instruction = models.ForeignKey(Instruction, on_delete=models.CASCADE, related_name="revisions")

    class Meta(RevisionBase.Meta):
        constraints = [
            models.UniqueConstraint(fields=["instruction", "number"], name="instruction_revision_number"),
        ]


class Step(StepBase):
    revision = models.ForeignKey(InstructionRevision, on_delete=models.CASCADE, related_name="steps")
    picture = models.ForeignKey(Picture, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta(StepBase.Meta):
        pass


class HiddenShared(models.Model):
    """A shared instruction this organisation does not show its readers."""

    shared = models.OneToOneField("knowledgebase_shared.SharedInstruction", related_name="+", **ACROSS_SCHEMAS)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    hidden_at = models.DateTimeField(auto_now_add=True)


# --- Counts: no personal data -----------------------------------------------------------------------


class Outcome(models.TextChoices):
    OPEN = "", _("Not finished")
    SOLVED = "solved", _("An instruction solved it")
    ASKED = "asked", _("Asked a question anyway")


class AskFlow(models.Model):
    """One time someone started asking and was shown instructions. Known only by a random token."""

    token = models.CharField(max_length=32, unique=True)
    product = models.ForeignKey("tenants.Product", null=True, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True, default=Outcome.OPEN)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["month", "product"], name="askflow_month")]


class FlowSuggestion(models.Model):
    flow = models.ForeignKey(AskFlow, on_delete=models.CASCADE, related_name="suggestions")
    source = models.CharField(max_length=10, choices=Source.choices)
    instruction_id = models.PositiveBigIntegerField()
    opened = models.BooleanField(default=False)
    solved = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["flow", "source", "instruction_id"], name="suggestion_once_per_flow"),
        ]


class Reason(models.TextChoices):
    UNCLEAR = "unclear", _("It is not clear")
    OTHER_DEVICE = "device", _("It does not match my device")
    PICTURES = "pictures", _("The pictures do not help")
    OTHER = "other", _("Something else")


class Feedback(models.Model):
    """One answer to "Heeft dit geholpen?"."""

    source = models.CharField(max_length=10, choices=Source.choices)
    instruction_id = models.PositiveBigIntegerField()
    product = models.ForeignKey("tenants.Product", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    helped = models.BooleanField()
    reason = models.CharField(max_length=10, choices=Reason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["month", "product"], name="feedback_month")]


class ViewCount(models.Model):
    source = models.CharField(max_length=10, choices=Source.choices)
    instruction_id = models.PositiveBigIntegerField()
    product = models.ForeignKey("tenants.Product", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "instruction_id", "month"], name="view_count_once"),
        ]


# --- Courses of this organisation, and who did which lesson --------------------------------------------


class OwnCourse(CourseBase):
    """A course written here, for this organisation's readers only (shared ones: knowledgebase.shared)."""


class OwnLesson(LessonBase):
    course = models.ForeignKey(OwnCourse, on_delete=models.CASCADE, related_name="lessons")

    class Meta(LessonBase.Meta):
        constraints = [models.UniqueConstraint(fields=["course", "position"], name="own_lesson_position")]


class LessonDone(models.Model):
    """A signed-in requester did a lesson: of a shared course (`lesson`) or of an own one (`own_lesson`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey("knowledgebase_shared.Lesson", null=True, related_name="+", **ACROSS_SCHEMAS)
    own_lesson = models.ForeignKey(OwnLesson, null=True, on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lesson_done_once"),
            models.UniqueConstraint(fields=["user", "own_lesson"], name="own_lesson_done_once"),
        ]


class ProgressConsent(models.Model):
    """A requester allows the volunteers who help them to see which lessons they did."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    given_at = models.DateTimeField(auto_now_add=True)
