"""Celery app. Without REDIS_URL the settings make every task run in-process (eager)."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")

app = Celery("geoprod")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def _install_schedule(sender, **kwargs) -> None:
    from chorus.schedule import install_schedule

    install_schedule()
