from django.apps import AppConfig


class GeoprodConfig(AppConfig):
    name = "geoprod"
    verbose_name = "Géoprod"

    def ready(self) -> None:
        from geoprod import images  # noqa: F401  (sets Pillow's pixel limit for the whole process)
