from django.apps import AppConfig


class KnowledgebaseConfig(AppConfig):
    name = "knowledgebase"
    verbose_name = "Instructions"

    def ready(self) -> None:
        # Registering with the hooks that tickets offers (layers: tickets never imports us).
        from knowledgebase import receivers  # noqa: F401  (app loading: models must be ready first)
