"""SQL aggregates that Django does not ship, for reports that count in the database."""

from __future__ import annotations

from django.db.models import Aggregate, DurationField, FloatField


class Median(Aggregate):
    """The median (PostgreSQL's `percentile_cont(0.5)`) of a number or a duration; supports `filter=`."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def __init__(self, expression: object, *, duration: bool = False, **extra: object) -> None:
        output = DurationField() if duration else FloatField()
        super().__init__(expression, output_field=output, **extra)
