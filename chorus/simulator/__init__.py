"""An offline Chorus Pro (PISTE) speaking the contract of chorus-api.md, for development, tests and benches.

Served under /_chorus-sim/ by the project, or alone by `manage.py chorus_simulator --port 8765`
(at / and at /_chorus-sim/):
- POST api/oauth/token                       PISTE client-credentials token (3600 s of simulated time)
- cpro/<operation>                           the Chorus operations (api.ROUTES; POST + JSON, health-check GET)
- _control/faults | faults/clear | clock | stats | reset | seed | status    switches for tests (JSON)

Python side: `state` (seed, now, advance_clock, stats, reset), `faults` (latency, server_error, rate_limit,
read_timeout, expire_token, malformed_json, accept_then_timeout, invalid_client, clear), `lifecycle`
(outcome_for: which invoice numbers end paid, rejected, suspended or to recycle).
"""
