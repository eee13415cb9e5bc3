"""The beat schedule is declared in code (chorus/schedule.py) and installed when beat starts."""

from __future__ import annotations

import pytest
from celery.signals import beat_init
from django_celery_beat.models import PeriodicTask

from chorus import schedule

pytestmark = pytest.mark.django_db


def test_beat_start_installs_the_sweeper_and_the_nightly_refresh(settings):
    PeriodicTask.objects.filter(name__in=[schedule.SWEEP, schedule.NIGHTLY_REFRESH]).delete()
    settings.CHORUS_SWEEP_SECONDS = 90
    beat_init.send(sender=None)
    sweep = PeriodicTask.objects.get(name=schedule.SWEEP)
    assert (sweep.task, sweep.interval.every, sweep.interval.period) == (
        "chorus.tasks.sweep_stale_claims",
        90,
        "seconds",
    )
    nightly = PeriodicTask.objects.get(name=schedule.NIGHTLY_REFRESH)
    assert nightly.task == "chorus.tasks.refresh_all" and nightly.enabled
    assert (nightly.crontab.hour, nightly.crontab.minute, str(nightly.crontab.timezone)) == (
        "2",
        "30",
        "Europe/Paris",
    )


def test_nightly_time_changed_in_the_admin_is_kept_and_the_sweeper_follows_settings(settings):
    schedule.install_schedule()
    nightly = PeriodicTask.objects.get(name=schedule.NIGHTLY_REFRESH)
    nightly.crontab.hour = "4"
    nightly.crontab.save()
    settings.CHORUS_SWEEP_SECONDS = 45
    schedule.install_schedule()
    assert PeriodicTask.objects.get(name=schedule.NIGHTLY_REFRESH).crontab.hour == "4"
    assert PeriodicTask.objects.get(name=schedule.SWEEP).interval.every == 45
    assert PeriodicTask.objects.filter(name__in=[schedule.SWEEP, schedule.NIGHTLY_REFRESH]).count() == 2


def test_beat_start_installs_the_morning_relances():
    PeriodicTask.objects.filter(name=schedule.REMINDERS).delete()
    beat_init.send(sender=None)
    morning = PeriodicTask.objects.get(name=schedule.REMINDERS)
    assert morning.task == "invoices.tasks.run_reminder_plans" and morning.enabled
    assert (morning.crontab.hour, morning.crontab.minute, str(morning.crontab.timezone)) == (
        "7",
        "0",
        "Europe/Paris",
    )
