from __future__ import annotations

from chorus.simulator.routes import patterns

app_name = "chorus_simulator"
urlpatterns = patterns(staff_only_control=True)
