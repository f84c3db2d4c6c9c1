"""Where the apps above join the pages about people (see helpdesk.hooks).

- `person_panels`: panels on a manager's page about one person, such as a volunteer's level.
- `person_added(user, actor)`: a manager added a person, inside the transaction. Support makes a
  new volunteer a trainee through it; the manager then chooses the level on the person's page.
"""

from __future__ import annotations

from helpdesk.hooks import Hook, PanelSlot

person_panels = PanelSlot("person_panels")
person_added = Hook("person_added")
