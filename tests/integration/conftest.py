"""Integration tests talk over real HTTP to the Chorus Pro simulator served by a live server (the `simulator`
fixture of tests/conftest.py), on PostgreSQL and Redis in CI."""
