"""Where the apps above tickets join in (see helpdesk.hooks for how hooks work).

- `ticket_saved(ticket)`: after every change a ticket service saves, inside its transaction.
  The escalation index keeps in step through it (docs/decisions.md #9).
- `ticket_resolved(ticket, actor)`: a helper marked the question solved, inside the transaction.
  Satisfaction asks the requester for a rating through it.
- `reply_hold(ticket, actor, body)`: before a helper's public answer goes out, inside the
  transaction and with the question locked. A receiver that holds the answer back (support: a
  trainee's answer waits for approval) returns what it kept; None lets the answer go out.
- `reply_prefill(request, ticket)`: text to start a helper's answer with (the knowledge base:
  a link to the instruction the helper chose); the first that is not None is used.
- `resolve_check(ticket)`: before a helper marks the question solved, inside the transaction
  and with the question locked. A receiver that says "not yet" returns the reason in the
  reader's words (support: an answer still waits for approval); None lets it be solved.
- `ticket_anonymised(ticket, redacted)`: the personal data leaves a question (retention, or a
  person's erasure), inside the transaction. Each app removes the text it keeps about the
  question (support: held answers and advice; satisfaction: the comment) and replaces it with
  `redacted`; the figures stay.
- `question_facts`: rows in the summary at the top of a helper's question page, such as the
  requester's rating.
- `question_panels`: sections of a helper's question page, such as support for volunteers.
- `follow_panels`: sections of the requester's page of their question, such as the invitation
  to say how it went.

While asking (tickets.views.ask):
- `ask_question_panels`: parts of the question step below the question, for the state typed so
  far (product, subject, body), such as instructions suggested while typing.
- `ask_after_question(request, state, next_url)`: after the question step is answered; the first
  URL a receiver returns is shown before the next step (without JavaScript, matching
  instructions are shown there).
- `ask_filed(request, ticket)`: a question was filed through the ask flow.
"""

from __future__ import annotations

from helpdesk.hooks import Hook, PanelSlot

ticket_saved = Hook("ticket_saved")
ticket_resolved = Hook("ticket_resolved")
reply_hold = Hook("reply_hold")
reply_prefill = Hook("reply_prefill")
resolve_check = Hook("resolve_check")
ticket_anonymised = Hook("ticket_anonymised")
question_facts = PanelSlot("question_facts")
question_panels = PanelSlot("question_panels")
follow_panels = PanelSlot("follow_panels")
ask_question_panels = PanelSlot("ask_question_panels")
ask_after_question = Hook("ask_after_question")
ask_filed = Hook("ask_filed")
