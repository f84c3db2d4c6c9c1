"""The queue's pages: counted up to a limit, so a page costs the same whatever the matches.

Counting every open question, or every match of a search among 30,000 open ones, is the one
part of the queue that grows with the organisation (20 ms for 25,000 matches). Nobody pages
through more than twenty pages of fifty; past `COUNT_LIMIT` the queue says "more than 1,000"
and asks to narrow the filters.
"""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

COUNT_LIMIT = 1_000


class LimitedCountPaginator(Paginator):
    """Counts at most `COUNT_LIMIT` + 1 rows: `SELECT count(*) FROM (SELECT id ... LIMIT 1001)`.

    `counted`: the same matches without what only the rows show (their joins), to count instead
    of `object_list`.
    """

    def __init__(self, object_list: QuerySet, per_page: int, *, counted: QuerySet | None = None) -> None:
        super().__init__(object_list, per_page)
        self.counted = object_list if counted is None else counted

    @cached_property
    def count(self) -> int:
        return self.counted.values("pk")[: COUNT_LIMIT + 1].count()

    @property
    def more_than_limit(self) -> bool:
        return self.count > COUNT_LIMIT


def queue_texts(page: Page) -> dict[str, str]:
    """The queue's texts with a number in them (the rows' template is Jinja2; plurals come from here)."""
    paginator: LimitedCountPaginator = page.paginator
    if paginator.more_than_limit:
        amount = {"counter": number_format(COUNT_LIMIT, force_grouping=True)}
        caption = _("More than %(counter)s questions") % amount
        caption += " · " + _("page %(number)s; choose filters to see fewer") % {"number": page.number}
        return {"caption": caption, "found": _("More than %(counter)s questions found") % amount}
    count, pages = paginator.count, paginator.num_pages
    caption = ngettext("%(counter)s question", "%(counter)s questions", count) % {"counter": count}
    if pages > 1:
        caption += " · " + _("page %(number)s of %(total)s") % {"number": page.number, "total": pages}
    found = ngettext("%(counter)s question found", "%(counter)s questions found", count) % {"counter": count}
    return {"caption": caption, "found": found}
