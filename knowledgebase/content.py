"""What an instruction is made of, whoever writes it.

Shared instructions (knowledgebase.shared, public schema) and an organisation's own instructions
(knowledgebase, its schema) have the same shape: an instruction about one product, revisions of
it (who changed what, when; drafts, review, published), and numbered steps with a picture and
its description. These abstract models hold that shape once; each app adds its foreign keys.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

STEP_MAX_CHARS = 400


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Replaced by a newer version")
    REPLACED = "replaced", _("Earlier draft")


OPEN_STATUSES = (RevisionStatus.DRAFT, RevisionStatus.REVIEW)


class PictureBase(models.Model):
    """A checked picture (tickets.uploads cleans it), shown beside a step."""

    content_type = models.CharField(max_length=40)
    original_name = models.CharField(max_length=150, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class InstructionBase(models.Model):
    """An instruction. `title` and the search columns describe the published version only."""

    product = models.ForeignKey(
        "tenants.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)
    # The word trigrams of the title and "what you need", one lexeme each (knowledgebase.text).
    trigram_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


def instruction_indexes(prefix: str) -> list[models.Index]:
    """Full text, trigrams, and the list by product; index names stay within 30 characters."""
    return [
        GinIndex(fields=["search_vector"], name=f"{prefix}_fts"),
        GinIndex(fields=["trigram_vector"], name=f"{prefix}_tri"),
        models.Index(fields=["product", "title"], name=f"{prefix}_list"),
    ]


class RevisionBase(models.Model):
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT)
    title = models.CharField(
        _("the question people ask"), max_length=200, help_text=_("For example: How do I make the sound louder?")
    )
    needs = models.CharField(
        _("what you need"), max_length=300, blank=True, help_text=_("For example: the tablet and its charger.")
    )
    change_summary = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by_name = models.CharField(max_length=150, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True)

    class Meta:
        abstract = True
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.title} ({self.number})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_draft(self) -> bool:
        return self.status == RevisionStatus.DRAFT

    @property
    def in_review(self) -> bool:
        return self.status == RevisionStatus.REVIEW

    @property
    def was_approved(self) -> bool:
        return self.status in (RevisionStatus.PUBLISHED, RevisionStatus.RETIRED)


class StepBase(models.Model):
    position = models.PositiveSmallIntegerField()
    text = models.TextField(_("what to do"), max_length=STEP_MAX_CHARS)
    alt = models.CharField(_("what the picture shows"), max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ["position"]


class CourseBase(models.Model):
    """A series of lessons for a device skill, e.g. "Uw tablet: de eerste stappen".

    A draft until it is published; the lessons are instructions, which have their own review.
    """

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("what you learn"), max_length=300, blank=True)
    product = models.ForeignKey(
        "tenants.Product", verbose_name=_("product"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_published = models.BooleanField(default=False)
    in_review = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(max_length=150, blank=True)
    reviewed_by_name = models.CharField(max_length=150, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class LessonBase(models.Model):
    """A lesson: its own steps (LessonStep, shared courses), or the steps of one instruction it links."""

    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=200)
    # The linked instruction, as in the counts: its home ("own" or "shared") and its id.
    source = models.CharField(max_length=10, blank=True)
    instruction_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["course", "position"]

    def __str__(self) -> str:
        return self.title
