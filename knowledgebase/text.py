"""Text helpers for instructions: the search document, word trigrams and easy-read checks.

Search uses PostgreSQL's built-in Dutch full-text search plus word trigrams that this module
computes, so typos ("geliud") and parts of compound words ("oplader" in "tabletoplader") still
find an instruction. The trigrams follow pg_trgm's rules (lower case, each word padded with two
spaces before and one after) but are stored as a tsvector of their own with a GIN index, because the
embedded PostgreSQL has no pg_trgm extension (docs/decisions.md #13).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# Words that carry no meaning for matching a question to an instruction. The `dutch` text search
# configuration drops these too; the trigrams must drop them or every "hoe" would match.
STOP_WORDS = frozenset(
    [
        "aan",
        "al",
        "alles",
        "als",
        "ben",
        "bij",
        "da",
        "dan",
        "dat",
        "de",
        "der",
        "des",
        "die",
        "dit",
        "doe",
        "doen",
        "door",
        "dus",
        "een",
        "eens",
        "en",
        "er",
        "ge",
        "geen",
        "had",
        "heb",
        "hebben",
        "heeft",
        "het",
        "hier",
        "hij",
        "hoe",
        "hun",
        "ik",
        "in",
        "is",
        "ja",
        "je",
        "jij",
        "kan",
        "kun",
        "kunnen",
        "maar",
        "me",
        "meer",
        "men",
        "met",
        "mij",
        "mijn",
        "moet",
        "na",
        "naar",
        "nee",
        "niet",
        "niets",
        "nog",
        "nu",
        "of",
        "om",
        "omdat",
        "ons",
        "ook",
        "op",
        "over",
        "te",
        "tot",
        "u",
        "uit",
        "uw",
        "van",
        "veel",
        "voor",
        "waar",
        "wanneer",
        "wat",
        "we",
        "wel",
        "wie",
        "wij",
        "wil",
        "zal",
        "ze",
        "zelf",
        "zich",
        "zij",
        "zijn",
        "zo",
        "zou",
    ]
)
WORD = re.compile(r"[0-9a-z]+")
# Easy-read limits (ui.md: client-facing sentences average at most 12 words).
MAX_AVERAGE_WORDS = 12
LONG_WORD = 16
# Words that most readers of these pages do not know, with a plainer word to use instead.
JARGON = {
    "account": _("your name and password"),
    "applicatie": _("app"),
    "bluetooth": _("a wireless link (explain which button)"),
    "browser": _("the internet app"),
    "cache": _("stored pages"),
    "configureren": _("set up"),
    "downloaden": _("put on the tablet"),
    "firmware": _("the device's own program"),
    "icoon": _("picture"),
    "inloggen": _("sign in"),
    "interface": _("screen"),
    "menu": _("list"),
    "notificatie": _("message"),
    "resetten": _("start again"),
    "router": _("the wifi box"),
    "synchroniseren": _("update"),
    "updaten": _("make new"),
    "url": _("web address"),
}


def plain(text: str) -> str:
    """Lower case without accents, so 'cliënt' and 'client' are the same word."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    return WORD.findall(plain(text))


def meaningful_words(text: str) -> list[str]:
    return [word for word in words(text) if word not in STOP_WORDS and len(word) > 1]


def trigrams(text: str) -> list[str]:
    """The sorted, distinct trigrams of the meaningful words of `text`."""
    found: set[str] = set()
    for word in meaningful_words(text):
        padded = f"  {word} "
        found.update(padded[index : index + 3] for index in range(len(padded) - 2))
    return sorted(found)


def as_tsquery(grams: list[str]) -> str:
    """Trigrams as a tsquery text that matches any of them; each is quoted, spaces and all.

    Trigrams hold only [0-9a-z ] (see WORD), so no quote inside needs escaping.
    """
    return " | ".join(f"'{gram}'" for gram in grams)


def query_text(text: str) -> str:
    """What goes to websearch_to_tsquery: the meaningful words, without search operators.

    A question typed by a person is not a search expression: a leading dash would exclude a word
    and quotes would demand a phrase. Only the words are kept; the selector joins them with OR.
    """
    return " ".join(meaningful_words(text))


# --- Easy-read checks for authors -------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    step: int | None  # None: about the whole instruction
    message: str


def _sentences(text: str) -> list[str]:
    return [part for part in re.split(r"[.!?]+(?:\s|$)", text.strip()) if part.strip()]


def step_notes(number: int, text: str, *, has_picture: bool, has_alt: bool) -> list[Note]:
    notes: list[Note] = []
    sentences = _sentences(text)
    if sentences:
        average = sum(len(words(sentence)) for sentence in sentences) / len(sentences)
        if average > MAX_AVERAGE_WORDS:
            notes.append(
                Note(
                    number,
                    _("Sentences have %(count)s words on average. Aim for 12 or fewer.") % {"count": round(average)},
                )
            )
    long_words = sorted({word for word in re.findall(r"[^\W\d_]+", text) if len(word) >= LONG_WORD})
    if long_words:
        notes.append(
            Note(
                number,
                ngettext_lazy(
                    "A very long word: %(words)s. Split it or say it more simply.",
                    "Very long words: %(words)s. Split them or say them more simply.",
                    len(long_words),
                )
                % {"words": ", ".join(long_words)},
            )
        )
    for word in sorted({word for word in words(text) if word in JARGON}):
        notes.append(Note(number, _("'%(word)s' is jargon. Try: %(plain)s.") % {"word": word, "plain": JARGON[word]}))
    if not has_picture:
        notes.append(Note(number, _("No picture. A picture next to the words helps many readers.")))
    elif not has_alt:
        notes.append(Note(number, _("The picture has no description for people who cannot see it.")))
    return notes


def easy_read_notes(steps: list[tuple[str, bool, bool]]) -> list[Note]:
    """Notes for a list of (text, has picture, has description) steps."""
    notes: list[Note] = []
    if not steps:
        notes.append(Note(None, _("There are no steps yet.")))
    for number, (text, has_picture, has_alt) in enumerate(steps, start=1):
        notes.extend(step_notes(number, text, has_picture=has_picture, has_alt=has_alt))
    return notes
