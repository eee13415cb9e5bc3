"""The simulator's URL patterns, shared by the project mount (/_chorus-sim/) and the standalone server."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from chorus.simulator import views, views_control
from chorus.simulator.api import ROUTES


def patterns() -> list[URLPattern]:
    api = [path(f"cpro/{operation}", view) for operation, (_, view) in ROUTES.items()]
    control = [
        path("_control/reset", views_control.reset, name="control-reset"),
        path("_control/faults", views_control.fault_switches, name="control-faults"),
        path("_control/faults/clear", views_control.clear_faults, name="control-faults-clear"),
        path("_control/clock", views_control.clock, name="control-clock"),
        path("_control/stats", views_control.stats, name="control-stats"),
        path("_control/seed", views_control.seed, name="control-seed"),
        path("_control/status", views_control.force_status, name="control-status"),
    ]
    return [
        path("api/oauth/token", views.token, name="token"),
        *api,
        *control,
        re_path(r"^(?P<path>.*)$", views.not_found, name="not-found"),
    ]
