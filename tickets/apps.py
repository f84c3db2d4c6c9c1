from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"

    def ready(self) -> None:
        # The requester's page shows who looked at the question, from the core's access log.
        # Imported here: models may not load before the app registry is ready.
        from helpdesk.accounts import hooks as person_hooks
        from helpdesk.hooks import Panel
        from tickets import access_log, hooks, person_data

        hooks.follow_panels.add(Panel("viewers", "tickets/_follow_viewers.html", access_log.follow_viewers_panel))
        # A person's questions belong in their data export and go with their erasure.
        person_hooks.person_data.connect(person_data.person_questions)
        person_hooks.person_erase.connect(person_data.person_erase_questions)
