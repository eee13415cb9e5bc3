"""The beat schedule, declared here and installed when beat starts (django-celery-beat's DatabaseScheduler
then runs it and the admin shows it)."""

from __future__ import annotations

from django.conf import settings
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

NIGHTLY_REFRESH = "Rafraîchissement nocturne Chorus Pro"
SWEEP = "Reprise des envois Chorus Pro interrompus"
REMINDERS = "Relances automatiques"
EINVOICE_LIFECYCLE = "Statuts des factures électroniques (plateforme agréée)"
LIFECYCLE_SWEEP = "Reprise des statuts de cycle de vie interrompus (plateforme agréée)"
RECEIVED = "Relevé des factures reçues (plateforme agréée)"
RECEIVED_EVERY_SECONDS = 15 * 60
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
    PeriodicTask.objects.update_or_create(
        name=LIFECYCLE_SWEEP,
        defaults={"task": "einvoicing.tasks.sweep_outgoing_statuses", "interval": every, "enabled": True},
    )
    quarter = dict(every=RECEIVED_EVERY_SECONDS, period=IntervalSchedule.SECONDS)
    if not PeriodicTask.objects.filter(name=RECEIVED).exists():
        every_quarter = IntervalSchedule.objects.filter(**quarter).first() or IntervalSchedule.objects.create(
            **quarter
        )
        PeriodicTask.objects.create(
            name=RECEIVED, task="einvoicing.tasks.collect_received", interval=every_quarter
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
    # Lifecycle of the e-invoices, read from the PA (webhooks only trigger the same reconciliation).
    lifecycle = dict(every=settings.EINVOICE_LIFECYCLE_SECONDS, period=IntervalSchedule.SECONDS)
    every_lc = IntervalSchedule.objects.filter(**lifecycle).first() or IntervalSchedule.objects.create(
        **lifecycle
    )
    PeriodicTask.objects.update_or_create(
        name=EINVOICE_LIFECYCLE,
        defaults={"task": "einvoicing.tasks.refresh_lifecycles", "interval": every_lc, "enabled": True},
    )
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
