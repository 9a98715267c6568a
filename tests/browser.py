"""Helpers for the browser tests (tests/test_site.py, tests/test_jupyterlab.py).

tools/book_pdf.py uses them too. They drive the OS's Chromium through
Playwright: `playwright install` downloads a browser of its own, which this
project never needs.
CHROMIUM overrides the path of the browser. The session-wide `browser`
fixture is in conftest.py; everything else the tests import from here.
"""

import contextlib
import os
import shutil
import socket

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
        "no Chromium found: install the OS package `chromium` (.ci/run does) "
        "or set CHROMIUM"
    )


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def offline_context(browser, origin, width=1280, height=900, dark=False, **options):
    """A browser context that aborts every request not addressed to `origin`.

    Returns the context and the list that collects the URLs it refused, so a
    test can prove that a page needed nothing from the network. `dark` starts
    the book's theme in dark mode; other keyword arguments go to Playwright's
    new_context (reduced_motion="reduce", has_touch=True, is_mobile=True).
    """
    refused = []

    def guard(route):
        url = route.request.url
        if (
            url.startswith(origin + "/")
            or url.startswith("data:")
            or url.startswith("blob:")
        ):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    viewport = {"width": width, "height": height}
    context = browser.new_context(viewport=viewport, **options)
    context.route("**/*", guard)
    if dark:
        context.add_init_script(
            "localStorage.setItem('theme', 'dark');"
            " localStorage.setItem('mode', 'dark');"
        )
    return context, refused


def watch(page):
    """Lists that collect the page's script errors and its requests answered
    with an error status (>= 400): ``(errors, failed)``."""
    errors, failed = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    return errors, failed


@contextlib.contextmanager
def launch_chromium():
    """A headless Chromium, closed (with Playwright) when the block ends.

    The `browser` fixture of conftest.py and tools/book_pdf.py both start it.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
