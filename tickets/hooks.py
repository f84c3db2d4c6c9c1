"""Where the apps above tickets join in (see helpdesk.hooks for how hooks work).

- `ticket_saved(ticket)`: after every change a ticket service saves, inside its transaction.
  The escalation index keeps in step through it (docs/decisions.md #9).
- `ticket_resolved(ticket, actor)`: a helper marked the question solved, inside the transaction.
  Satisfaction asks the requester for a rating through it.
- `reply_hold(ticket, actor, body)`: before a helper's public answer goes out, inside the
  transaction and with the question locked. A receiver that holds the answer back (support: a
  trainee's answer waits for approval) returns what it kept; None lets the answer go out.
- `question_facts`: rows in the summary at the top of a helper's question page, such as the
  requester's rating.
- `question_panels`: sections of a helper's question page, such as support for volunteers.
- `follow_panels`: sections of the requester's page of their question, such as the invitation
  to say how it went.
"""

from __future__ import annotations

from helpdesk.hooks import Hook, PanelSlot

ticket_saved = Hook("ticket_saved")
ticket_resolved = Hook("ticket_resolved")
reply_hold = Hook("reply_hold")
question_facts = PanelSlot("question_facts")
question_panels = PanelSlot("question_panels")
follow_panels = PanelSlot("follow_panels")
