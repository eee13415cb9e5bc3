from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate


class InvoicesConfig(AppConfig):
    name = "invoices"
    verbose_name = "Facturation"

    def ready(self) -> None:
        from invoices import dbguard
        from invoices.ecb_rates import seed_if_empty

        connection_created.connect(dbguard.register_sqlite_function, dispatch_uid="geoprod-ledger-function")
        pre_migrate.connect(
            dbguard.release_before_migrate, sender=self, dispatch_uid="geoprod-ledger-release"
        )
        post_migrate.connect(
            dbguard.install_after_migrate, sender=self, dispatch_uid="geoprod-ledger-triggers"
        )
        post_migrate.connect(seed_if_empty, sender=self, dispatch_uid="invoices.seed_ecb_rates")
