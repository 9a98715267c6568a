"""The one way the project starts a browser: the OS's Chromium through Playwright.

Used by the browser tests (through tests/conftest.py) and by tools/book_pdf.py.
`playwright install` downloads a browser of its own, which this project never
needs; CHROMIUM overrides the path of the browser.
"""

import contextlib
import os
import shutil

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # Without these, Chromium phones home at start and on a closed network
    # fills the log with refused connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path():
    """The system Chromium: $CHROMIUM, else chromium or chromium-browser on PATH."""
    candidates = (
        os.environ.get("CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    )
    for candidate in candidates:
        if candidate and os.path.exists(candidate):
            return candidate
    raise RuntimeError(
        "no Chromium found: install the OS package `chromium` "
        "(.ci/run does) or set CHROMIUM"
    )


@contextlib.contextmanager
def launch_chromium():
    """A headless Chromium, closed (with Playwright) when the block ends."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
