from django.apps import AppConfig


class PaSimulatorConfig(AppConfig):
    name = "einvoicing.simulator"
    label = "einvoicing_simulator"
    verbose_name = "Simulateur de plateforme agréée"
