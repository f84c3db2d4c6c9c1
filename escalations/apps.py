from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = "Escalations"

    def ready(self) -> None:
        # The escalation index follows every saved question, in the question's own transaction
        # (docs/decisions.md #9). Imported here: models may not load before the registry is ready.
        from escalations.services import escalation_index_sync
        from tickets import hooks

        hooks.ticket_saved.connect(escalation_index_sync)
