"""Support for volunteers: levels per product, approval of a trainee's answers, and advice from
the professionals without giving the question away.

Decisions:
- A volunteer without a level row is experienced; a row for one product wins over the row for all
  products. Only volunteers can be trainees.
- A trainee's answer is held (`PendingReply`) until an experienced volunteer for that product or a
  professional approves it (as written or edited) or returns it with a note. Nobody approves their
  own answer. Once the professionals have the question, only a professional approves. The
  requester gets the answer under the trainee's name; the held answer and the audit log record
  who approved.
- An exchange with the professionals (`AdviceThread`) is seen only by the volunteer who asked and
  by professionals. Other volunteers, managers and the requester never see its text. Managers see
  in the organisation's audit log that a volunteer asked for advice on a question (who and when),
  because the audit log records every action; the exchange itself is a safe place to learn.
- The public advice index (`escalations.models.AdviceRequest`) has a row exactly while an exchange
  is not closed: status "open" while the volunteer's latest message waits for a professional,
  "answered" after a professional answered. It holds no names and no text. The operator portal
  lists these rows; answers waiting for approval stay inside each organisation (on its list of
  answers to approve and on the question page), where professionals find them through the
  hand-off.
"""
