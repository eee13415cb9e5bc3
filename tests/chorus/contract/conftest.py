"""The contract tests reuse the client's test wiring (fake hosts, PISTE mock)."""

from tests.chorus.client.support import api, journal, make_api, make_submit, piste, sleeps  # noqa: F401
