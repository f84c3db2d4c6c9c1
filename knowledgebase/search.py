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
_SQL = f"""
SELECT source, id, title, product_id, fts * %(fts_weight)s + tri AS score FROM (
    SELECT 'own' AS source, i.id, i.title, i.product_id, ts_rank(i.search_vector, {_TSQUERY}) AS fts,
           shared_grams.hits / %(tri_count)s AS tri
      FROM knowledgebase_instruction i
     CROSS JOIN LATERAL (
           SELECT count(*)::float AS hits FROM unnest(i.trigrams) t WHERE t = ANY(%(tri)s::varchar[])
     ) shared_grams
     WHERE i.published_at IS NOT NULL AND i.product_id = ANY(%(products)s)
       AND (i.search_vector @@ {_TSQUERY} OR i.trigrams && %(inner)s::varchar[])
    UNION ALL
    SELECT 'shared', s.id, s.title, s.product_id, ts_rank(s.search_vector, {_TSQUERY}),
           shared_grams.hits / %(tri_count)s
      FROM knowledgebase_shared_sharedinstruction s
     CROSS JOIN LATERAL (
           SELECT count(*)::float AS hits FROM unnest(s.trigrams) t WHERE t = ANY(%(tri)s::varchar[])
     ) shared_grams
     WHERE s.published_at IS NOT NULL AND s.product_id = ANY(%(products)s)
       AND (s.search_vector @@ {_TSQUERY} OR s.trigrams && %(inner)s::varchar[])
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
    params = {
        "words": words,
        "tri": grams,
        # Candidates by trigram share a trigram from inside a word; the ones with the padding
        # spaces ("  t", " ta") are in nearly every title and would make every row a candidate.
        "inner": [gram for gram in grams if " " not in gram],
        "tri_count": float(max(len(grams), 1)),
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
            trigrams = %(tri)s::varchar[]
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
