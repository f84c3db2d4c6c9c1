"""Writes about questions: asking, taking, answering, notes, escalation, duty and every status change.

Each function takes the acting person as `actor=`, runs in one transaction, writes a line of
history (`TicketEvent`) for every change and a row in the organisation's audit log. Services that
change an existing question lock its row first and return the fresh, changed question. The
modules follow the aggregates: `questions` (a question and its status), `messages` (its
conversation and photos), `escalation` (the professionals), `duty` and `preferences`.
"""

from tickets.errors import (
    DutyOverlap,
    InvalidTransition,
    NotTheAsker,
    ResolveRefused,
    TicketAlreadyClaimed,
    TicketCapReached,
    TicketClosed,
    TicketError,
    TicketWithProfessionals,
)
from tickets.services.duty import (
    duty_plan,
    duty_remove,
    duty_start,
    duty_stop,
)
from tickets.services.escalation import (
    ticket_escalate,
    ticket_hand_back,
    ticket_mark_worry,
    ticket_take_over,
    tickets_escalate_waiting,
)
from tickets.services.messages import (
    attachment_add,
    call_record,
    note_add,
    reply_post,
    reply_send,
)
from tickets.services.preferences import (
    notification_preference_set,
    saved_reply_create,
    saved_reply_delete,
)
from tickets.services.privacy import (
    person_anonymise_in_tickets,
    ticket_anonymise,
    tickets_anonymise_old,
)
from tickets.services.questions import (
    ticket_change_product,
    ticket_change_topic,
    ticket_claim,
    ticket_close,
    ticket_create,
    ticket_follow_link_send,
    ticket_mark_read,
    ticket_record_view,
    ticket_release,
    ticket_reopen,
    ticket_requester_needs_help,
    ticket_requester_solved,
    ticket_resolve,
    ticket_set_waiting,
    tickets_close_unanswered_resolved,
)

__all__ = [
    "DutyOverlap",
    "InvalidTransition",
    "NotTheAsker",
    "ResolveRefused",
    "TicketAlreadyClaimed",
    "TicketCapReached",
    "TicketClosed",
    "TicketError",
    "TicketWithProfessionals",
    "attachment_add",
    "call_record",
    "duty_plan",
    "duty_remove",
    "duty_start",
    "duty_stop",
    "note_add",
    "notification_preference_set",
    "person_anonymise_in_tickets",
    "reply_post",
    "reply_send",
    "saved_reply_create",
    "saved_reply_delete",
    "ticket_anonymise",
    "ticket_change_product",
    "ticket_change_topic",
    "ticket_claim",
    "ticket_close",
    "ticket_create",
    "ticket_escalate",
    "ticket_follow_link_send",
    "ticket_hand_back",
    "ticket_mark_read",
    "ticket_mark_worry",
    "ticket_record_view",
    "ticket_release",
    "ticket_reopen",
    "ticket_requester_needs_help",
    "ticket_requester_solved",
    "ticket_resolve",
    "ticket_set_waiting",
    "ticket_take_over",
    "tickets_anonymise_old",
    "tickets_close_unanswered_resolved",
    "tickets_escalate_waiting",
]
