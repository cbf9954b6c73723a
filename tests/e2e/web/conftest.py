"""The web terminal in a real browser: Playwright driving Debian's Chromium.

``bourse`` is ``bourse run`` started as a user starts it (a subprocess on a free port with a
fresh data directory), shared by the tests of a module; each test gets a fresh browser context
(its own localStorage, so its own login) and saves screenshots under ``artifacts/web/``.
The browser is the system's ``/usr/bin/chromium`` (``make test`` installs it when missing);
Playwright's own browser download is never used.
"""

import os
import re
import time
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from bourse.identity import totp
from tests.e2e.test_bourse_run import bourse_run

CHROMIUM = Path(os.environ.get("BOURSE_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts" / "web"
WEB_BUILD = Path(__file__).resolve().parents[3] / "web" / "dist" / "index.html"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PASSWORD = "correct horse battery staple"
TIMEOUT_MS = 15_000
# Generous waits for assertions too (Playwright's default is 5 s): CI shares two cores.
expect.set_options(timeout=TIMEOUT_MS)


# Module scope, not session: Playwright's sync API keeps an event loop running in the main
# thread while it is open, which would break every later test that calls asyncio.run.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make test` (installs it) or apt-get install chromium"
        )
    if not WEB_BUILD.exists():
        pytest.fail("the web terminal is not built: run `make web` (make test builds it)")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="module")
def bourse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with bourse_run(tmp_path_factory.mktemp("bourse") / "var") as (base, _banner):
        yield base


class Shots:
    """Numbered screenshots of one test: artifacts/web/<test>/<n>-<name>.png."""

    def __init__(self, page: Page, name: str) -> None:
        self.page = page
        self.directory = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
        self.directory.mkdir(parents=True, exist_ok=True)
        for old in self.directory.glob("*.png"):
            old.unlink()
        self.count = 0

    def __call__(self, name: str) -> None:
        self.count += 1
        self.page.screenshot(path=str(self.directory / f"{self.count:02d}-{name}.png"))


@pytest.fixture
def context(browser: Browser, bourse: str) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=bourse, viewport={"width": 1366, "height": 820})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        Shots(page, f"{request.node.name}-failure")("failure")
    assert errors == [], f"uncaught errors in the page: {errors}"


@pytest.fixture
def shots(page: Page, request: pytest.FixtureRequest) -> Shots:
    return Shots(page, request.node.name)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, for the failure screenshot."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def unique_email(prefix: str) -> str:
    return f"{prefix}.{time.time_ns()}@example.com"


def totp_code(secret: str, steps_ahead: int = 0) -> str:
    key = totp.decode_secret(secret)
    return totp.totp_at(key, int(time.time()) + steps_ahead * totp.STEP_SECONDS)


def sign_up(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/")
    page.get_by_role("button", name="New here? Sign up").click()
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign up", exact=True).click()
    page.wait_for_selector("[data-testid=connection][data-status=open]")


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Log in", exact=True).click()
