"""The Chorus Pro client's unit tests: a client wired to fake hosts and a PISTE mock (support.py)."""

from tests.chorus.client.support import api, journal, make_api, make_submit, piste, sleeps  # noqa: F401
