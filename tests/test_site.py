"""The built site (_build/html) in a real browser, offline.

`make test-site` builds the book strictly, then these tests serve _build/html
on 127.0.0.1 and open every page in the system's Chromium with every request
to another host aborted, so a pass proves the site works without a network:
the widget manager and the search index come from the site, the formulas
are typeset in the HTML.

Only what needs a browser is checked here (tests/test_book.py reads the HTML).
Every page, at 1280 px and at 390 px, light and dark: no script error or
console error, no request refused or answered with an error, every formula
typeset, none cut off and none a scroll box or a tab stop unless it is wider
than its column (then it scrolls, shows that it does, and the keyboard
reaches it), no punctuation wrapped away from its formula, no code cell that
needs scrolling at 1280 px, every image loaded and the explorers' images
described, no id used twice, no layout shift (CLS) above 0.1, prev/next links
that fit, explorer panels that follow dark mode, no serious accessibility
violation (axe-core). The page's controls: the sidebar toggles open and close
the chapter list and the page's contents at every width, one header, no
tooltip left standing after a tap, a focus ring on every control reached by
Tab, no motion when the reader asks for less. Every explorer: its first
frame, shown before the widget manager loads, is the one the live explorer
starts from and takes the same room; each control, moved with the keyboard
and with the mouse, changes the figure and the printed text to those of its
value without changing the explorer's size or its fit in the column.
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


# Resolves once the widget manager has drawn every explorer (one live figure
# each, its first frame gone: course-explorers.js) and the browser has decoded
# the images. The manager starts when a reader comes near an explorer: the
# page is scrolled to the first one, then back to the top. MathJax is
# awaited if a page loaded it.
_READY = """async (views) => {
    if (window.MathJax && window.MathJax.startup) {
        await window.MathJax.startup.promise;
    }
    const still = document.querySelector(
        '.course-explorer-static, .course-selfcheck-static');
    if (still) {
        still.scrollIntoView({block: 'center'});
    }
    const start = Date.now();
    while (document.querySelectorAll('.widget-subarea img.explorer-figure').length
               < views
           || document.querySelector('.course-explorer-pending')) {
        if (Date.now() - start > 60000) { break; }
        await new Promise(done => setTimeout(done, 100));
    }
    window.scrollTo(0, 0);
    // Figures below the first load when a reader comes near
    // (_ext/image_sizes.py): the tests look at all of them.
    document.querySelectorAll('img[loading="lazy"]')
        .forEach(img => { img.loading = 'eager'; });
    const images = Array.from(document.images);
    await Promise.all(images.map(img => img.complete ? null :
        new Promise(done => {
            img.addEventListener('load', done);
            img.addEventListener('error', done);
        })));
    // course-a11y.js measures the page once it is idle, then after changes.
    for (let t = 0; t < 100 && !document.documentElement.dataset.courseMeasured; t++) {
        await new Promise(done => setTimeout(done, 50));
    }
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""


def _open(context, url):
    """Open url in a new page of context, ready: (page, errors, failed requests).

    The errors are the exceptions the page's scripts raised and the messages
    they logged with console.error.
    """
    page = context.new_page()
    errors, failed = watch(page)
    page.on(
        "console",
        lambda m: (
            errors.append(f"console.error: {m.text}") if m.type == "error" else None
        ),
    )
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


# The room an explorer (its notebook cell) takes: its output's height, and
# how far any part of it reaches past the right edge of the text column (the
# article's content box), whether shown, cut off or scrolled out of sight by
# the widget boxes around it; the printed lines, which scroll in their own
# box if need be, do not count.
_ROOM_JS = """cell => {
    const output = cell.querySelector('.cell_output');
    const explorer = output.querySelector('.widget-subarea > *') || output;
    const article = cell.closest('.bd-article');
    const right = article.getBoundingClientRect().right
        - parseFloat(getComputedStyle(article).paddingRight);
    const reach = Math.max(...[explorer, ...explorer.querySelectorAll('*')]
        .filter(el => !el.parentElement.closest('pre'))
        .map(el => el.getBoundingClientRect().right));
    return {height: output.getBoundingClientRect().height, overflow: reach - right};
}"""

_FACTS = """async () => {
    const room = """ + _ROOM_JS + """;
    const scrollsAsLoaded = box => box.scrollWidth > box.clientWidth + 1;
    const scrollingCode = Array.from(
            document.querySelectorAll('.bd-content div.cell_input pre'))
        .filter(scrollsAsLoaded)
        .map(pre => pre.textContent.split('\\n')
            .reduce((a, b) => b.length > a.length ? b : a));
    // Solutions open, as a reader opens them: their formulas count too.
    document.querySelectorAll('.toggle-hidden')
        .forEach(e => e.classList.remove('toggle-hidden'));
    // course-a11y.js measures the page once it is idle, then after changes.
    for (let t = 0; t < 100 && !document.documentElement.dataset.courseMeasured; t++) {
        await new Promise(done => setTimeout(done, 50));
    }
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    const width = document.documentElement.clientWidth;
    const scrolls = box => box.scrollWidth > box.clientWidth + 1;
    const scroller = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    const name = el => (el.querySelector('.eqno') || el).textContent
        .trim().slice(0, 60);
    // A scroll box shows that it scrolls: a scroll bar that takes room, or
    // the shadow course.css draws on the side that has more.
    const shows = box => box.offsetHeight > box.clientHeight + 1
        || getComputedStyle(box).boxShadow !== 'none';
    const cut = [], unreachable = [], inlineBoxes = [], formulaTabStops = [];
    const article = document.querySelector('.bd-article') || document.body;
    document.querySelectorAll('.bd-content mjx-container').forEach(formula => {
        const box = formula.getBoundingClientRect();
        if (box.width === 0) { return; }  // not shown (a collapsed contents entry)
        const label = name(formula.closest('.math') || formula);
        let within = formula.parentElement;
        while (within && within !== article && !scroller(within)) {
            within = within.parentElement;
        }
        if (box.right > width + 1 && (!within || within === article)) {
            cut.push(`${label}: runs past the edge of the page`);
        }
        // Every ancestor that clips: the formula fits it, or the ancestor
        // scrolls, shows it, and the keyboard reaches it.
        // (What a box scrolls, it shows: the boxes around see only that.)
        let left = box.left, right = box.right;
        for (let el = formula; el && el !== article; el = el.parentElement) {
            const style = getComputedStyle(el);
            if (style.overflowX === 'visible') { continue; }
            const room = el.getBoundingClientRect();
            if (left < room.left - 1 || right > room.right + 1) {
                if (!scroller(el)) {
                    const by = el.tagName.toLowerCase() + '.' + el.className;
                    cut.push(`${label}: cut by ${by}`);
                } else {
                    if (el.tabIndex < 0) { unreachable.push(label); }
                    if (!shows(el)) {
                        cut.push(`${label}: scrolls with no sign of it`);
                    }
                }
            }
            left = Math.max(left, room.left);
            right = Math.min(right, room.right);
        }
    });
    document.querySelectorAll('.bd-content span.math').forEach(span => {
        if (!span.classList.contains('course-math-wide') && scroller(span)) {
            inlineBoxes.push(span.textContent.trim().slice(0, 40));
        }
    });
    // Only a formula that scrolls is a tab stop.
    document.querySelectorAll('.bd-content .math, .bd-content mjx-container')
        .forEach(el => {
            if (el.tabIndex >= 0 && !scrolls(el)) {
                formulaTabStops.push(el.textContent.trim().slice(0, 40));
            }
        });
    // Punctuation right after an inline formula starts no line of its own.
    const wrapped = [];
    document.querySelectorAll('.bd-content span.math').forEach(span => {
        const next = span.nextSibling;
        if (!next || next.nodeType !== 3 || !/^[,.;:!?)]/.test(next.textContent)) {
            return;
        }
        const range = document.createRange();
        range.setStart(next, 0);
        range.setEnd(next, 1);
        const mark = range.getBoundingClientRect();
        const formula = span.getBoundingClientRect();
        if (mark.top >= formula.bottom - 1 || mark.bottom <= formula.top + 1) {
            wrapped.push(span.textContent.trim().slice(0, 30) + next.textContent[0]);
        }
    });
    const ids = {};
    document.querySelectorAll('[id]').forEach(el => {
        ids[el.id] = (ids[el.id] || 0) + 1;
    });
    // Explorer panels in dark mode: no large light surface but the figure.
    const luminance = rgb => {
        const c = rgb.match(/[\\d.]+/g).map(Number);
        if (c.length > 3 && c[3] === 0) { return null; }
        const [r, g, b] = c.slice(0, 3).map(v => v / 255)
            .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const brightPanels = [];
    document.querySelectorAll('.cell_output:has(.widget-subarea)').forEach(out => {
        const whole = out.getBoundingClientRect();
        const area = whole.width * whole.height;
        [out, ...out.querySelectorAll('*')].forEach(el => {
            if (el.tagName === 'IMG') { return; }
            const r = el.getBoundingClientRect();
            const lum = luminance(getComputedStyle(el).backgroundColor);
            if (lum !== null && lum > 0.4 && r.width * r.height > 0.2 * area) {
                brightPanels.push(`${el.tagName.toLowerCase()}.${el.className}`);
            }
        });
    });
    const math = Array.from(document.querySelectorAll('.math'));
    const images = Array.from(document.images);
    return {
        untypeset: math.filter(n => !n.querySelector('mjx-container'))
            .map(n => n.textContent.slice(0, 80)),
        mathErrors: Array.from(document.querySelectorAll(
                'mjx-merror, .MathJax_Error, mjx-container [data-mjx-error]'))
            .map(n => n.getAttribute('data-mjx-error') || n.textContent.slice(0, 80)),
        // Each glyph is a reference to an outline the page carries
        // (_ext/prerender_math.py): one that draws nothing lost its outline.
        // (An invisible character, U+2061 after "ln", has an empty outline.)
        blankGlyphs: Array.from(document.querySelectorAll('.bd-content mjx-container'))
            .filter(c => c.getBoundingClientRect().width > 0)
            .flatMap(c => Array.from(c.querySelectorAll('use')))
            .filter(u => {
                const id = u.getAttribute('href').slice(1);
                const outline = document.getElementById(id);
                const box = u.getBBox();
                return !outline || (outline.getAttribute('d') !== ''
                                    && box.width === 0 && box.height === 0);
            })
            .map(u => u.getAttribute('href')),
        // MathJax's noundefined package shows an unknown macro as red text.
        undefinedMacros: Array.from(
                document.querySelectorAll('mjx-container mtext[mathcolor="red"]'))
            .map(n => n.textContent).filter(t => t.startsWith('\\\\')),
        cut: cut,
        unreachable: unreachable,
        inlineBoxes: inlineBoxes,
        formulaTabStops: formulaTabStops,
        wrapped: wrapped,
        repeatedIds: Object.keys(ids).filter(id => ids[id] > 1),
        brightPanels: brightPanels,
        // Figures drawn for the page (not explorer frames), and those of them
        // that are not a link to their own file (course-a11y.js).
        figures: Array.from(document.querySelectorAll('.bd-content figure img'))
            .filter(img => !img.closest('.jupyter-widgets, .course-explorer-static'))
            .map(img => ({src: img.getAttribute('src'),
                          linked: img.parentElement.matches('a.course-figure-link')
                              && img.parentElement.href === img.src,
                          shrunk: img.naturalWidth > 0
                              && img.clientWidth < 0.75 * img.naturalWidth})),
        prevNext: Array.from(document.querySelectorAll('.prev-next-area a'))
            .filter(a => [a, ...a.querySelectorAll('*')].some(el => {
                const r = el.getBoundingClientRect();
                return r.left < -1 || r.right > width + 1 || scrolls(el);
            }))
            .map(a => a.textContent.trim().slice(0, 60)),
        // Code as the page loads (solutions closed).
        scrollingCode: scrollingCode,
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
        // Explorers wider than their column.
        wideExplorers: Array.from(document.querySelectorAll('.widget-subarea'))
            .filter(w => room(w.closest('.cell')).overflow > 1)
            .map(w => w.textContent.trim().slice(0, 40)),
        links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    };
}"""

# Cumulative layout shift of the visit so far (the sum of every shift without
# recent input: at least the largest session window that CLS reports).
_CLS = """() => new Promise(done => {
    let total = 0;
    new PerformanceObserver(list => {
        for (const e of list.getEntries()) {
            if (!e.hadRecentInput) { total += e.value; }
        }
    }).observe({type: 'layout-shift', buffered: true});
    setTimeout(() => done(total), 300);
})"""

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


# Every glyph drawn with the theme's icon fonts (an element's own text, its
# ::before or its ::after) as [family, weight, code point], and any full Font
# Awesome font the page asked for (_ext/icon_subset.py cut them down to
# course-icons/). Read on the 1280 px visit only: every element's three
# styles cost a second on the longest chapter.
_ICONS = """() => {
    const icons = new Map();
    document.querySelectorAll('body *').forEach(el => {
        for (const pseudo of [null, '::before', '::after']) {
            const style = getComputedStyle(el, pseudo);
            if (!style.fontFamily.includes('Font Awesome')) { continue; }
            const text = pseudo
                ? (style.content.startsWith('"') ? style.content.slice(1, -1) : '')
                : Array.from(el.childNodes).filter(n => n.nodeType === 3)
                    .map(n => n.textContent).join('');
            for (const ch of text) {
                const point = ch.codePointAt(0);
                if (point >= 0xE000 && point <= 0xF8FF) {
                    const family = style.fontFamily.split(',')[0]
                        .replace(/["']/g, '').trim();
                    const key = `${family}|${style.fontWeight}|${point}`;
                    icons.set(key, [family, Number(style.fontWeight), point]);
                }
            }
        }
    });
    return {
        icons: Array.from(icons.values()),
        fullIconFonts: performance.getEntriesByType('resource')
            .map(r => r.name).filter(n => n.includes('/fontawesome/webfonts/')),
    };
}"""


@pytest.fixture(scope="module")
def facts(browser, origin):
    """facts(path, width, dark): what one visit of a page showed, axe-core included.

    A page is visited twice: at 1280 px in light mode and at 390 px in dark mode
    (dark defaults to width == 390). Each width and each mode is seen on every
    page, and every look-dependent test reads one of the two visits; a third
    visit per page (1280 px dark, as before) cost about 100 s of the suite.
    """
    seen = {}

    def _facts(path, width=1280, dark=None):
        if dark is None:
            dark = width == 390
        key = (path, width, dark)
        if key not in seen:
            assert AXE_JS.is_file(), (
                f"{AXE_JS} missing: run `make test-site` (npm pack axe-core)"
            )
            context, refused = offline_context(browser, origin, width=width, dark=dark)
            try:
                page, errors, failed = _open(context, f"{origin}/{path}")
                found = page.evaluate(_FACTS)
                found["cls"] = page.evaluate(_CLS)
                if width == 1280:
                    found.update(page.evaluate(_ICONS))
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


LOOKS = [(path, width, width == 390) for path in PAGES for width in WIDTHS]


def _look_id(look):
    path, width, dark = look
    return f"{path}-{width}px-{'dark' if dark else 'light'}"


@pytest.mark.parametrize("look", LOOKS, ids=_look_id)
def test_page_runs_without_script_errors_failed_requests_or_network(facts, look):
    page = facts(*look)
    assert page["errors"] == [], f"{look}: script or console errors {page['errors']}"
    assert page["failed"] == [], f"{look}: requests that failed: {page['failed']}"
    assert page["refused"] == [], f"{look}: asked the network for {page['refused']}"


@pytest.mark.parametrize("path", PAGES)
def test_every_equation_is_typeset_without_mathjax_errors(facts, path):
    page = facts(path)
    assert page["untypeset"] == [], (
        f"{path}: equations MathJax did not typeset: {page['untypeset']}"
    )
    assert page["mathErrors"] == [], f"{path}: MathJax errors: {page['mathErrors']}"
    blank = page["blankGlyphs"]
    assert blank == [], f"{path}: glyphs drawn blank: {blank}"
    assert page["undefinedMacros"] == [], (
        f"{path}: undefined TeX macros: {page['undefinedMacros']}"
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_no_formula_is_cut_and_only_wide_ones_scroll(facts, path, width):
    page = facts(path, width)
    assert page["cut"] == [], f"{path} at {width} px: {page['cut']}"
    assert page["unreachable"] == [], (
        f"{path} at {width} px: scrolling formulas no key reaches: "
        f"{page['unreachable']}"
    )
    assert page["inlineBoxes"] == [], (
        f"{path} at {width} px: inline formulas that are scroll boxes although "
        f"they fit their line: {page['inlineBoxes'][:10]}"
    )
    assert page["formulaTabStops"] == [], (
        f"{path} at {width} px: formulas that are tab stops but do not scroll: "
        f"{page['formulaTabStops'][:10]}"
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_punctuation_stays_on_the_line_of_its_formula(facts, path, width):
    page = facts(path, width)
    assert page["wrapped"] == [], (
        f"{path} at {width} px: punctuation wrapped to the next line after "
        f"{page['wrapped']}"
    )


@pytest.mark.parametrize("look", LOOKS, ids=_look_id)
def test_no_id_repeats_and_the_layout_does_not_shift(facts, look):
    page = facts(*look)
    assert page["repeatedIds"] == [], f"{_look_id(look)}: {page['repeatedIds']}"
    # Google's threshold for a "good" cumulative layout shift.
    assert page["cls"] <= 0.1, f"{_look_id(look)}: layout shift {page['cls']:.3f}"


@functools.cache
def _icon_fonts():
    """The cut icon fonts (_ext/icon_subset.py): {(family, weight): code points}."""
    from fontTools.ttLib import TTFont

    sheet = (SITE / "_static" / "course-icons.css").read_text(encoding="utf-8")
    fonts = {}
    for face in re.findall(r"@font-face \{(.*?)\}", sheet, re.S):
        family = re.search(r'font-family: "([^"]+)"', face).group(1)
        weight = int(re.search(r"font-weight: (\d+)", face).group(1))
        src = re.search(r'url\("([^"]+)"\)', face).group(1)
        cmap = TTFont(SITE / "_static" / src).getBestCmap()
        fonts[(family, weight)] = set(cmap)
    return fonts


@pytest.mark.parametrize("path", PAGES)
def test_every_icon_is_drawn_from_the_cut_icon_fonts(facts, path):
    # The theme draws its icons with Font Awesome's web fonts (274 kB per
    # page); the site serves them cut down to the glyphs it draws. Every
    # glyph the browser draws with them, in the page's text or a ::before or
    # ::after, must be in the cut font of its family and weight (else it would
    # fetch the full font), and no full font is ever requested.
    # (The widget manager brings Font Awesome 5 and its fonts, under other
    # family names; once it runs, the buttons whose classes it knows are drawn
    # with them. Those are left as they are.)
    page = facts(path)
    look = f"{path} at 1280 px"
    fonts = _icon_fonts()
    theme = [i for i in page["icons"] if i[0].startswith("Font Awesome 6")]
    assert theme, f"{look}: no icon drawn (the menu, search, mode buttons)"
    missing = [
        f"{family} {weight} U+{point:X}"
        for family, weight, point in theme
        if point not in fonts.get((family, weight), set())
    ]
    assert missing == [], f"{look}: icons not in the cut fonts: {missing}"
    assert page["fullIconFonts"] == [], f"{look}: {page['fullIconFonts']}"


@pytest.mark.parametrize("path", PAGES)
def test_prev_next_links_fit_a_390_px_screen(facts, path):
    page = facts(path, 390)
    assert page["prevNext"] == [], f"{path}: cut or off-screen: {page['prevNext']}"


@pytest.mark.parametrize("path", PAGES)
def test_every_figure_opens_full_size_from_a_phone(facts, path):
    # At 390 px a wide figure is shrunk to the column (Chapter 3's computational
    # graph to numbers a few pixels high): its image links to its own file.
    figures = facts(path, 390)["figures"]
    assert [f["src"] for f in figures if not f["linked"]] == [], path
    if path == "chapters/03-backpropagation.html":
        assert sum(f["shrunk"] for f in figures) >= 2, (
            "Chapter 3's two diagrams should be shrunk at 390 px: "
            f"nothing here to test ({figures})"
        )


@pytest.mark.parametrize("path", PAGES)
def test_explorer_panels_follow_dark_mode(facts, path):
    page = facts(path, 390, True)
    assert page["brightPanels"] == [], (
        f"{path}: light panels on the dark page: {page['brightPanels']}"
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
    assert page["wideExplorers"] == [], (
        f"{path}: explorers wider than the column: {page['wideExplorers']}"
    )
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


_ROOM = _ROOM_JS


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
        room = explorer.evaluate(_ROOM)
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
                # Every frame takes the same room: nothing below the explorer
                # moves, and it stays within its column.
                now = explorer.evaluate(_ROOM)
                assert abs(now["height"] - room["height"]) <= 1, (
                    f"{where}: {move.__name__} {before} -> {after} changed the "
                    f"explorer's height from {room['height']:.0f} to "
                    f"{now['height']:.0f} px"
                )
                assert now["overflow"] <= 1, (
                    f"{where}: {after}: reaches {now['overflow']:.0f} px past the "
                    "column"
                )
    assert errors == []


_FIRST_FRAMES = (
    "() => Array.from(document.querySelectorAll('"
    + EXPLORER.replace('"', '\\"')
    + """')).map(view => {
    const output = view.parentElement;
    const still = output.querySelector('.course-explorer-static');
    const live = output.querySelector('.widget-subarea');
    const pending = output.classList.contains('course-explorer-pending');
    const shown = still && (!live || pending) ? still : live;
    const img = shown && shown.querySelector('img.explorer-figure');
    const pre = shown && shown.querySelector('pre.explorer-text');
    return {
        static: shown === still,
        src: img && img.getAttribute('src'), alt: img && img.getAttribute('alt'),
        text: pre && pre.textContent,
        controls: Array.from(shown ? shown.querySelectorAll(
            '.course-explorer-control, .widget-slider, .widget-dropdown') : [])
            .map(c => c.matches('.course-explorer-control')
                ? c.querySelector('.course-explorer-label').textContent.trim() + ': '
                  + c.querySelector('.course-explorer-value').textContent.trim()
                : c.querySelector('.widget-label').textContent.trim() + ': '
                  + (c.matches('.widget-dropdown') ? c.querySelector('select').value
                     : c.querySelector('.widget-readout').textContent.trim())),
        height: output.getBoundingClientRect().height,
    };
})"""
)


def _open_with_the_manager_held(browser, origin, path, width):
    """Open a page offline with the widget manager's script held back.

    Returns (context, refused URLs, held routes, page); continuing the held
    routes releases the manager. The caller closes the context.
    """
    context, refused = offline_context(browser, origin, width=width)
    held = []
    context.route("**/embed-amd.js*", lambda route: held.append(route))
    try:
        page = context.new_page()
        page.goto(f"{origin}/{path}", wait_until="load")
    except BaseException:
        context.close()
        raise
    return context, refused, held, page


def _release(page, held):
    """Let the held widget manager through, once the page has asked for it.

    course-explorers.js asks for it at the reader's first act (the caller's
    scroll or click), not when the page opens.
    """
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the page never asked for the widget manager"
    for route in held:
        route.continue_()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", EXPLORER_PAGES)
def test_the_first_frame_shown_before_the_explorer_loads_is_its_own(
    browser, origin, path, width
):
    # The widget manager is held back until the first frames have been
    # measured, then released: the live explorer must start from the same
    # figure, text and control values, and take the same room (else the text
    # below it jumps when it arrives).
    context, refused, held, page = _open_with_the_manager_held(
        browser, origin, path, width
    )
    try:
        page.wait_for_function(
            "() => document.querySelector('.course-explorer-pending')"
        )
        first = page.evaluate(_FIRST_FRAMES)
        assert first and all(f["static"] and f["src"] for f in first), first
        # A reader comes near the explorer: the manager may start.
        page.locator(".course-explorer-static").first.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        _release(page, held)
        page.wait_for_function(
            "() => !document.querySelector('.course-explorer-pending, "
            ".course-explorer-static')",
            timeout=60_000,
        )
        page.evaluate(_READY, len(first))
        live = page.evaluate(_FIRST_FRAMES)
    finally:
        context.close()
    for number, (before, after) in enumerate(zip(first, live), start=1):
        where = f"{path} explorer {number} at {width} px"
        assert not after["static"]
        for key in ("src", "alt", "text"):
            assert before[key] == after[key], f"{where}: first frame's {key} differs"
        assert before["controls"] == after["controls"], (
            f"{where}: {before['controls']} then {after['controls']}"
        )
        assert abs(before["height"] - after["height"]) <= 2, (
            f"{where}: {before['height']:.0f} px before the explorer loads, "
            f"{after['height']:.0f} px after"
        )
    assert refused == []


SELF_CHECK_PAGES = [
    p for p in PAGES if "tag_self-check" in (SITE / p).read_text(encoding="utf-8")
]
_SELF_CHECK_PLACES = """() => Array.from(
    document.querySelectorAll('.cell.tag_self-check .cell_output')).map(o => {
        const first = o.querySelector('.course-selfcheck-static');
        const live = o.querySelector('.widget-subarea .self-check');
        return {first: !!first, live: !!live && !first,
                height: o.getBoundingClientRect().height};
    })"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", SELF_CHECK_PAGES)
def test_a_self_check_takes_the_room_of_its_first_frame(browser, origin, path, width):
    # Until the widget manager draws a self-check (late, on a slow network),
    # its place shows the questions; the block then takes exactly that room,
    # so that the text below does not jump when it arrives.
    context, refused, held, page = _open_with_the_manager_held(
        browser, origin, path, width
    )
    try:
        page.wait_for_timeout(300)
        first = page.evaluate(_SELF_CHECK_PLACES)
        assert first and all(f["first"] for f in first), first
        page.locator(".course-selfcheck-static").first.scroll_into_view_if_needed()
        _release(page, held)
        page.wait_for_function(
            "() => !document.querySelector('.course-selfcheck-static')",
            timeout=60_000,
        )
        page.wait_for_timeout(300)
        live = page.evaluate(_SELF_CHECK_PLACES)
    finally:
        context.close()
    for number, (before, after) in enumerate(zip(first, live), start=1):
        assert after["live"], f"{path} self-check {number} at {width} px: not drawn"
        assert abs(before["height"] - after["height"]) <= 1, (
            f"{path} self-check {number} at {width} px: {before['height']:.0f} px "
            f"before the widgets load, {after['height']:.0f} px after"
        )
    assert refused == []


# ---- the page's controls ------------------------------------------------------

CONTROL_WIDTHS = [390, 800, 1280]


def _first_chapter():
    return _chapter_url(CHAPTERS[0])


_SIDEBARS = """() => {
    const shown = el => !!el && el.getClientRects().length > 0
        && getComputedStyle(el).visibility !== 'hidden'
        && el.getBoundingClientRect().width > 0;
    const dialog = id => document.getElementById(id);
    return {
        primaryModal: dialog('pst-primary-sidebar-modal').open,
        secondaryModal: (dialog('pst-secondary-sidebar-modal') || {}).open || false,
        chapterList: Array.from(document.querySelectorAll('.bd-docs-nav a'))
            .some(a => shown(a) && a.getBoundingClientRect().right > 0),
        pageContents: Array.from(
                document.querySelectorAll('.bd-toc-nav a, .page-toc a'))
            .some(a => shown(a) && a.getBoundingClientRect().right > 0),
    };
}"""


def _visible(page, selector):
    return [
        el for el in page.locator(selector).all() if el.is_visible()
    ]


# Chapter 1 opens with a self-check: within a screen of the top, where the
# manager used to start as soon as the page was parsed.
FIRST_SCREEN_SELF_CHECK = "chapters/01-sigmoid.html"
MANAGER_FILES = ("embed-amd.js", "require.js", "/widget-state/")


def test_the_widget_manager_waits_for_the_reader(browser, origin):
    # Nothing of the manager is fetched or run while a reader only looks at
    # the page as it opened (on a phone its one task freezes the page for
    # about 1.7 s, and its files are 1.4 MB); the first scroll starts it.
    context, refused = offline_context(browser, origin, width=390, height=844)
    try:
        page = context.new_page()
        asked = []
        page.on("request", lambda r: asked.append(r.url))
        page.goto(f"{origin}/{FIRST_SCREEN_SELF_CHECK}", wait_until="load")
        page.wait_for_timeout(2000)
        early = [u for u in asked if any(f in u for f in MANAGER_FILES)]
        assert early == [], f"fetched before the reader did anything: {early}"
        assert page.locator(".widget-subarea").count() == 0
        # The self-check is within a screen of the top: near enough, once the
        # reader acts.
        first = page.locator(".course-selfcheck-static").first
        assert first.is_visible() and first.bounding_box()["y"] < 2 * 844
        page.mouse.wheel(0, 200)
        page.wait_for_function(
            "() => !document.querySelector('.course-selfcheck-static')",
            timeout=60_000,
        )
        fetched = [f for f in MANAGER_FILES if any(f in u for u in asked)]
        assert fetched == list(MANAGER_FILES), fetched
    finally:
        context.close()
    assert refused == []


def test_an_option_picked_before_the_self_check_loads_is_picked_in_it(
    browser, origin
):
    # On a slow network the first tap lands on the self-check's first frame:
    # the option shows as picked, and the live block, once drawn, has it
    # picked and shows its feedback.
    context, refused, held, page = _open_with_the_manager_held(
        browser, origin, FIRST_SCREEN_SELF_CHECK, 390
    )
    try:
        frame = page.locator(".course-selfcheck-static").first
        option = frame.locator(".course-selfcheck-option").nth(1)
        label = option.inner_text().strip()
        option.click()
        assert "course-selfcheck-picked" in option.get_attribute("class")
        _release(page, held)
        page.wait_for_function(
            "() => !document.querySelector('.course-selfcheck-static')",
            timeout=60_000,
        )
        block = page.locator(".cell.tag_self-check .widget-subarea .self-check").first
        radio = block.locator('input[type="radio"]').nth(1)
        page.wait_for_function("el => el.checked", arg=radio.element_handle())
        verdict = block.locator(".self-check-verdict").first
        verdict.wait_for(timeout=15_000)
        picked = radio.evaluate("el => el.closest('label').innerText.trim()")
        others = block.locator('input[type="radio"]:checked').count()
    finally:
        context.close()
    assert picked == label
    assert others == 1
    assert refused == []


@pytest.mark.parametrize("width", CONTROL_WIDTHS)
def test_sidebar_toggles_open_and_close_the_menus_at_every_width(
    browser, origin, width
):
    context, _ = offline_context(browser, origin, width=width, height=844)
    try:
        page, errors, _ = _open(context, f"{origin}/{_first_chapter()}")
        toggles = {
            "primary": _visible(page, ".primary-toggle"),
            "secondary": _visible(page, ".secondary-toggle"),
        }
        assert len(toggles["primary"]) == 1, (
            f"{width} px: {len(toggles['primary'])} visible chapter-list toggles"
        )
        assert len(toggles["secondary"]) <= 1
        shows = {"primary": "chapterList", "secondary": "pageContents"}
        for side, found in toggles.items():
            for toggle in found:
                shown_before = page.evaluate(_SIDEBARS)[shows[side]]
                toggle.click()
                page.wait_for_timeout(400)
                state = page.evaluate(_SIDEBARS)
                modal = state[f"{side}Modal"]
                if modal:
                    # A dialog over the page (narrow screens): it shows the
                    # menu; Escape closes it, and so does a tap beside it.
                    assert state[shows[side]], f"{width} px: {side} dialog is empty"
                    page.keyboard.press("Escape")
                    page.wait_for_timeout(300)
                    assert not page.evaluate(_SIDEBARS)[f"{side}Modal"]
                    toggle.click()
                    page.wait_for_timeout(300)
                    assert page.evaluate(_SIDEBARS)[f"{side}Modal"]
                    # The primary menu slides in from the left, the other
                    # from the right: tap the far side.
                    page.mouse.click(width - 5 if side == "primary" else 5, 700)
                    page.wait_for_timeout(300)
                    assert not page.evaluate(_SIDEBARS)[f"{side}Modal"], (
                        f"{width} px: a tap beside the {side} menu left it open"
                    )
                else:
                    # A sidebar beside the text (wide screens): it collapses
                    # and comes back.
                    assert state[shows[side]] != shown_before, (
                        f"{width} px: the {side} toggle changed nothing"
                    )
                    toggle.click()
                    page.wait_for_timeout(400)
                    assert page.evaluate(_SIDEBARS)[shows[side]] == shown_before
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_one_header_with_one_search(browser, origin, width):
    context, _ = offline_context(browser, origin, width=width)
    try:
        page, _, _ = _open(context, f"{origin}/{_first_chapter()}")
        searches = _visible(
            page, ".search-button, .search-button-field, form.bd-search"
        )
        assert len(searches) == 1, f"{width} px: {len(searches)} search fields"
        header = page.locator("#pst-header")
        assert not header.count() or (header.bounding_box() or {"height": 0})[
            "height"
        ] < 1, f"{width} px: the theme's top bar shows above the article's"
    finally:
        context.close()


def test_a_tapped_toggle_leaves_no_tooltip(browser, origin):
    context, _ = offline_context(
        browser, origin, width=390, height=844, has_touch=True, is_mobile=True
    )
    try:
        page, _, _ = _open(context, f"{origin}/{_first_chapter()}")
        for selector in (".primary-toggle", ".secondary-toggle"):
            toggle = _visible(page, selector)[0]
            toggle.tap()
            page.wait_for_timeout(500)
            page.keyboard.press("Escape")
            page.wait_for_timeout(500)
            tips = [t.inner_text() for t in _visible(page, ".tooltip")]
            assert tips == [], f"after a tap on {selector}: tooltips {tips} stay up"
    finally:
        context.close()


_FOCUS_RING = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) { return null; }
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) { return null; }
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
        && !/rgba\\(.*, 0\\)$/.test(s.outlineColor);
    const shadow = s.boxShadow !== 'none' && !/^rgba\\(0, 0, 0, 0\\)/.test(s.boxShadow);
    return {ring: outline || shadow,
            name: (el.getAttribute('aria-label') || el.getAttribute('title')
                   || el.textContent || el.tagName).trim().slice(0, 40),
            tag: el.tagName.toLowerCase() + '.' + String(el.className).slice(0, 60)};
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_every_control_reached_by_tab_shows_a_focus_ring(browser, origin, width):
    # The first stops: the skip link, the sidebar's links and search, the
    # toggle and the launch, source, download, full-screen and colour
    # buttons, then the article's links; and a chapter's solution buttons.
    context, _ = offline_context(browser, origin, width=width)
    try:
        page, _, _ = _open(context, f"{origin}/{_first_chapter()}")
        page.locator(".solution .admonition-title").first.scroll_into_view_if_needed()
        page.evaluate("window.scrollTo(0, 0)")
        page.locator("body").focus()
        missing, seen = [], set()
        for _ in range(70):
            page.keyboard.press("Tab")
            found = page.evaluate(_FOCUS_RING)
            if found and not found["ring"] and found["tag"] not in seen:
                missing.append(f"{found['tag']} ({found['name']})")
            if found:
                seen.add(found["tag"])
        assert missing == [], f"{width} px: no visible focus ring on {missing}"
    finally:
        context.close()


_MOVING = """() => {
    const long = value => value.split(',').some(v => parseFloat(v) > 0.011);
    return Array.from(document.querySelectorAll('*')).filter(el => {
        const s = getComputedStyle(el);
        return (long(s.transitionDuration) && s.transitionProperty !== 'none')
            || (long(s.animationDuration) && s.animationName !== 'none')
            || s.scrollBehavior === 'smooth';
    }).map(el => el.tagName.toLowerCase() + '.' + String(el.className).slice(0, 50));
}"""


def test_no_motion_when_the_reader_asks_for_less(browser, origin):
    context, _ = offline_context(browser, origin, reduced_motion="reduce")
    try:
        page, _, _ = _open(context, f"{origin}/{_first_chapter()}")
        page.locator(".solution .admonition-title").first.click()
        page.locator(".primary-toggle").first.click()
        page.wait_for_timeout(300)
        moving = page.evaluate(_MOVING)
        assert moving == [], f"transitions or animations: {sorted(set(moving))[:10]}"
    finally:
        context.close()


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
