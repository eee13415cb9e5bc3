from django.apps import AppConfig


class GeoprodConfig(AppConfig):
    name = "geoprod"
    verbose_name = "Géoprod"

    def ready(self) -> None:
        from geoprod import checks  # noqa: F401  (registers the system checks)
