"""Shared instructions and courses, written by the operator's professionals, in the public schema.

Every organisation that supports an instruction's product reads it (through the search path,
like the escalation index). Nothing here is about a person of an organisation.
"""

from __future__ import annotations

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
from knowledgebase.shared.storage import shared_storage


class SharedPicture(PictureBase):
    file = models.FileField(upload_to="pictures/", storage=shared_storage)


class SharedInstruction(InstructionBase):
    published_revision = models.ForeignKey(
        "SharedRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(InstructionBase.Meta):
        indexes = instruction_indexes("shared_instr")
        verbose_name = _("shared instruction")
        verbose_name_plural = _("shared instructions")


class SharedRevision(RevisionBase):
    instruction = models.ForeignKey(SharedInstruction, on_delete=models.CASCADE, related_name="revisions")

    class Meta(RevisionBase.Meta):
        constraints = [
            models.UniqueConstraint(fields=["instruction", "number"], name="shared_revision_number"),
        ]


class SharedStep(StepBase):
    revision = models.ForeignKey(SharedRevision, on_delete=models.CASCADE, related_name="steps")
    picture = models.ForeignKey(SharedPicture, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta(StepBase.Meta):
        pass


class Course(CourseBase):
    pass


class Lesson(LessonBase):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")

    class Meta(LessonBase.Meta):
        constraints = [models.UniqueConstraint(fields=["course", "position"], name="lesson_position")]


class LessonStep(models.Model):
    """A step of a lesson: its own words, or a step of a shared instruction reused as it is."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    picture = models.ForeignKey(SharedPicture, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    alt = models.CharField(max_length=200, blank=True)
    reuses = models.ForeignKey(SharedStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["position"]

    @property
    def shown_text(self) -> str:
        return self.reuses.text if self.reuses_id else self.text

    @property
    def shown_picture(self) -> SharedPicture | None:
        return self.reuses.picture if self.reuses_id else self.picture

    @property
    def shown_alt(self) -> str:
        return self.reuses.alt if self.reuses_id else self.alt
