"""The beat schedule, declared here and installed when beat starts (django-celery-beat's DatabaseScheduler
then runs it and the admin shows it)."""

from __future__ import annotations

from django.conf import settings
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

NIGHTLY_REFRESH = "Rafraîchissement nocturne Chorus Pro"
SWEEP = "Reprise des envois Chorus Pro interrompus"
REMINDERS = "Relances automatiques"
EREPORTING = "E-reporting : envoi des périodes closes"


def install_schedule() -> None:
    """The sweeper runs every CHORUS_SWEEP_SECONDS (settings win at every start). The nightly refresh is
    created at 02:30 Paris time (after the day's submissions, before office hours), the automatic relances at
    07:00; a time changed since in the admin is kept."""
    period = dict(every=settings.CHORUS_SWEEP_SECONDS, period=IntervalSchedule.SECONDS)
    every = IntervalSchedule.objects.filter(**period).first() or IntervalSchedule.objects.create(**period)
    PeriodicTask.objects.update_or_create(
        name=SWEEP, defaults={"task": "chorus.tasks.sweep_stale_claims", "interval": every, "enabled": True}
    )
    if not PeriodicTask.objects.filter(name=NIGHTLY_REFRESH).exists():
        nightly, _ = CrontabSchedule.objects.get_or_create(
            minute="30",
            hour="2",
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Europe/Paris",
        )
        PeriodicTask.objects.create(name=NIGHTLY_REFRESH, task="chorus.tasks.refresh_all", crontab=nightly)
    if not PeriodicTask.objects.filter(name=REMINDERS).exists():
        # 07:00 Paris: the day's relances are written before the comptable opens « Relances du jour ».
        morning, _ = CrontabSchedule.objects.get_or_create(
            minute="0",
            hour="7",
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Europe/Paris",
        )
        PeriodicTask.objects.create(name=REMINDERS, task="invoices.tasks.run_reminder_plans", crontab=morning)
    if not PeriodicTask.objects.filter(name=EREPORTING).exists():
        # 06:00 Paris, every day: a period closed yesterday is sent this morning, once (einvoicing.ereporting_send).
        early, _ = CrontabSchedule.objects.get_or_create(
            minute="0",
            hour="6",
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Europe/Paris",
        )
        PeriodicTask.objects.create(name=EREPORTING, task="einvoicing.tasks.send_due_ereports", crontab=early)
