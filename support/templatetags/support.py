"""What the support parts of other pages show, computed from the page's question and person.

The question page and a person's page include a template of this app; these tags give that
template its own data, so those pages' views need not know about support for volunteers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import template

from helpdesk import permissions
from support import selectors
from support.forms import AdviceAnswerForm, AdviceAskForm, LevelForm
from support.models import AdviceThread, PendingReply
from tenants.selectors import current_organisation

register = template.Library()


@dataclass
class Panel:
    is_trainee: bool = False
    replies: list[PendingReply] = field(default_factory=list)
    threads: list[AdviceThread] = field(default_factory=list)
    can_ask: bool = False
    is_professional: bool = False
    ask_form: AdviceAskForm | None = None

    @property
    def shows_replies(self) -> bool:
        return self.is_trainee or bool(self.replies)

    @property
    def shows_advice(self) -> bool:
        return self.can_ask or bool(self.threads)


def with_answer_forms(threads: list[AdviceThread], user: Any) -> list[AdviceThread]:
    for thread in threads:
        if not hasattr(thread, "answer_form") and permissions.can_answer_advice(user, thread):
            thread.answer_form = AdviceAnswerForm(prefix=f"answer-{thread.pk}")
    return threads


@register.simple_tag
def support_for(ticket: Any, user: Any) -> Panel:
    """Held answers and advice on a question, as far as `user` may see them."""
    if ticket is None or not permissions.can_view_queue(user):
        return Panel()
    replies = []
    for pending in selectors.pending_replies_on(ticket):
        pending.ticket = ticket
        if permissions.can_see_pending_reply(user, pending):
            pending.can_review = pending.is_pending and permissions.can_review_reply(user, pending)
            pending.is_mine = pending.author_id == user.pk
            replies.append(pending)
    is_professional = permissions.is_professional_here(user)
    can_ask = permissions.can_ask_advice(user, ticket) and ticket.is_open
    threads = [
        thread for thread in selectors.advice_threads_on(ticket, user) if permissions.can_see_advice(user, thread)
    ]
    return Panel(
        is_trainee=permissions.can_work_ticket(user, ticket) and selectors.is_trainee_for(user, ticket.product_id),
        replies=replies,
        threads=with_answer_forms(threads, user),
        can_ask=can_ask,
        is_professional=is_professional,
        ask_form=AdviceAskForm() if can_ask else None,
    )


@register.inclusion_tag("support/_levels.html", takes_context=True)
def volunteer_levels(context: template.Context, person: Any) -> dict[str, Any]:
    """The level section of a person's page, for a manager looking at a volunteer."""
    user = context.get("user")
    if user is None or not permissions.can_set_volunteer_level(user, person):
        return {"shown": False}
    products = current_organisation().active_products()
    return {
        "shown": True,
        "person": person,
        "rows": selectors.level_rows(person, products),
        "level_form": LevelForm(products=products),
        "csrf_token": context.get("csrf_token"),
    }
