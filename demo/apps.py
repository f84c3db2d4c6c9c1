from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for a newcomer (`manage.py load_demo`), on top of every other app."""

    name = "demo"
    verbose_name = "Demo data"
