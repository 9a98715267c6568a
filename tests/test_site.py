"""The built site (_build/html) in a real browser, offline.

`make test-site` builds the book strictly, then these tests serve _build/html
on 127.0.0.1 and open every page in the system's Chromium with every request
to another host aborted, so a pass proves the site works without a network:
MathJax, the widget manager and the search index all come from the site.

Every page: no script error, every equation typeset by MathJax with no error
node, every image loaded, every internal link (and #anchor) resolves, nothing
fetched from the network. Every chapter: solutions hidden until clicked, the
explorers drawn from their saved state, the Binder and download buttons.
"""

import functools
import http.server
import json
import re
import threading
from urllib.parse import unquote, urlsplit

import pytest

from conftest import offline_context
from notebooks import ROOT, binder_url, load, toc_notebooks

SITE = ROOT / "_build" / "html"
REFRESH = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.I)
ALL_PAGES = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")
                   if not p.relative_to(SITE).parts[0].startswith("_"))
# jupyter-book's top-level index.html only redirects to the root page.
REDIRECTS = [p for p in ALL_PAGES if REFRESH.search((SITE / p).read_text(encoding="utf-8"))]
PAGES = [p for p in ALL_PAGES if p not in REDIRECTS]
CHAPTERS = toc_notebooks()
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def origin():
    """_build/html served on a free port of 127.0.0.1; the server stops after the module."""
    assert (SITE / "chapters").is_dir(), "no built site: run `make book-strict` first"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=SITE))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def _open(context, url):
    """Open url in a new page of context once MathJax has typeset it; return (page, script errors)."""
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="load")
    # MathJax (deferred) typesets after `load`; startup.promise settles when it is done.
    page.evaluate("() => window.MathJax && window.MathJax.startup ? window.MathJax.startup.promise : null")
    return page, errors


@pytest.fixture
def visit(browser, origin):
    """visit(path) opens a page offline; returns (page, script errors, refused URLs)."""
    contexts = []

    def _visit(path, dark=False):
        context, refused = offline_context(browser, origin)
        contexts.append(context)
        if dark:
            context.add_init_script("localStorage.setItem('theme', 'dark'); localStorage.setItem('mode', 'dark');")
        page, errors = _open(context, f"{origin}/{path}")
        return page, errors, refused

    yield _visit
    for context in contexts:
        context.close()


def _chapter_url(nb):
    return f"chapters/{nb.stem}.html"


def test_the_site_was_built_with_every_chapter():
    assert CHAPTERS, "_toc.yml lists no chapter notebook"
    for nb in CHAPTERS:
        assert _chapter_url(nb) in PAGES, f"{nb.name} is in _toc.yml but not in {SITE}: rebuild"


# ---- every page -------------------------------------------------------------

@pytest.mark.parametrize("path", REDIRECTS)
def test_redirect_lands_on_a_page_of_the_book(browser, origin, path):
    context, refused = offline_context(browser, origin)
    try:
        page = context.new_page()
        target = REFRESH.search((SITE / path).read_text(encoding="utf-8")).group(1)
        with page.expect_navigation(url=f"{origin}/{target}", timeout=30000):
            page.goto(f"{origin}/{path}")
        assert target in PAGES and refused == []
    finally:
        context.close()


_FACTS = """async () => {
    const images = Array.from(document.images);
    await Promise.all(images.map(img => img.complete ? null :
        new Promise(done => { img.addEventListener('load', done); img.addEventListener('error', done); })));
    const math = Array.from(document.querySelectorAll('.math'));
    return {
        untypeset: math.filter(n => !n.querySelector('mjx-container')).map(n => n.textContent.slice(0, 80)),
        mathErrors: Array.from(document.querySelectorAll('mjx-merror, .MathJax_Error, mjx-container [data-mjx-error]'))
            .map(n => n.getAttribute('data-mjx-error') || n.textContent.slice(0, 80)),
        // MathJax's noundefined package shows an unknown macro as red text, not as an error.
        undefinedMacros: Array.from(document.querySelectorAll('mjx-container mtext[mathcolor="red"]'))
            .map(n => n.textContent).filter(t => t.startsWith('\\\\')),
        brokenImages: images.filter(img => !(img.naturalWidth > 0)).map(img => img.getAttribute('src').slice(0, 120)),
        links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    };
}"""


@pytest.fixture(scope="module")
def facts(browser, origin):
    """facts(path): what one visit of a page showed; each page is opened once per module."""
    seen = {}

    def _facts(path):
        if path not in seen:
            context, refused = offline_context(browser, origin)
            try:
                page, errors = _open(context, f"{origin}/{path}")
                seen[path] = dict(page.evaluate(_FACTS), errors=errors, refused=list(refused))
            finally:
                context.close()
        return seen[path]

    return _facts


@pytest.mark.parametrize("path", PAGES)
def test_page_runs_without_script_errors_or_network(facts, path):
    page = facts(path)
    assert page["errors"] == [], f"{path}: script errors {page['errors']}"
    assert page["refused"] == [], f"{path}: asked the network for {page['refused']}"


@pytest.mark.parametrize("path", PAGES)
def test_every_equation_is_typeset_without_mathjax_errors(facts, path):
    page = facts(path)
    assert page["untypeset"] == [], f"{path}: equations MathJax did not typeset: {page['untypeset']}"
    assert page["mathErrors"] == [], f"{path}: MathJax errors: {page['mathErrors']}"
    assert page["undefinedMacros"] == [], f"{path}: undefined TeX macros: {page['undefinedMacros']}"


@pytest.mark.parametrize("path", PAGES)
def test_every_image_loads(facts, path):
    broken = facts(path)["brokenImages"]
    assert broken == [], f"{path}: images that did not load: {broken}"


@functools.cache
def _ids(target):
    return set(re.findall(r'\bid="([^"]+)"', target.read_text(encoding="utf-8", errors="replace")))


@pytest.mark.parametrize("path", PAGES)
def test_every_internal_link_resolves(facts, origin, path):
    hrefs = facts(path)["links"]
    missing = []
    for href in sorted(set(hrefs)):
        if not href.startswith(origin + "/"):
            continue  # another site: not checked offline
        url = urlsplit(href)
        target = SITE / unquote(url.path).lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            missing.append(href)
        elif url.fragment and target.suffix == ".html" and unquote(url.fragment) not in _ids(target):
            missing.append(href)
    assert missing == [], f"{path}: links to nothing: {missing}"


# ---- chapters ---------------------------------------------------------------

@pytest.mark.parametrize("nb", CHAPTERS, ids=lambda p: p.name)
def test_solutions_are_hidden_until_clicked(visit, nb):
    page, _, _ = visit(_chapter_url(nb))
    solutions = page.locator(".solution.dropdown")
    assert solutions.count() > 0, f"{nb.name}: no solutions"
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        body = solution.locator(":scope > :not(.admonition-title)").first
        assert body.is_hidden(), f"{nb.name}: solution {i + 1} is open before a click"
        solution.locator(".admonition-title").click()
        body.wait_for(state="visible", timeout=15000)


def _widget_images_in_saved_state(nb):
    """How many images the explorers of a notebook drew when it was executed."""
    state = load(nb)["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    count = 0
    for model in state.get("state", {}).values():
        for output in model.get("state", {}).get("outputs", []) or []:
            count += "image/png" in output.get("data", {})
    return count


def _explorers(nb):
    return sum(WIDGET_VIEW in output.get("data", {})
               for cell in load(nb)["cells"] if cell["cell_type"] == "code"
               for output in cell.get("outputs", []))


EXPLORER_CHAPTERS = [nb for nb in CHAPTERS if _explorers(nb)]


def test_the_book_has_explorers():
    assert EXPLORER_CHAPTERS, "no chapter shows an explorer"


@pytest.mark.parametrize("nb", EXPLORER_CHAPTERS, ids=lambda p: p.name)
def test_explorers_show_their_saved_state_offline(visit, nb):
    explorers = _explorers(nb)
    page, errors, _ = visit(_chapter_url(nb))
    state = page.locator('script[type="application/vnd.jupyter.widget-state+json"]')
    assert state.count() == 1, f"{nb.name}: the page carries no saved widget state"
    models = json.loads(state.text_content())["state"]
    views = page.eval_on_selector_all(f'script[type="{WIDGET_VIEW}"]', "s => s.map(e => JSON.parse(e.textContent).model_id)")
    assert len(views) == explorers and all(v in models for v in views), f"{nb.name}: views without state"
    # The widget manager (served by the site) draws each explorer's initial figure.
    expected = _widget_images_in_saved_state(nb)
    assert expected >= explorers, f"{nb.name}: an explorer saved no initial figure"
    # The manager renders the views one by one, asynchronously: wait until
    # it has drawn them all and the browser has decoded every image.
    selector = ".jupyter-widgets.widget-output img"
    page.wait_for_function(
        "([sel, n]) => { const imgs = Array.from(document.querySelectorAll(sel));"
        " return imgs.length >= n && imgs.every(i => i.complete); }",
        arg=[selector, expected], timeout=30000)
    widths = page.eval_on_selector_all(selector, "imgs => imgs.map(i => i.naturalWidth)")
    assert len(widths) == expected and all(w > 0 for w in widths), widths
    assert errors == []


@pytest.mark.parametrize("nb", CHAPTERS, ids=lambda p: p.name)
def test_binder_button_opens_this_notebook_in_jupyterlab(visit, nb):
    page, _, _ = visit(_chapter_url(nb))
    binder = page.locator('a[href^="https://mybinder.org/"]')
    assert binder.count() == 1, f"{nb.name}: {binder.count()} Binder links"
    assert binder.get_attribute("href") == binder_url(nb)
    # A reader reaches it from the rocket menu.
    page.locator(".dropdown-launch-buttons > button").click()
    binder.wait_for(state="visible", timeout=15000)


@pytest.mark.parametrize("nb", CHAPTERS, ids=lambda p: p.name)
def test_download_menu_offers_the_notebook(visit, nb):
    page, _, _ = visit(_chapter_url(nb))
    page.locator(".dropdown-download-buttons > button").click()
    link = page.locator(f'.dropdown-download-buttons a[href$="_sources/chapters/{nb.name}"]')
    link.wait_for(state="visible", timeout=15000)
    downloaded = SITE / "_sources" / "chapters" / nb.name
    assert json.loads(downloaded.read_text(encoding="utf-8"))["cells"] == load(nb)["cells"]


@pytest.mark.parametrize("nb", CHAPTERS, ids=lambda p: p.name)
def test_figures_keep_their_colours_in_dark_mode(visit, nb):
    page, _, _ = visit(_chapter_url(nb), dark=True)
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    styles = page.eval_on_selector_all(
        "div.cell_output img", "imgs => imgs.map(i => [getComputedStyle(i).filter, getComputedStyle(i).backgroundColor])")
    assert styles, f"{nb.name}: no figures"
    assert all(s == ["none", "rgb(255, 255, 255)"] for s in styles), styles


# ---- the whole book ---------------------------------------------------------

def test_search_finds_a_term_of_the_course(visit):
    page, errors, _ = visit("chapters/index.html")
    action = page.locator("form.bd-search").first.get_attribute("action")
    assert action.endswith("search.html")
    page, errors, _ = visit("search.html?q=derivative")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=30000)
    found = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any(href.startswith("chapters/") for href in found), found
    assert errors == []
