"""Where the apps above join the pages and the privacy work about people (see helpdesk.hooks).

- `person_panels`: panels on a manager's page about one person, such as a volunteer's level.
- `person_added(user, actor)`: a manager added a person, inside the transaction. Support makes a
  new volunteer a trainee through it; the manager then chooses the level on the person's page.
- `person_data(person)`: everything an app holds about one person, for the export a client may
  ask for (AVG art. 15). Each receiver returns a list of `PersonSection`s (or an empty list) with
  its own rows and files; `helpdesk.accounts.person_data` puts them in one ZIP.
- `person_erase(person, actor)`: anonymise everything an app holds about one person (AVG art.
  17), inside the transaction that also anonymises the account. Each receiver returns how many
  of its rows it changed, as `{label: count}`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from helpdesk.hooks import Hook, PanelSlot

person_panels = PanelSlot("person_panels")
person_data = Hook("person_data")
person_erase = Hook("person_erase")
person_added = Hook("person_added")


@dataclass
class PersonSection:
    """One part of a person's data export: a title, rows with labelled columns, and files.

    `columns` maps each row key to the words shown as its heading; `files` maps a path inside the
    ZIP (such as "photos/AMP-1042/1.jpg") to its bytes.
    """

    key: str
    title: str
    columns: dict[str, str]
    rows: list[dict[str, Any]]
    files: dict[str, bytes] = field(default_factory=dict)
