"""The built site (_build/html) in a real browser, offline.

`make test-site` builds the book strictly, then these tests serve _build/html
on 127.0.0.1 and open every page in the system's Chromium with every request
to another host aborted, so a pass proves the site works without a network:
MathJax, the widget manager and the search index all come from the site.

Only what needs a browser is checked here (tests/test_book.py reads the HTML).
Every page, at 1280 px and at 390 px, light and dark: no script error, no
request refused or answered with an error, every equation typeset and none
clipped, no code cell that needs scrolling at 1280 px, every image loaded and
the explorers' images described, no serious accessibility violation
(axe-core). Every explorer: each control, moved with the keyboard and with
the mouse, changes the figure and the printed text to those of its value.
"""

import functools
import json
import re
from urllib.parse import unquote, urlsplit

import pytest

from browser import offline_context, watch
from notebooks import ROOT, toc_notebooks
from sigmoid_course.widgets import NETWORKS

SITE = ROOT / "_build" / "html"
AXE_JS = ROOT / "_build" / "vendor" / "axe.min.js"
REFRESH = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.I)
ALL_PAGES = sorted(
    p.relative_to(SITE).as_posix()
    for p in SITE.rglob("*.html")
    if not p.relative_to(SITE).parts[0].startswith("_")
)
# jupyter-book's top-level index.html only redirects to the root page.
REDIRECTS = [
    p for p in ALL_PAGES if REFRESH.search((SITE / p).read_text(encoding="utf-8"))
]
PAGES = [p for p in ALL_PAGES if p not in REDIRECTS]
CHAPTERS = toc_notebooks()
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# An explorer is a widget outside the cells tagged self-check (myst-nb gives a
# cell's div the class tag_<tag>); tests/test_selfchecks_site.py drives those.
EXPLORER = f'.cell:not(.tag_self-check) script[type="{WIDGET_VIEW}"]'


def _explorer_views(html):
    cells = re.split(r'<div class="cell(?=[ "])', html)[1:]
    return sum(
        cell.count(WIDGET_VIEW)
        for cell in cells
        if "tag_self-check" not in cell.split('"', 1)[0]
    )


EXPLORER_PAGES = [
    p for p in PAGES if _explorer_views((SITE / p).read_text(encoding="utf-8"))
]
WIDTHS = [1280, 390]

# axe-core rules excepted, each only for elements whose opening tag contains
# one of the strings given (their class names), with the reason. Only
# markup of the theme (sphinx-book-theme 1.3.0 / pydata-sphinx-theme) that
# the course cannot change without replacing the theme's templates belongs here.
AXE_EXCEPTIONS = {
    "label-content-name-mismatch": (
        ("search-button__button", "theme-switch-button"),
        "pydata-sphinx-theme's templates: its search field shows 'Search Ctrl+K' "
        "but is named aria-label='Search', and its colour-mode button is named "
        "'Color mode' while its icons carry the titles Light / Dark / System "
        "Settings. Both are the theme's navbar components, which the course "
        "does not override.",
    ),
}


# Resolves once MathJax has typeset the page and the widget manager has drawn
# every explorer (one figure each) and the browser has decoded its images.
_READY = """async (views) => {
    if (window.MathJax && window.MathJax.startup) {
        await window.MathJax.startup.promise;
    }
    const start = Date.now();
    while (document.querySelectorAll('img.explorer-figure').length < views) {
        if (Date.now() - start > 60000) { break; }
        await new Promise(done => setTimeout(done, 100));
    }
    const images = Array.from(document.images);
    await Promise.all(images.map(img => img.complete ? null :
        new Promise(done => {
            img.addEventListener('load', done);
            img.addEventListener('error', done);
        })));
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""


def _open(context, url):
    """Open url in a new page of context, ready: (page, errors, failed requests)."""
    page = context.new_page()
    errors, failed = watch(page)
    page.goto(url, wait_until="load")
    views = page.locator(EXPLORER).count()
    page.evaluate(_READY, views)
    return page, errors, failed


@pytest.fixture
def visit(browser, origin):
    """visit(path, width=1280, dark=False) opens a page offline.

    Returns (page, script errors, failed requests, refused URLs).
    """
    contexts = []

    def _visit(path, width=1280, dark=False):
        context, refused = offline_context(browser, origin, width=width, dark=dark)
        contexts.append(context)
        page, errors, failed = _open(context, f"{origin}/{path}")
        return page, errors, failed, refused

    yield _visit
    for context in contexts:
        context.close()


def _chapter_url(nb):
    return f"chapters/{nb.stem}.html"


def test_the_site_was_built_with_every_chapter():
    assert CHAPTERS, "_toc.yml lists no chapter notebook"
    for nb in CHAPTERS:
        assert _chapter_url(nb) in PAGES, (
            f"{nb.name} is in _toc.yml but not in {SITE}: rebuild"
        )


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


_FACTS = """() => {
    const width = document.documentElement.clientWidth;
    const scrolls = box => box.scrollWidth > box.clientWidth + 1;
    const name = el => (el.querySelector('.eqno') || el).textContent
        .trim().slice(0, 60);
    const scroller = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    const clipped = [], unreachable = [];
    document.querySelectorAll('.bd-content div.math').forEach(div => {
        const box = div.querySelector(':scope > mjx-container');
        if (!box) { return; }
        if (scrolls(div)) { clipped.push(`${name(div)}: cut by its row`); }
        if (scrolls(box) && !scroller(box)) {
            clipped.push(`${name(div)}: wider than its box, which does not scroll`);
        }
        if (div.getBoundingClientRect().right > width + 1) {
            clipped.push(`${name(div)}: runs past the edge of the page`);
        }
        const number = div.querySelector('.eqno');
        if (number) {
            const a = number.getBoundingClientRect(), b = box.getBoundingClientRect();
            if (a.left < b.right - 1 && a.right > b.left + 1) {
                clipped.push(`${name(div)}: the equation number overlaps the formula`);
            }
        }
        if (scrolls(box) && box.tabIndex < 0) { unreachable.push(name(div)); }
    });
    document.querySelectorAll('.bd-content span.math').forEach(span => {
        const text = span.textContent.trim().slice(0, 60);
        if (scrolls(span) && !scroller(span)) {
            clipped.push(`inline ${text}: wider than its box, which does not scroll`);
        }
        if (span.getBoundingClientRect().right > width + 1) {
            clipped.push(`inline ${text}: runs past the edge of the page`);
        }
        if (scrolls(span) && span.tabIndex < 0) { unreachable.push(`inline ${text}`); }
    });
    const math = Array.from(document.querySelectorAll('.math'));
    const images = Array.from(document.images);
    return {
        untypeset: math.filter(n => !n.querySelector('mjx-container'))
            .map(n => n.textContent.slice(0, 80)),
        mathErrors: Array.from(document.querySelectorAll(
                'mjx-merror, .MathJax_Error, mjx-container [data-mjx-error]'))
            .map(n => n.getAttribute('data-mjx-error') || n.textContent.slice(0, 80)),
        // MathJax's noundefined package shows an unknown macro as red text.
        undefinedMacros: Array.from(
                document.querySelectorAll('mjx-container mtext[mathcolor="red"]'))
            .map(n => n.textContent).filter(t => t.startsWith('\\\\')),
        clipped: clipped,
        unreachable: unreachable,
        // Formulas that fit are no tab stops (MathJax's inTabOrder: false).
        formulaTabStops: Array.from(document.querySelectorAll('mjx-container'))
            .filter(c => c.tabIndex >= 0 && !scrolls(c)).length,
        scrollingCode: Array.from(
                document.querySelectorAll('.bd-content div.cell_input pre'))
            .filter(scrolls)
            .map(pre => pre.textContent.split('\\n')
                .reduce((a, b) => b.length > a.length ? b : a)),
        brokenImages: images.filter(img => !(img.naturalWidth > 0))
            .map(img => img.getAttribute('src').slice(0, 120)),
        // Images drawn by scripts (explorer frames); tests/test_book.py reads the rest.
        drawnImages: images.filter(img => img.closest('.jupyter-widgets'))
            .map(img => img.getAttribute('alt')),
        offscreenControls: Array.from(document.querySelectorAll(
                '.jupyter-widgets .widget-slider, .jupyter-widgets .widget-dropdown'))
            .filter(c => {
                const r = c.getBoundingClientRect();
                return r.left < -1 || r.right > width + 1;
            })
            .map(c => c.textContent.trim().slice(0, 40)),
        squeezedTracks: Array.from(document.querySelectorAll(
                '.jupyter-widgets .widget-slider .slider-container'))
            .filter(t => t.getBoundingClientRect().width < 100)
            .map(t => t.closest('.widget-slider').textContent.trim().slice(0, 40)),
        links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    };
}"""

_AXE = """async () => {
    const result = await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
        resultTypes: ['violations'],
    });
    return result.violations
        .filter(v => v.impact === 'critical' || v.impact === 'serious')
        .map(v => ({id: v.id, impact: v.impact, help: v.help,
                    // The element's opening tag names it whatever selector axe picks.
                    targets: v.nodes.map(n => n.target.join(' ') + ' ' +
                                             n.html.split('>')[0].slice(0, 240))}));
}"""


@pytest.fixture(scope="module")
def facts(browser, origin):
    """facts(path, width, dark): what one visit of a page showed, axe-core included."""
    seen = {}

    def _facts(path, width=1280, dark=False):
        key = (path, width, dark)
        if key not in seen:
            assert AXE_JS.is_file(), (
                f"{AXE_JS} missing: run `make test-site` (npm pack axe-core)"
            )
            context, refused = offline_context(browser, origin, width=width, dark=dark)
            try:
                page, errors, failed = _open(context, f"{origin}/{path}")
                found = page.evaluate(_FACTS)
                page.add_script_tag(path=str(AXE_JS))
                found["axe"] = page.evaluate(_AXE)
                found["theme"] = page.evaluate("document.documentElement.dataset.theme")
                seen[key] = dict(
                    found, errors=errors, failed=failed, refused=list(refused)
                )
            finally:
                context.close()
        return seen[key]

    return _facts


LOOKS = [
    (path, width, dark)
    for path in PAGES
    for width in WIDTHS
    for dark in (False, True)
    if not (dark and width == 390)
]


def _look_id(look):
    path, width, dark = look
    return f"{path}-{width}px-{'dark' if dark else 'light'}"


@pytest.mark.parametrize("look", LOOKS, ids=_look_id)
def test_page_runs_without_script_errors_failed_requests_or_network(facts, look):
    page = facts(*look)
    assert page["errors"] == [], f"{look}: script errors {page['errors']}"
    assert page["failed"] == [], f"{look}: requests that failed: {page['failed']}"
    assert page["refused"] == [], f"{look}: asked the network for {page['refused']}"


@pytest.mark.parametrize("path", PAGES)
def test_every_equation_is_typeset_without_mathjax_errors(facts, path):
    page = facts(path)
    assert page["untypeset"] == [], (
        f"{path}: equations MathJax did not typeset: {page['untypeset']}"
    )
    assert page["mathErrors"] == [], f"{path}: MathJax errors: {page['mathErrors']}"
    assert page["undefinedMacros"] == [], (
        f"{path}: undefined TeX macros: {page['undefinedMacros']}"
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_no_formula_is_clipped_and_wide_ones_scroll_by_keyboard(facts, path, width):
    page = facts(path, width)
    assert page["clipped"] == [], f"{path} at {width} px: {page['clipped']}"
    assert page["unreachable"] == [], (
        f"{path} at {width} px: scrolling formulas no key reaches: "
        f"{page['unreachable']}"
    )
    assert page["formulaTabStops"] == 0, (
        f"{path}: {page['formulaTabStops']} formulas are tab stops"
    )


@pytest.mark.parametrize("path", PAGES)
def test_no_code_cell_needs_horizontal_scrolling_at_1280_px(facts, path):
    page = facts(path, 1280)
    assert page["scrollingCode"] == [], (
        f"{path}: code cells wider than the column: {page['scrollingCode']}"
    )


@pytest.mark.parametrize("path", PAGES)
def test_every_image_loads_and_every_drawn_image_is_described(facts, path):
    page = facts(path)
    assert page["brokenImages"] == [], (
        f"{path}: images that did not load: {page['brokenImages']}"
    )
    for alt in page["drawnImages"]:
        assert alt and len(alt.strip()) >= 20, (
            f"{path}: an explorer image has alt {alt!r}"
        )
        assert not re.search(r"\.(png|jpe?g|svg|gif)\b|/", alt, re.I), (
            f"{path}: alt {alt!r}"
        )


@pytest.mark.parametrize("path", EXPLORER_PAGES)
def test_explorers_fit_a_390_px_screen(facts, path):
    page = facts(path, 390)
    assert page["offscreenControls"] == [], (
        f"{path}: controls off-screen: {page['offscreenControls']}"
    )
    assert page["squeezedTracks"] == [], (
        f"{path}: slider tracks under 100 px: {page['squeezedTracks']}"
    )


def _excepted(violation):
    allowed = AXE_EXCEPTIONS.get(violation["id"])
    if allowed is None:
        return False
    markers, _reason = allowed
    return all(any(m in target for m in markers) for target in violation["targets"])


@pytest.mark.parametrize("look", LOOKS, ids=_look_id)
def test_no_serious_accessibility_violation(facts, look):
    page = facts(*look)
    assert page["theme"] == ("dark" if look[2] else "light")
    found = [v for v in page["axe"] if not _excepted(v)]
    assert found == [], (
        f"{_look_id(look)}: " + json.dumps(found, ensure_ascii=False, indent=1)[:4000]
    )


@functools.cache
def _ids(target):
    return set(
        re.findall(
            r'\bid="([^"]+)"', target.read_text(encoding="utf-8", errors="replace")
        )
    )


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
        elif (
            url.fragment
            and target.suffix == ".html"
            and unquote(url.fragment) not in _ids(target)
        ):
            missing.append(href)
    assert missing == [], f"{path}: links to nothing: {missing}"


# ---- chapters ---------------------------------------------------------------


@pytest.mark.parametrize("nb", CHAPTERS, ids=lambda p: p.name)
def test_solutions_are_hidden_until_clicked(visit, nb):
    page, _, _, _ = visit(_chapter_url(nb))
    solutions = page.locator(".solution.dropdown")
    assert solutions.count() > 0, f"{nb.name}: no solutions"
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        body = solution.locator(":scope > :not(.admonition-title)").first
        assert body.is_hidden(), f"{nb.name}: solution {i + 1} is open before a click"
        solution.locator(".admonition-title").click()
        body.wait_for(state="visible", timeout=15000)


@pytest.mark.parametrize("nb", CHAPTERS, ids=lambda p: p.name)
def test_launch_and_download_menus_open(visit, nb):
    # tests/test_book.py checks the links; a reader reaches them from these menus.
    page, _, _, _ = visit(_chapter_url(nb))
    page.locator(".dropdown-launch-buttons > button").click()
    page.locator('.dropdown-launch-buttons a[href^="https://mybinder.org/"]').wait_for(
        state="visible", timeout=15000
    )
    page.locator(".dropdown-download-buttons > button").click()
    page.locator(
        f'.dropdown-download-buttons a[href$="_sources/chapters/{nb.name}"]'
    ).wait_for(state="visible", timeout=15000)


@pytest.mark.parametrize("nb", CHAPTERS, ids=lambda p: p.name)
def test_figures_keep_their_colours_in_dark_mode(visit, nb):
    page, _, _, _ = visit(_chapter_url(nb), dark=True)
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    styles = page.eval_on_selector_all(
        "div.cell_output img",
        "imgs => imgs.map(i => [getComputedStyle(i).filter,"
        " getComputedStyle(i).backgroundColor])",
    )
    assert styles, f"{nb.name}: no figures"
    assert all(s == ["none", "rgb(255, 255, 255)"] for s in styles), styles


# ---- explorers --------------------------------------------------------------


def _layers(frame):
    return int(frame["text"].splitlines()[0].split()[-1])


# What the frame must show for a control's value (as its readout or dropdown
# shows it), by the control's label: (where, text) pairs, `where` being the
# printed text or the figure's alt text. An explorer with a control not listed
# here fails until it is added.
SHOWS = {
    "steepness k": lambda v: [
        ("text", f"slope there = k/4 = {float(v) / 4:.4f}"),
        ("alt", f"σ({float(v):g}("),
    ],
    "centre c": lambda v: [
        ("text", f"midpoint x = {v},"),
        ("alt", f"crosses 0.5 at x = {float(v):g},"),
    ],
    "tangent point x0": lambda v: [
        ("text", f"x0 = {v}:"),
        ("alt", f"tangent line at x0 = {float(v):g},"),
    ],
    "hidden layers": lambda v: [
        ("layers", int(v)),
        ("alt", f"each of the {v} hidden layer"),
    ],
    "network": lambda v: [
        ("alt", "of a {} network with {} initialisation".format(*NETWORKS[v]))
    ],
}

_CONTROLS = """explorer => Array.from(
        explorer.querySelectorAll('.widget-slider, .widget-dropdown')).map(c => ({
    label: c.querySelector('.widget-label').textContent.trim(),
    value: c.matches('.widget-dropdown') ? c.querySelector('select').value
        : c.querySelector('.widget-readout').textContent.trim(),
}))"""
_FRAME = """explorer => { const img = explorer.querySelector('img.explorer-figure');
    const pre = explorer.querySelector('pre.explorer-text');
    if (!img || !pre) { return null; }
    return {src: img.getAttribute('src'), alt: img.getAttribute('alt'),
            text: pre.textContent,
            shown: img.getBoundingClientRect().width > 0 && img.naturalWidth > 0}; }"""


def _check_frame(explorer, where):
    frame = explorer.evaluate(_FRAME)
    assert frame and frame["shown"], f"{where}: no figure shown"
    for control in explorer.evaluate(_CONTROLS):
        assert control["label"] in SHOWS, (
            f"{where}: a control SHOWS does not know: {control['label']}"
        )
        for kind, expected in SHOWS[control["label"]](control["value"]):
            if kind == "layers":
                assert _layers(frame) == expected, (
                    f"{where}: {control} but the text has {frame['text']!r}"
                )
            else:
                assert expected in frame[kind], (
                    f"{where}: {control} but the {kind} is {frame[kind]!r}"
                )
    return frame


def _wait_for_new_frame(page, explorer, old_src):
    explorer.evaluate(
        """(explorer, old) => new Promise((done, fail) => {
            const start = Date.now();
            (function poll() {
            const img = explorer.querySelector('img.explorer-figure');
            if (img && img.getAttribute('src') !== old && img.complete) { done(); }
            else if (Date.now() - start > 15000) {
                fail(new Error('the figure did not change'));
            }
            else { setTimeout(poll, 50); } })(); })""",
        old_src,
    )


def _move_by_keyboard(page, control):
    if control.locator("select").count():
        select = control.locator("select")
        select.focus()
        last = select.evaluate("s => s.selectedIndex === s.options.length - 1")
        page.keyboard.press("ArrowUp" if last else "ArrowDown")
    else:
        handle = control.locator(".noUi-handle")
        handle.focus()
        at_max = handle.evaluate(
            "h => h.getAttribute('aria-valuenow') === h.getAttribute('aria-valuemax')"
        )
        page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")


def _move_by_pointer(page, control):
    if control.locator("select").count():
        # A dropdown is not dragged: the pointer picks an option from its list.
        select = control.locator("select")
        options = select.evaluate("s => Array.from(s.options).map(o => o.value)")
        current = select.input_value()
        select.select_option(options[(options.index(current) + 2) % len(options)])
        return
    handle = control.locator(".noUi-handle")
    track = control.locator(".noUi-target").bounding_box()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # Two thirds of the track towards the side with more room.
    target = track["x"] + (
        track["width"] * 0.15
        if x > track["x"] + track["width"] / 2
        else track["width"] * 0.85
    )
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(target, y, steps=10)
    page.mouse.up()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", EXPLORER_PAGES)
def test_every_explorer_control_changes_figure_and_text_to_its_value(
    visit, path, width
):
    page, errors, _, _ = visit(path, width=width)
    explorers = page.locator(
        f".cell:not(.tag_self-check):has(script[type='{WIDGET_VIEW}'])"
    )
    count = explorers.count()
    assert count == page.locator(EXPLORER).count() and count > 0
    for i in range(count):
        explorer = explorers.nth(i)
        where = f"{path} explorer {i + 1} at {width} px"
        frame = _check_frame(explorer, where)
        controls = explorer.locator(".widget-slider, .widget-dropdown")
        assert controls.count() > 0, f"{where}: no controls"
        for j in range(controls.count()):
            control = controls.nth(j)
            control.scroll_into_view_if_needed()
            for move in (_move_by_keyboard, _move_by_pointer):
                before = explorer.evaluate(_CONTROLS)[j]["value"]
                move(page, control)
                _wait_for_new_frame(page, explorer, frame["src"])
                after = explorer.evaluate(_CONTROLS)[j]["value"]
                assert after != before, (
                    f"{where}: {move.__name__} left {before!r} unchanged"
                )
                new = _check_frame(
                    explorer, f"{where}, {move.__name__} {before} -> {after}"
                )
                assert new["text"] != frame["text"] or new["alt"] != frame["alt"]
                frame = new
    assert errors == []


# ---- the whole book ---------------------------------------------------------


def test_search_finds_a_term_of_the_course(visit):
    page, errors, _, _ = visit("chapters/index.html")
    action = page.locator("form.bd-search").first.get_attribute("action")
    assert action.endswith("search.html")
    page, errors, _, _ = visit("search.html?q=derivative")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=30000)
    found = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any(href.startswith("chapters/") for href in found), found
    assert errors == []
