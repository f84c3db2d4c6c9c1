"""Compile the translation catalogues (`locale/*/LC_MESSAGES/*.po`) into `.mo` files with Babel.

Django's own `compilemessages` needs GNU gettext (`msgfmt`). This module only needs Babel, so a
fresh machine can build the `.mo` files without installing gettext. GNU gettext is still needed
to *extract* new text (`manage.py makemessages`); see docs/translations.md.

    python -m helpdesk.i18n_compile           # write every .mo file
    python -m helpdesk.i18n_compile --check   # change nothing; exit 1 when something is wrong

`--check` fails when a `.mo` file is missing or differs from what its `.po` compiles to, when a
translation does not fit its source text (placeholders, plural forms), or when a catalogue of a
language that must be complete (Dutch) has an entry without translation or marked fuzzy. English
is the source language: its catalogue may stay empty.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "locale"
# Languages whose catalogue must translate every entry. English is the source language.
COMPLETE_LANGUAGES: frozenset[str] = frozenset({"nl"})


@dataclass
class CatalogueReport:
    """What compiling one `.po` file found."""

    po_path: Path
    language: str
    entries: int = 0
    translated: int = 0
    # Always wrong: a translation that does not fit its source, a stale or missing .mo file.
    problems: list[str] = field(default_factory=list)
    # Work still to do after extraction: untranslated or fuzzy entries of a language that must be complete.
    incomplete: list[str] = field(default_factory=list)

    @property
    def mo_path(self) -> Path:
        return self.po_path.with_suffix(".mo")


def po_files(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Every catalogue, in a stable order."""
    return sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def read_catalogue(po_path: Path) -> Catalog:
    language = po_path.parent.parent.name
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language, domain=po_path.stem, ignore_obsolete=True)
    if catalog.locale is None:
        # An empty "Language:" header (as makemessages writes it) unsets the locale, and Babel then
        # leaves Plural-Forms out of the .mo header. The folder name is the language.
        catalog.locale = language
    return catalog


def compile_catalogue(catalog: Catalog) -> bytes:
    """The `.mo` bytes for a catalogue; fuzzy entries are left out, as msgfmt does."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _is_translated(message: Message) -> bool:
    if isinstance(message.string, (list, tuple)):
        return bool(message.string) and all(message.string)
    return bool(message.string)


def _label(message: Message) -> str:
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    text = msgid if len(msgid) <= 60 else msgid[:57] + "..."
    where = f" ({message.locations[0][0]}:{message.locations[0][1]})" if message.locations else ""
    context = f"[{message.context}] " if message.context else ""
    return f"{context}{text!r}{where}"


def _entries(catalog: Catalog) -> Iterable[Message]:
    return (message for message in catalog if message.id)


def inspect_catalogue(po_path: Path, catalog: Catalog, complete_languages: Iterable[str]) -> CatalogueReport:
    """Finds entries that are missing, fuzzy (for complete languages) or do not fit their source.

    Entries that do not fit their source are marked fuzzy in `catalog`, so they are not compiled.
    """
    language = po_path.parent.parent.name
    report = CatalogueReport(po_path=po_path, language=language)
    must_be_complete = language in set(complete_languages)
    if must_be_complete and catalog.fuzzy:
        report.incomplete.append("the header entry is marked fuzzy")
    for message in _entries(catalog):
        report.entries += 1
        translated = _is_translated(message)
        if translated and not message.fuzzy:
            report.translated += 1
        if must_be_complete and message.fuzzy:
            report.incomplete.append(f"fuzzy: {_label(message)}")
        elif must_be_complete and not translated:
            report.incomplete.append(f"not translated: {_label(message)}")
    for message, errors in catalog.check():
        # Left out of the .mo like a fuzzy entry: the source text shows instead of a crash.
        message.flags.add("fuzzy")
        for error in errors:
            report.problems.append(f"does not fit its source ({error}): {_label(message)}")
    return report


def compile_all(
    *,
    check: bool = False,
    locale_dir: Path = LOCALE_DIR,
    complete_languages: Iterable[str] = COMPLETE_LANGUAGES,
) -> list[CatalogueReport]:
    """Compiles every catalogue. With `check`, writes nothing and reports stale or missing `.mo` files."""
    complete_languages = frozenset(complete_languages)
    reports: list[CatalogueReport] = []
    for po_path in po_files(locale_dir):
        catalog = read_catalogue(po_path)
        report = inspect_catalogue(po_path, catalog, complete_languages)
        compiled = compile_catalogue(catalog)
        current = report.mo_path.read_bytes() if report.mo_path.exists() else None
        if check:
            if current is None:
                report.problems.append(f"{report.mo_path.name} is missing: run `python -m helpdesk.i18n_compile`")
            elif current != compiled:
                report.problems.append(
                    f"{report.mo_path.name} is out of date with the .po file: run `python -m helpdesk.i18n_compile`"
                )
        elif current != compiled:
            report.mo_path.write_bytes(compiled)
        reports.append(report)
    return reports


def check_problems(locale_dir: Path = LOCALE_DIR) -> list[str]:
    """Every problem `--check` would report, as readable lines (for tests)."""
    problems: list[str] = []
    for report in compile_all(check=True, locale_dir=locale_dir):
        name = report.po_path.relative_to(locale_dir)
        problems.extend(f"{name}: {problem}" for problem in [*report.problems, *report.incomplete])
    if not po_files(locale_dir):
        problems.append(f"no catalogues found in {locale_dir}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpdesk.i18n_compile",
        description="Compile locale/*/LC_MESSAGES/*.po into .mo files with Babel (no GNU gettext needed).",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when a .mo file is stale or missing, or a Dutch entry is untranslated or fuzzy",
    )
    parser.add_argument("--locale-dir", type=Path, default=LOCALE_DIR, help="default: %(default)s")
    args = parser.parse_args(argv)

    reports = compile_all(check=args.check, locale_dir=args.locale_dir)
    if not reports:
        print(f"No catalogues found in {args.locale_dir}.", file=sys.stderr)
        return 1
    failed = False
    for report in reports:
        name = report.po_path.relative_to(args.locale_dir)
        print(f"{name}: {report.translated} of {report.entries} entries translated")
        for problem in report.problems:
            failed = True
            print(f"  error: {problem}")
        for todo in report.incomplete:
            failed = failed or args.check
            print(f"  {'error' if args.check else 'to do'}: {todo}")
    if failed:
        print("Translation check failed." if args.check else "Compiled, but see the errors above.")
        return 1
    if not args.check and any(report.incomplete for report in reports):
        print("Compiled. Translate the entries marked 'to do', then run this again.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
