from django.apps import AppConfig


class GeoprodConfig(AppConfig):
    name = "geoprod"
    verbose_name = "Géoprod"
