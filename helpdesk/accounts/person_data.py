"""A person's data: everything about one person as a ZIP, and erasing them, through the apps' hooks.

Each app answers for its own rows (`hooks.person_data`, `hooks.person_erase`); this module adds
the account and the access log, and writes the audit row. The ZIP holds `index.html` (readable in
any browser, without scripts or outside files), `data.json` (the same, for a machine) and the
files (photos) under `files/`.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.accounts import exports, hooks, selectors
from helpdesk.accounts.audit import audit
from helpdesk.accounts.hooks import PersonSection
from helpdesk.accounts.models import LoginToken, User
from helpdesk.accounts.services import sessions_end
from helpdesk.tenancy import current_organisation


def _account_section(person: User) -> PersonSection:
    cards = LoginToken.objects.filter(user=person, purpose=LoginToken.Purpose.LOGIN_CARD).order_by("created_at")
    return PersonSection(
        key="account",
        title=_("Account"),
        columns={
            "name": _("Name"),
            "email": _("E-mail address"),
            "phone": _("Phone number"),
            "role": _("Role"),
            "joined": _("Since"),
            "login_cards": _("Login cards"),
        },
        rows=[
            {
                "name": person.full_name,
                "email": person.email or "",
                "phone": person.phone,
                "role": person.get_role_display(),
                "joined": person.date_joined,
                "login_cards": ", ".join(f"{card.label} ({card.created_at:%Y-%m-%d})" for card in cards),
            }
        ],
    )


def _access_log_section(person: User) -> PersonSection:
    return PersonSection(
        key="access_log",
        title=_("Who looked at or changed this person's data"),
        columns=exports.audit_columns(),
        rows=[exports.audit_row(event) | {"when": event.at} for event in selectors.audit_events_about(person)],
    )


def person_sections(person: User) -> list[PersonSection]:
    sections = [_account_section(person)]
    for answer in hooks.person_data.send(person=person):
        sections.extend(answer)
    sections.append(_access_log_section(person))
    return sections


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def person_export(*, actor: User, person: User) -> bytes:
    """The ZIP of everything about `person`. The export is logged before it is made."""
    audit(actor=actor, action="person_data_exported", target=person)
    sections = person_sections(person)
    made_at = timezone.now()
    summary = {
        "person": person.full_name,
        "organisation": getattr(current_organisation(), "name", ""),
        "made_at": _plain(made_at),
        "made_by": actor.full_name,
        "sections": [
            {
                "key": section.key,
                "title": str(section.title),
                "columns": {key: str(label) for key, label in section.columns.items()},
                "rows": [{key: _plain(value) for key, value in row.items()} for row in section.rows],
                "files": sorted(section.files),
            }
            for section in sections
        ],
    }
    readable = [
        {
            "title": section.title,
            "records": [[(label, row.get(key)) for key, label in section.columns.items()] for row in section.rows],
            "files": sorted(section.files),
        }
        for section in sections
    ]
    html = render_to_string(
        "accounts/person_export.html", {"summary": summary, "person": person, "made_at": made_at, "sections": readable}
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", html)
        archive.writestr("data.json", json.dumps(summary, ensure_ascii=False, indent=2, default=str))
        for section in sections:
            for path, content in section.files.items():
                archive.writestr(f"files/{path}", content)
    return buffer.getvalue()


@transaction.atomic
def person_erase(*, actor: User, person: User) -> dict[str, int]:
    """Anonymises `person` everywhere: each app's rows through `hooks.person_erase`, then the
    account itself (name, address, phone; no sign-in any more). The access log keeps its entries
    (NEN 7513: five years) and records the erasure."""
    changed: dict[str, int] = {}
    for answer in hooks.person_erase.send(person=person, actor=actor):
        for label, count in answer.items():
            changed[label] = changed.get(label, 0) + count
    audit(actor=actor, action="person_erased", target=person, changed=changed)
    changed["login_tokens"] = LoginToken.objects.filter(user=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    person.full_name = _("Erased person")
    person.email = None
    person.phone = ""
    person.is_active = False
    person.set_unusable_password()
    person.save()
    changed["sessions"] = sessions_end(user=person)
    return changed
