from django.apps import AppConfig
from django.db.models.signals import post_migrate


class InvoicesConfig(AppConfig):
    name = "invoices"
    verbose_name = "Facturation"

    def ready(self) -> None:
        from invoices.ecb_rates import seed_if_empty

        post_migrate.connect(seed_if_empty, sender=self, dispatch_uid="invoices.seed_ecb_rates")
