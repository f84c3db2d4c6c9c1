"""An e-mail backend for the worker in fault tests: the first message it is given hangs halfway,
so the test can kill the worker in the middle of a task. Later messages are written as files.

The test arms it by creating `hang-once` in `FAULT_CONTROL_DIR`; the backend that takes that
file away writes its process id to `hanging` and waits there, without sending.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class EmailBackend(FileBackend):
    def send_messages(self, email_messages):
        control = Path(os.environ["FAULT_CONTROL_DIR"])
        try:
            (control / "hang-once").unlink()
        except FileNotFoundError:
            return super().send_messages(email_messages)
        (control / "hanging").write_text(str(os.getpid()))
        time.sleep(300)  # killed long before this ends
        return 0
