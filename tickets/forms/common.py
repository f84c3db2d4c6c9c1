"""What the forms of questions share. They validate; services do the work."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


MESSAGE_MAX_LENGTH = 5000
