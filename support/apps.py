from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Support for volunteers"

    def ready(self) -> None:
        # Support joins the pages and the answer step of the apps below it through their hooks.
        # Imported here: models may not load before the app registry is ready.
        from helpdesk.accounts import hooks as account_hooks
        from helpdesk.hooks import Panel
        from support import panels, person_data, services
        from tickets import hooks as ticket_hooks

        ticket_hooks.reply_hold.connect(services.reply_hold_for_trainee)
        ticket_hooks.resolve_check.connect(services.held_answer_blocks_resolve)
        ticket_hooks.question_panels.add(Panel("support", "support/_panel.html", panels.question_panel))
        account_hooks.person_added.connect(services.volunteer_starts_as_trainee)
        account_hooks.person_panels.add(Panel("volunteer-level", "support/_levels.html", panels.levels_panel))
        account_hooks.person_data.connect(person_data.person_advice)
        account_hooks.person_erase.connect(person_data.person_name_remove)
        ticket_hooks.ticket_anonymised.connect(person_data.ticket_text_remove)
