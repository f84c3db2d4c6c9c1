"""The two homes of an instruction and of a course: an organisation's own (its schema) and shared (public).

Services and selectors take a `Store` so one piece of code writes and reads both.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from knowledgebase.models import Instruction, InstructionRevision, OwnCourse, OwnLesson, Picture, Source, Step
from knowledgebase.shared.models import Course, Lesson, SharedInstruction, SharedPicture, SharedRevision, SharedStep


@dataclass(frozen=True)
class Store:
    source: str
    instruction: type[models.Model]
    revision: type[models.Model]
    step: type[models.Model]
    picture: type[models.Model]

    @property
    def table(self) -> str:
        return self.instruction._meta.db_table


OWN = Store(Source.OWN.value, Instruction, InstructionRevision, Step, Picture)
SHARED = Store(Source.SHARED.value, SharedInstruction, SharedRevision, SharedStep, SharedPicture)
STORES = {OWN.source: OWN, SHARED.source: SHARED}


def store_of(instruction: models.Model) -> Store:
    return SHARED if isinstance(instruction, SharedInstruction) else OWN


@dataclass(frozen=True)
class CourseStore:
    source: str
    course: type[models.Model]
    lesson: type[models.Model]


OWN_COURSES = CourseStore(Source.OWN.value, OwnCourse, OwnLesson)
SHARED_COURSES = CourseStore(Source.SHARED.value, Course, Lesson)
COURSE_STORES = {OWN_COURSES.source: OWN_COURSES, SHARED_COURSES.source: SHARED_COURSES}


def course_store_of(course: models.Model) -> CourseStore:
    return SHARED_COURSES if isinstance(course, Course) else OWN_COURSES
