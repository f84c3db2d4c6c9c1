"""Forms for asking, the queue, the question page and duty, by the work they serve."""

from tickets.forms.asking import (
    AskContactForm,
    AskForWhomForm,
    AskProductForm,
    AskQuestionForm,
    IntakeForm,
    OpenQuestionForm,
    PhotoForm,
    RequesterReplyForm,
)
from tickets.forms.common import (
    MESSAGE_MAX_LENGTH,
    query_id,
)
from tickets.forms.duty import (
    MAX_DUTY_HOURS,
    MAX_PLAN_AHEAD_DAYS,
    ClockTimeField,
    DayField,
    DutyPlanForm,
    DutyStartForm,
)
from tickets.forms.work import (
    ESCALATION_REASON_WORDS,
    CallForm,
    CloseForm,
    EscalateForm,
    HandBackForm,
    NoteForm,
    NotificationForm,
    ProductTopicForm,
    QueueFilterForm,
    ReplyForm,
    ResolveForm,
    SavedReplyForm,
)

__all__ = [
    "ESCALATION_REASON_WORDS",
    "MAX_DUTY_HOURS",
    "MAX_PLAN_AHEAD_DAYS",
    "MESSAGE_MAX_LENGTH",
    "AskContactForm",
    "AskForWhomForm",
    "AskProductForm",
    "AskQuestionForm",
    "CallForm",
    "ClockTimeField",
    "CloseForm",
    "DayField",
    "DutyPlanForm",
    "DutyStartForm",
    "EscalateForm",
    "HandBackForm",
    "IntakeForm",
    "NoteForm",
    "NotificationForm",
    "OpenQuestionForm",
    "PhotoForm",
    "ProductTopicForm",
    "QueueFilterForm",
    "ReplyForm",
    "RequesterReplyForm",
    "ResolveForm",
    "SavedReplyForm",
    "query_id",
]
