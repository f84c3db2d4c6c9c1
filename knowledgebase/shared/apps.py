from django.apps import AppConfig


class SharedKnowledgebaseConfig(AppConfig):
    """Shared instructions and courses: public schema only, like the escalation index."""

    name = "knowledgebase.shared"
    label = "knowledgebase_shared"
    verbose_name = "Shared instructions"
