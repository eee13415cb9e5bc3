"""The simulator's URL patterns, shared by the project mount (/_chorus-sim/) and the standalone server."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from chorus.simulator import views, views_control
from chorus.simulator.api import ROUTES


def patterns(*, staff_only_control: bool) -> list[URLPattern]:
    """`staff_only_control`: the control endpoints answer only logged-in staff, with CSRF (views_control)."""
    api = [path(f"cpro/{operation}", view) for operation, (_, view) in ROUTES.items()]
    control = [
        path(
            f"_control/{name}",
            views_control.view_for(name, staff_only=staff_only_control),
            name=f"control-{name.replace('/', '-')}",
        )
        for name in views_control.CONTROLS
    ]
    return [
        path("api/oauth/token", views.token, name="token"),
        *api,
        *control,
        re_path(r"^(?P<path>.*)$", views.not_found, name="not-found"),
    ]
