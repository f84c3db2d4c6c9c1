"""The two homes of an instruction: an organisation's own (its schema) and shared (public).

Services and selectors take a `Store` so one piece of code writes and reads both.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from knowledgebase.models import Instruction, InstructionRevision, Picture, Source, Step
from knowledgebase.shared.models import SharedInstruction, SharedPicture, SharedRevision, SharedStep


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
