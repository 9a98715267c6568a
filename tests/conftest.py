"""The browser fixture shared by tests/test_site.py and tests/test_jupyterlab.py.

Only fixtures live here; the helpers they use are in tests/browser.py.
"""

import pytest

from browser import launch_chromium


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (the system's) for the whole session, closed at the end."""
    with launch_chromium() as chromium:
        yield chromium
