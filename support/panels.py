"""The panels support for volunteers adds to other apps' pages (see helpdesk.hooks): on a
helper's question page, answers held for approval and advice from a professional; on a
manager's page about a volunteer, their level. Those pages know nothing of support."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from helpdesk import permissions as core_permissions
from helpdesk.accounts.models import Role
from helpdesk.tenancy import current_organisation
from support import permissions, selectors
from support.forms import AdviceAnswerForm, AdviceAskForm, LevelForm
from support.models import AdviceThread, Level, PendingReply
from tickets import permissions as tickets_permissions


@dataclass
class SupportOnQuestion:
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


def support_for(ticket: Any, user: Any) -> SupportOnQuestion:
    """Held answers and advice on a question, as far as `user` may see them.

    The held answers and the advice are one query each (and one for the advice's messages when
    there is advice); the viewer's level is read at most once, whatever the number of answers."""
    if ticket is None or not tickets_permissions.can_view_queue(user):
        return SupportOnQuestion()
    trainee: bool | None = None

    def is_trainee() -> bool:
        nonlocal trainee
        if trainee is None:
            trainee = selectors.levels_of(user).for_product(ticket.product_id) == Level.TRAINEE
        return trainee

    replies = []
    for pending in selectors.held_replies_on(ticket):
        pending.ticket = ticket
        known = is_trainee() if user.role == Role.VOLUNTEER else None
        if permissions.can_see_pending_reply(user, pending, trainee=known):
            pending.can_review = pending.is_pending and permissions.can_review_reply(user, pending, trainee=known)
            pending.is_mine = pending.author_id == user.pk
            replies.append(pending)
    is_professional = core_permissions.is_professional_here(user)
    can_ask = permissions.can_ask_advice(user, ticket) and ticket.is_open
    threads = [
        thread for thread in selectors.advice_threads_on(ticket, user) if permissions.can_see_advice(user, thread)
    ]
    return SupportOnQuestion(
        is_trainee=tickets_permissions.can_work_ticket(user, ticket) and is_trainee(),
        replies=replies,
        threads=with_answer_forms(threads, user),
        can_ask=can_ask,
        is_professional=is_professional,
        ask_form=AdviceAskForm() if can_ask else None,
    )


def question_panel(request: HttpRequest, ticket: Any) -> dict[str, Any] | None:
    """The support panel of a question page: its context, or None when it has nothing to show."""
    support = support_for(ticket, request.user)
    if not (support.shows_replies or support.shows_advice):
        return None
    return {"support": support}


def levels_panel(request: HttpRequest, person: Any) -> dict[str, Any] | None:
    """The level section of a person's page, for a manager looking at a volunteer."""
    if not permissions.can_set_volunteer_level(request.user, person):
        return None
    products = current_organisation().active_products()
    return {"rows": selectors.level_rows(person, products), "level_form": LevelForm(products=products)}
