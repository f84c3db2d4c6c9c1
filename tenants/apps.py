from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Care organisations"

    def ready(self) -> None:
        from tenants import hosts

        hosts.connect()
