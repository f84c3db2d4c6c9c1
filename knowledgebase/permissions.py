"""Who may do what with instructions and courses. Refusals answer 404 like a missing page.

Reading needs no account. Volunteers, professionals and managers write drafts; an experienced
volunteer (not a trainee for the product), a professional or a manager reviews and publishes,
never their own revision; own courses likewise. Operator staff write shared instructions and
courses in the portal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpdesk.accounts.models import Role
from helpdesk.permissions import can_use_portal, is_tenant_member
from support.selectors import is_trainee_for
from tickets.models import Status
from tickets.permissions import can_view_ticket, can_work_ticket

if TYPE_CHECKING:
    from helpdesk.permissions import AnyUser
    from knowledgebase.models import Instruction, OwnCourse
    from tickets.models import Ticket

WRITERS = (Role.VOLUNTEER, Role.PROFESSIONAL, Role.MANAGER)


def can_write_instructions(user: AnyUser) -> bool:
    return is_tenant_member(user) and user.role in WRITERS


def can_publish_instruction(user: AnyUser, instruction: Instruction | OwnCourse, author_id: int | None) -> bool:
    """Reviewing an own instruction's revision, or an own course (the same rule for both)."""
    if not can_write_instructions(user) or author_id == user.pk:
        return False
    if user.role == Role.VOLUNTEER:
        return not is_trainee_for(user, instruction.product_id)
    return True


def can_publish_course(user: AnyUser, course: OwnCourse) -> bool:
    return not course.is_published and can_publish_instruction(user, course, course.author_id)


def can_change_course(user: AnyUser, course: OwnCourse) -> bool:
    """A draft: every writer. Once published, readers follow it: only those who may review it."""
    if not course.is_published:
        return can_write_instructions(user)
    return can_publish_instruction(user, course, author_id=None)


def can_manage_shared_here(user: AnyUser) -> bool:
    """Hiding or adapting a shared instruction for this organisation: professionals and managers."""
    return is_tenant_member(user) and user.role in (Role.PROFESSIONAL, Role.MANAGER)


def can_write_shared(user: AnyUser) -> bool:
    """Shared instructions, in the portal: operator staff with their second factor."""
    return can_use_portal(user)


def can_use_instructions_on(user: AnyUser, ticket: Ticket) -> bool:
    """Searching instructions and inserting a link on a question: its helpers."""
    return can_view_ticket(user, ticket) and user.role in (Role.VOLUNTEER, Role.PROFESSIONAL)


def can_draft_from(user: AnyUser, ticket: Ticket) -> bool:
    """ "Maak hier een uitleg van": a helper, on a solved question."""
    return can_work_ticket(user, ticket) and ticket.status in (Status.RESOLVED, Status.CLOSED)


def can_follow_with_progress(user: AnyUser) -> bool:
    return is_tenant_member(user) and user.role == Role.REQUESTER


def can_see_course_progress(user: AnyUser) -> bool:
    """Volunteers see lessons done by clients who allowed it."""
    return is_tenant_member(user) and user.role in (Role.VOLUNTEER, Role.PROFESSIONAL)
