"""Deflection, counted honestly: what was suggested, opened, and whether it solved the question.

An ask flow is known only by a random token kept in the asker's session. The rows hold a product,
an instruction, a month and yes/no, never who. `month_figures` gives the monthly report what it
needs: per product, the flows that were shown instructions, opened one, were solved by one
(questions prevented) or asked anyway; and the instructions that did not help, with reasons.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from knowledgebase.models import AskFlow, Feedback, FlowSuggestion, Outcome, ViewCount
from knowledgebase.search import Match


def this_month() -> date:
    return timezone.localdate().replace(day=1)


# --- Writes ------------------------------------------------------------------------------------------


def flow_start(*, product_id: int | None) -> AskFlow:
    return AskFlow.objects.create(token=secrets.token_hex(16), product_id=product_id, month=this_month())


def flow_shown(*, flow_id: int, matches: list[Match]) -> None:
    FlowSuggestion.objects.bulk_create(
        [FlowSuggestion(flow_id=flow_id, source=m.source, instruction_id=m.pk) for m in matches],
        ignore_conflicts=True,
    )


def flow_opened(*, token: str, source: str, pk: int) -> None:
    FlowSuggestion.objects.filter(flow__token=token, source=source, instruction_id=pk).update(opened=True)


@transaction.atomic
def flow_solved(*, token: str, source: str, pk: int) -> bool:
    """The person said an instruction solved their question. False when the flow has ended already."""
    updated = AskFlow.objects.filter(token=token, outcome=Outcome.OPEN).update(
        outcome=Outcome.SOLVED, ended_at=timezone.now()
    )
    if updated:
        FlowSuggestion.objects.filter(flow__token=token, source=source, instruction_id=pk).update(
            opened=True, solved=True
        )
    return bool(updated)


def flow_asked(*, token: str) -> None:
    AskFlow.objects.filter(token=token, outcome=Outcome.OPEN).update(outcome=Outcome.ASKED, ended_at=timezone.now())


def view_record(*, source: str, pk: int, product_id: int) -> None:
    month = this_month()
    updated = ViewCount.objects.filter(source=source, instruction_id=pk, month=month).update(views=F("views") + 1)
    if not updated:
        _row, created = ViewCount.objects.get_or_create(
            source=source, instruction_id=pk, month=month, defaults={"product_id": product_id, "views": 1}
        )
        if not created:
            ViewCount.objects.filter(pk=_row.pk).update(views=F("views") + 1)


def feedback_record(*, source: str, pk: int, product_id: int, helped: bool, reason: str = "") -> Feedback:
    return Feedback.objects.create(
        source=source,
        instruction_id=pk,
        product_id=product_id,
        month=this_month(),
        helped=helped,
        reason="" if helped else reason,
    )


def feedback_change(*, row_id: int, source: str, pk: int, helped: bool) -> bool:
    """The same browser answered again: its answer changes, nothing is added. False if the row is gone."""
    rows = Feedback.objects.filter(pk=row_id, source=source, instruction_id=pk)
    return bool(rows.update(helped=helped, reason=""))


def feedback_reason_set(*, row_id: int, source: str, pk: int, reason: str) -> None:
    Feedback.objects.filter(pk=row_id, source=source, instruction_id=pk, helped=False).update(reason=reason)


# --- Reads for the monthly report -------------------------------------------------------------------


@dataclass(frozen=True)
class ProductMonth:
    product_id: int | None
    shown: int  # ask flows that were shown at least one instruction
    opened: int  # of those, flows where one was opened
    solved: int  # questions prevented: an instruction solved it
    asked: int  # asked a question anyway


def deflection_by_product(month: date) -> list[ProductMonth]:
    rows = (
        AskFlow.objects.filter(month=month)
        .values("product_id")
        .annotate(
            shown=Count("id", distinct=True),
            opened=Count("id", filter=Q(suggestions__opened=True), distinct=True),
            solved=Count("id", filter=Q(outcome=Outcome.SOLVED), distinct=True),
            asked=Count("id", filter=Q(outcome=Outcome.ASKED), distinct=True),
        )
        .order_by("product_id")
    )
    return [ProductMonth(**row) for row in rows]


def feedback_by_instruction(month: date) -> list[dict]:
    """Per instruction: views, helped yes/no and the reasons for no; those that helped least first."""
    feedback = (
        Feedback.objects.filter(month=month)
        .values("source", "instruction_id", "product_id")
        .annotate(
            yes=Count("id", filter=Q(helped=True)),
            no=Count("id", filter=Q(helped=False)),
            unclear=Count("id", filter=Q(reason="unclear")),
            device=Count("id", filter=Q(reason="device")),
            pictures=Count("id", filter=Q(reason="pictures")),
            other=Count("id", filter=Q(reason="other")),
        )
    )
    views = {
        (row["source"], row["instruction_id"]): row["total"]
        for row in ViewCount.objects.filter(month=month).values("source", "instruction_id").annotate(total=Sum("views"))
    }
    rows = [{**row, "views": views.get((row["source"], row["instruction_id"]), 0)} for row in feedback]
    return sorted(rows, key=lambda row: (-row["no"], row["yes"]))
