"""The fixtures shared by the browser tests (tests/test_site.py,
tests/test_selfchecks_site.py and tests/test_jupyterlab.py), and the grouping
of the browser tests for pytest-xdist.

Only fixtures and hooks live here; the helpers they use are in tests/browser.py.
"""

import functools
import http.server
import threading
from pathlib import Path

import pytest

from browser import launch_chromium
from notebooks import ROOT

SITE = ROOT / "_build" / "html"

# The test modules whose tests open pages of the site in the browser.
BROWSER_MODULES = {"test_site.py", "test_selfchecks_site.py", "test_jupyterlab.py"}


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (the system's) for the whole session, closed at the end.

    Under pytest-xdist each worker process starts its own.
    """
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


def page_of(item):
    """The site page a browser test is about, from its parameters, or None.

    `look` is (path, width, dark), `path` a page of the site, `nb` a chapter.
    """
    callspec = getattr(item, "callspec", None)
    params = callspec.params if callspec is not None else {}
    if "look" in params:
        return str(params["look"][0])
    if "path" in params:
        return str(params["path"])
    if "nb" in params:
        return f"chapters/{Path(params['nb']).stem}.html"
    return None


def pytest_collection_modifyitems(config, items):
    # `make test-site` runs the browser tests with `-n 2 --dist loadgroup`:
    # every test of one page goes to the same worker, whose module fixtures
    # (the page visits that test_site.py memoises, the HTTP server) then serve
    # them all, so no page is opened twice for the same look.
    if not config.pluginmanager.hasplugin("xdist"):
        return  # `-p no:xdist`: no groups, and no unknown-mark warning
    for item in items:
        if item.path.name in BROWSER_MODULES:
            group = page_of(item) or "other"
            item.add_marker(pytest.mark.xdist_group(f"{item.path.stem}/{group}"))
