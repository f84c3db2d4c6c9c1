"""Finding instructions for a typed question: Dutch full text plus word trigrams, ranked, in one query.

An organisation's readers see its own published instructions and the published shared
instructions of the products it supports, except shared ones it hides or replaced by its own
adaptation. One SQL statement searches both tables (the shared one is in public, reached through
the search path) so the cost stays the same however many instructions there are.

The typed words are joined with OR: `websearch_to_tsquery` with the `dutch` configuration drops
stop words such as "niet", and a question like "de tablet werkt niet meer" should still find
"De tablet gaat niet aan" through "tablet". Ranking weighs full-text rank (title first) and the
share of the question's trigrams found in the title and "what you need", which catches typos and
parts of compound words.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from knowledgebase import text
from knowledgebase.models import Source

# A match needs a full-text hit, or at least this share of the question's trigrams.
MIN_TRIGRAM_SHARE = 0.45
# Full-text rank is small (about 0.1 to 1); this weight lets it count as much as trigrams.
FTS_WEIGHT = 2.0
MAX_RESULTS = 5

# The typed words as an OR query; written out where it is used so the planner sees a constant
# and reads the GIN indexes.
_TSQUERY = "replace(websearch_to_tsquery('dutch', %(words)s)::text, ' & ', ' | ')::tsquery"
# ts_rank of an OR query over lexemes without positions, every weight 1: each matched lexeme adds
# 1 / 1.64493 (pi^2/6) divided by the number of lexemes asked. Times 1.64493 it is the share of
# the question's trigrams that the instruction has, computed in C, no unnesting.
_SHARE = "ts_rank('{{1,1,1,1}}', {table}.trigram_vector, %(grams)s::tsquery, 0) * 1.6449340668"
_SQL = f"""
SELECT source, id, title, product_id, fts * %(fts_weight)s + tri AS score FROM (
    SELECT 'own' AS source, i.id, i.title, i.product_id,
           ts_rank(i.search_vector, {_TSQUERY}) AS fts, {_SHARE.format(table="i")} AS tri
      FROM knowledgebase_instruction i
     WHERE i.published_at IS NOT NULL AND i.product_id = ANY(%(products)s)
       AND (i.search_vector @@ {_TSQUERY} OR i.trigram_vector @@ %(inner)s::tsquery)
    UNION ALL
    SELECT 'shared', s.id, s.title, s.product_id,
           ts_rank(s.search_vector, {_TSQUERY}), {_SHARE.format(table="s")}
      FROM knowledgebase_shared_sharedinstruction s
     WHERE s.published_at IS NOT NULL AND s.product_id = ANY(%(products)s)
       AND (s.search_vector @@ {_TSQUERY} OR s.trigram_vector @@ %(inner)s::tsquery)
       AND NOT EXISTS (SELECT 1 FROM knowledgebase_hiddenshared h WHERE h.shared_id = s.id)
       AND NOT EXISTS (
           SELECT 1 FROM knowledgebase_instruction a WHERE a.adapts_id = s.id AND a.published_at IS NOT NULL
       )
) found
WHERE fts > 0 OR tri >= %(min_share)s
ORDER BY score DESC, title, id
LIMIT %(limit)s
"""


@dataclass(frozen=True)
class Match:
    source: str
    pk: int
    title: str
    product_id: int
    score: float

    @property
    def key(self) -> str:
        return f"{self.source}:{self.pk}"


def search(question: str, *, product_ids: list[int], limit: int = MAX_RESULTS) -> list[Match]:
    """Up to `limit` published instructions for `question`, best first; one query."""
    words = text.query_text(question)
    grams = text.trigrams(question)
    if not words or not product_ids:
        return []
    # Candidates by trigram share a trigram from inside a word; the ones with the padding spaces
    # ("  t", " ta") are in nearly every title and would make every row a candidate.
    inner = [gram for gram in grams if " " not in gram] or grams
    params = {
        "words": words,
        "grams": text.as_tsquery(grams),
        "inner": text.as_tsquery(inner),
        "products": list(product_ids),
        "fts_weight": FTS_WEIGHT,
        "min_share": MIN_TRIGRAM_SHARE,
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(_SQL, params)
        rows = cursor.fetchall()
    return [
        Match(source=Source(row[0]).value, pk=row[1], title=row[2], product_id=row[3], score=row[4]) for row in rows
    ]


def index_sql(table: str) -> str:
    """The statement that refreshes one instruction's search columns from its published revision.

    Title weighs most, then "what you need", then the steps. The text goes in without accents
    (text.plain in Python), so 'cliënt' and 'client' match without the unaccent extension.
    """
    return f"""
        UPDATE {table} SET search_vector =
            setweight(to_tsvector('dutch', %(title)s), 'A') ||
            setweight(to_tsvector('dutch', %(needs)s), 'B') ||
            setweight(to_tsvector('dutch', %(steps)s), 'C'),
            trigram_vector = array_to_tsvector(%(tri)s::text[])
        WHERE id = %(pk)s
    """


def index_instruction(*, table: str, pk: int, title: str, needs: str, steps: list[str]) -> None:
    params = {
        "pk": pk,
        "title": text.plain(title),
        "needs": text.plain(needs),
        "steps": text.plain(" ".join(steps)),
        "tri": text.trigrams(f"{title} {needs}"),
    }
    with connection.cursor() as cursor:
        cursor.execute(index_sql(table), params)
