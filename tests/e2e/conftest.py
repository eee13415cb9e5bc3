"""Browser journeys: Debian's Chromium driven by Playwright against a live server that also serves the
Chorus Pro simulator. Celery runs in-process (settings.test), so a click does the whole step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import factories

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _is_journey(item) -> bool:
    return Path(str(item.fspath)).is_relative_to(Path(__file__).parent)


def pytest_collection_modifyitems(items):
    """Journeys are marked e2e and run last: once Playwright has started, its event loop runs in the main
    thread until the end of the session (see _async_unsafe), which no other test should live with."""
    for item in items:
        if _is_journey(item):
            item.add_marker(pytest.mark.e2e)
    items.sort(key=_is_journey)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} est absent : apt-get install -y --no-install-recommends chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "viewport": {"width": 1400, "height": 1000}}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session", autouse=True)
def _async_unsafe():
    """Playwright's sync API keeps an event loop running in the main thread from the first journey to the
    end of the session: Django's ORM, called by these tests and by every test collected after them, must be
    told that this is fine (the product has no async code)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(autouse=True)
def _screenshot_on_failure(_async_unsafe, request, page):
    """Each journey leaves test-results/<test>.png behind when it fails."""
    page.set_default_timeout(15_000)
    yield
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        RESULTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        page.screenshot(path=str(RESULTS / f"{name}.png"), full_page=True)


@pytest.fixture(autouse=True)
def csp_refusals(page):
    """What the browser refused under the Content-Security-Policy (inline code, foreign origins): every
    journey must end with none, since a refused script or style breaks a page without an error."""
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    yield refused
    assert refused == [], refused


@pytest.fixture
def chorus_timeout():
    return (5.0, 10.0)


@pytest.fixture
def site(live_server, simulator, transactional_db):
    """The live server's base URL, with the product's simulator environment pointed at it."""
    return live_server.url


@pytest.fixture
def login(page, site):
    """login(user): signs in through the login page, as a person would."""

    def sign_in(user):
        page.goto(f"{site}/connexion/")
        page.get_by_label("Identifiant").fill(user.username)
        page.get_by_label("Mot de passe").fill(factories.PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Se connecter").click()
        assert "/connexion/" not in page.url, page.content()[:2000]
        return page

    return sign_in
