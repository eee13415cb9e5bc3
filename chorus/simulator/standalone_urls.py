"""URLconf of `manage.py chorus_simulator`: only the simulator, at the root and under /_chorus-sim/.

Both bases work, so a client configured for the embedded simulator can point at the standalone one by
changing only host and port. This harness has no sessions: its control endpoints are open (views_control).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import include, path

from chorus.simulator.routes import patterns

urlpatterns = [
    path(f"{settings.SIMULATOR_PREFIX}/", include((patterns(staff_only_control=False), "chorus_simulator"))),
    path("", include((patterns(staff_only_control=False), "chorus_simulator_root"))),
]
