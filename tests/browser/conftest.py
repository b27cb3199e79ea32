"""A real headless Chromium (Debian's package) driven by Playwright against pytest-django's live server.

Each step's screenshot goes to test-output/browser/<test>/ so a person can see what the browser saw.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.support import ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-output" / "browser"

# Playwright's sync API keeps an event loop in this thread; the ORM calls a test makes between
# browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_driver():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `make browsers` installs Debian's chromium for these tests")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # a busy CI machine renders slower than a laptop

    with sync_playwright() as driver:
        yield driver


class Screens:
    """Numbered screenshots of one test's steps."""

    def __init__(self, page, folder: Path):
        self.page = page
        self.folder = folder
        self.count = 0
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    def shot(self, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        # A full-page capture leaves a scrolled page's script-side scroll offset at its maximum while the
        # compositor keeps the old one; the next mousedown snaps back to the old offset, the element moves
        # out from under the pointer and the click lands on its parent. Scrolling back re-syncs the two.
        scroll = self.page.evaluate("() => [window.scrollX, window.scrollY]")
        self.page.screenshot(path=str(path), full_page=True)
        self.page.evaluate("([x, y]) => window.scrollTo(x, y)", scroll)
        return path


@pytest.fixture
def page(playwright_driver, tmp_path):
    """A page in a fresh browser profile; console errors and failed requests fail the test."""
    context = playwright_driver.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(30_000)
    page = context.pages[0] if context.pages else context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console: {msg.text}"))
    page.on("response", lambda r: r.status >= 500 and problems.append(f"{r.status} from {r.url}"))
    page.problems = problems
    yield page
    context.close()
    assert not problems, "the browser saw errors:\n" + "\n".join(problems)


@pytest.fixture
def screens(page, request):
    return Screens(page, SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name))
