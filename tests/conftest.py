"""The fixtures shared by the browser tests: tests/test_site.py,
tests/test_selfchecks_site.py and tests/test_jupyterlab.py.

Only fixtures live here; the helpers they use are in tests/browser.py.
"""

import functools
import http.server
import threading

import pytest

from browser import launch_chromium
from notebooks import ROOT

SITE = ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (the system's) for the whole session, closed at the end."""
    with launch_chromium() as chromium:
        yield chromium


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def origin():
    """_build/html served on a free port of 127.0.0.1, until the module ends."""
    assert (SITE / "chapters").is_dir(), "no built site: run `make book-strict` first"
    handler = functools.partial(_QuietHandler, directory=SITE)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
