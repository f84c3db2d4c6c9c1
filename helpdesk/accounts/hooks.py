"""Where the apps above join the pages about people (see helpdesk.hooks).

- `person_panels`: panels on a manager's page about one person, such as a volunteer's level.
"""

from __future__ import annotations

from helpdesk.hooks import PanelSlot

person_panels = PanelSlot("person_panels")
