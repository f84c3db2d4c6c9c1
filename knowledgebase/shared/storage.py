"""The shared store for pictures of shared instructions and courses.

Every organisation reads these pictures, so they live in one folder of their own under
MEDIA_ROOT instead of a schema's folder; they are served by permission-checked views only.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property

SHARED_FOLDER = "shared"


class SharedStorage(FileSystemStorage):
    @cached_property
    def base_location(self) -> str:
        return os.path.join(str(settings.MEDIA_ROOT), SHARED_FOLDER)


def shared_storage() -> FileSystemStorage:
    return SharedStorage()
