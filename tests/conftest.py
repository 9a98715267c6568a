"""The browser fixture shared by tests/test_site.py and tests/test_jupyterlab.py.

Only fixtures live here; the helpers they use are in tests/browser.py.
"""

import pytest
from browser import CHROMIUM_ARGS, chromium_path


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (the system's) for the whole session, closed at the end."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS
        )
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()
