from django.apps import AppConfig


class GeoprodConfig(AppConfig):
    name = "geoprod"
    verbose_name = "Géoprod"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from geoprod import (
            checks,  # noqa: F401  (registers the system checks)
            images,  # noqa: F401  (sets Pillow's pixel limit for the whole process)
            throttling,
        )

        user_login_failed.connect(throttling.on_login_failed, dispatch_uid="geoprod-throttling-failed")
        user_logged_in.connect(throttling.on_logged_in, dispatch_uid="geoprod-throttling-success")
