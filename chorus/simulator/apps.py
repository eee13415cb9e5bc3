from django.apps import AppConfig


class SimulatorConfig(AppConfig):
    name = "chorus.simulator"
    label = "chorus_simulator"
    verbose_name = "Simulateur Chorus Pro"
