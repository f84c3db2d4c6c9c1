"""The interface speaks Dutch first and English second, from up-to-date translation files."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from helpdesk import i18n_compile


def test_compiled_catalogues_match_their_po_files():
    reports = i18n_compile.compile_all(check=True)
    assert {report.language for report in reports} >= {"nl", "en"}
    problems = [f"{report.po_path}: {problem}" for report in reports for problem in report.problems]
    assert not problems, "Run `make messages` (or `python -m helpdesk.i18n_compile`):\n" + "\n".join(problems)


def test_dutch_catalogue_is_complete_and_not_fuzzy():
    reports = [report for report in i18n_compile.compile_all(check=True) if report.language == "nl"]
    assert reports, "locale/nl/LC_MESSAGES/django.po is missing"
    todo = [problem for report in reports for problem in report.incomplete]
    assert not todo, "Translate these in locale/nl/LC_MESSAGES/django.po:\n" + "\n".join(todo)
    assert all(report.translated == report.entries > 0 for report in reports)


def test_check_function_reports_nothing():
    assert i18n_compile.check_problems() == []


def _write_po(locale_dir: Path, language: str, body: str) -> Path:
    folder = locale_dir / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po_path = folder / "django.po"
    header = (
        'msgid ""\nmsgstr ""\n'
        f'"Language: {language}\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
    )
    po_path.write_text(header + body, encoding="utf-8")
    return po_path


def test_check_catches_missing_fuzzy_stale_and_broken_entries(tmp_path):
    _write_po(
        tmp_path,
        "nl",
        'msgid "Start"\nmsgstr "Start"\n\n'
        'msgid "Sign in"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Sign out"\nmsgstr "Uitloggen"\n\n'
        '#, python-format\nmsgid "Hello %(name)s,"\nmsgstr "Beste %(naam)s,"\n',
    )
    # English is the source language: an empty English catalogue is fine.
    _write_po(tmp_path, "en", 'msgid "Start"\nmsgstr ""\n')

    problems = "\n".join(i18n_compile.check_problems(tmp_path))
    assert "django.mo is missing" in problems
    assert "not translated: 'Sign in'" in problems
    assert "fuzzy: 'Sign out'" in problems
    assert "naam" in problems  # a placeholder the source does not have
    assert not [line for line in problems.splitlines() if line.startswith("en/") and "not translated" in line]

    assert i18n_compile.main(["--locale-dir", str(tmp_path)]) == 1  # compiles, but the broken entry is an error
    with (tmp_path / "nl" / "LC_MESSAGES" / "django.mo").open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    assert compiled.gettext("Start") == "Start"
    assert compiled.gettext("Sign out") == "Sign out"  # fuzzy: left out
    assert compiled.gettext("Hello %(name)s,") == "Hello %(name)s,"  # broken: left out, no KeyError at run time
    assert (tmp_path / "en" / "LC_MESSAGES" / "django.mo").exists()
    assert "django.mo is missing" not in "\n".join(i18n_compile.check_problems(tmp_path))


def test_compile_then_check_passes_for_a_complete_catalogue(tmp_path):
    po_path = _write_po(
        tmp_path,
        "nl",
        'msgid "Start"\nmsgstr "Start"\n\n'
        '#, python-format\nmsgid "%(counter)s person"\nmsgid_plural "%(counter)s people"\n'
        'msgstr[0] "%(counter)s persoon"\nmsgstr[1] "%(counter)s personen"\n',
    )
    assert i18n_compile.main(["--locale-dir", str(tmp_path)]) == 0
    assert i18n_compile.main(["--check", "--locale-dir", str(tmp_path)]) == 0

    po_path.write_text(
        po_path.read_text(encoding="utf-8").replace('msgstr "Start"', 'msgstr "Begin"'), encoding="utf-8"
    )
    assert i18n_compile.main(["--check", "--locale-dir", str(tmp_path)]) == 1
    assert any("out of date" in problem for problem in i18n_compile.check_problems(tmp_path))


def test_dutch_is_the_default_language():
    assert settings.LANGUAGE_CODE == "nl"
    assert [code for code, _name in settings.LANGUAGES] == ["nl", "en"]


def _first_visit(client: Client) -> Client:
    """The client as a first-time visitor: conftest gives test clients an English cookie."""
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    return client


@pytest.mark.parametrize("accept_language", [None, "en-GB,en;q=0.9"])
def test_home_page_without_cookie_is_dutch(client_a, org_a, accept_language):
    """The organisation's language (Dutch) wins over the browser's until the visitor chooses."""
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    response = _first_visit(client_a).get("/", **headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl"' in html
    assert f"Helpdesk van {org_a.name}" in html
    assert "Naar de inhoud" in html
    assert "Skip to main content" not in html


def test_language_switch_makes_the_next_page_english(client_a, org_a):
    _first_visit(client_a)
    assert '<html lang="nl"' in client_a.get("/").content.decode()

    response = client_a.post("/language/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client_a.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    html = client_a.get("/").content.decode()
    assert '<html lang="en"' in html
    assert f"Helpdesk of {org_a.name}" in html
    assert "Skip to main content" in html
    assert "Naar de inhoud" not in html

    client_a.post("/language/", {"language": "nl", "next": "/"})
    html = client_a.get("/").content.decode()
    assert '<html lang="nl"' in html
    assert f"Helpdesk van {org_a.name}" in html


def test_rejected_form_title_starts_with_fout(client_a):
    response = _first_visit(client_a).post("/account/sign-in/", {"link-email": "not an address"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Fout: Inloggen" in html
    assert "Er is een probleem" in html
