"""Checks of the built site in _build/html (run after `jupyter-book build -W`).

These read the HTML that the strict build wrote: every check that needs no
JavaScript is here, once. tests/test_site.py opens the same pages in a real
browser for what only a browser shows (scripts, layout, the explorers moving).
"""

import gzip
import html
import importlib.util
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import numpy as np
import pytest

from notebooks import ROOT, binder_url, code_cells, load, toc_files, toc_notebooks
from sigmoid_course.selfcheck import saved_self_checks

SITE = ROOT / "_build" / "html"
NOTEBOOKS = toc_notebooks()
IDS = [p.name for p in NOTEBOOKS]
PAGES = sorted(SITE.rglob("*.html")) if SITE.is_dir() else []
CHEATSHEET = ROOT / "chapters" / "cheatsheet.md"
EQUATION_LABEL = re.compile(r"\$\$\s*\((eq-[\w-]+)\)")


def _site_budget():
    """benchmarks/site_budget.py, which owns the page-weight measure and the budget."""
    spec = importlib.util.spec_from_file_location(
        "site_budget", ROOT / "benchmarks" / "site_budget.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _markdown(nb):
    return "\n".join(
        "".join(c["source"]) for c in load(nb)["cells"] if c["cell_type"] == "markdown"
    )


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.links, self.figcaptions, self.scripts = [], [], 0, []
        self.alts = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs.get("src", ""))
            self.alts.append((attrs.get("src", ""), attrs.get("alt")))
        elif tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        elif tag == "figcaption":
            self.figcaptions += 1
        elif tag == "script":
            self.scripts.append(attrs)


def _page(nb):
    path = SITE / "chapters" / (nb.stem + ".html")
    assert path.exists(), f"{path} missing: run `make book-strict` first"
    text = path.read_text(encoding="utf-8")
    parsed = _Page()
    parsed.feed(text)
    return path, text, parsed


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_every_image_on_a_chapter_page_exists(nb):
    path, _, page = _page(nb)
    figures = [
        src for src in page.images if not src.startswith(("http:", "https:", "data:"))
    ]
    assert figures, f"{nb.name}: no figures on the page"
    for src in figures:
        assert (path.parent / urlsplit(src).path).resolve().is_file(), (
            f"{nb.name}: missing image {src}"
        )


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_every_code_figure_has_a_caption(nb):
    captioned = [
        c
        for c in code_cells(nb)
        if c["metadata"].get("mystnb", {}).get("figure", {}).get("caption")
    ]
    with_images = [
        c
        for c in code_cells(nb)
        if any("image/png" in o.get("data", {}) for o in c["outputs"])
    ]
    assert len(captioned) == len(with_images), (
        f"{nb.name}: a figure cell has no caption/name"
    )
    _, _, page = _page(nb)
    assert page.figcaptions >= len(captioned)


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_equations_are_numbered_and_no_cell_failed(nb):
    _, text, _ = _page(nb)
    assert re.search(r'class="math notranslate nohighlight"', text), "no display math"
    assert 'class="eqno"' in text, "no numbered equation"
    assert "Traceback" not in text and 'class="output traceback' not in text


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_solutions_are_collapsed_by_default(nb):
    _, text, _ = _page(nb)
    solutions = re.findall(r'<div class="solution[^"]*"', text)
    assert solutions, f"{nb.name}: no solutions"
    assert all("dropdown" in s for s in solutions), solutions


WIDGET_STATE = re.compile(
    r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S
)
WIDGET_VIEW = re.compile(
    r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>', re.S
)


# Self-checks (cells tagged self-check) are widgets too, but no explorers:
# tests/test_selfcheck.py checks their saved state.
EXPLORER_CHAPTERS = [
    nb
    for nb in NOTEBOOKS
    if any(
        "application/vnd.jupyter.widget-view+json" in o.get("data", {})
        for c in code_cells(nb)
        if "self-check" not in c.get("metadata", {}).get("tags", [])
        for o in c["outputs"]
    )
]


def test_the_book_has_explorers():
    assert EXPLORER_CHAPTERS, "no chapter shows an explorer"


def _frames(models, model_id):
    """The frame models under a tree of Stacks, depth first."""
    model = models[model_id]
    if model["model_name"] != "StackModel":
        return [model_id]
    children = [c.removeprefix("IPY_MODEL_") for c in model["state"]["children"]]
    return [f for c in children for f in _frames(models, c)]


def _saved_state(path, text):
    """The widget models a page's explorers are drawn from: the JSON file that
    its window.courseExplorers names (_ext/explorers.py moved it out of the page)."""
    assert not WIDGET_STATE.findall(text), f"{path.name}: widget state in the page"
    found = re.search(r"window\.courseExplorers = (\{.*?\});", text)
    assert found, f"{path.name}: no explorers' state"
    state = json.loads(found.group(1))["state"]
    saved = (path.parent / urlsplit(state).path).resolve()
    return json.loads(saved.read_text(encoding="utf-8"))["state"]


@pytest.mark.parametrize("nb", EXPLORER_CHAPTERS, ids=lambda p: p.name)
def test_saved_widget_state_holds_every_frame_of_every_explorer(nb):
    """Each explorer: controls whose index drives Stacks, a frame per combination."""
    path, text, _ = _page(nb)
    models = _saved_state(path, text)
    links = [m["state"] for m in models.values() if m["model_name"] == "LinkModel"]
    linked = {
        (t.removeprefix("IPY_MODEL_"), trait): s.removeprefix("IPY_MODEL_")
        for link in links
        for (s, _), (t, trait) in [(link["source"], link["target"])]
    }
    views = [json.loads(v)["model_id"] for v in WIDGET_VIEW.findall(text)]
    classes = {m: model["state"].get("_dom_classes", []) for m, model in models.items()}
    views = [v for v in views if "self-check" not in classes.get(v, [])]
    assert views, f"{nb.name}: the page shows no explorer"
    for view in views:
        assert view in models, f"{nb.name}: explorer {view} has no saved state"
        controls_box, stack = (
            c.removeprefix("IPY_MODEL_") for c in models[view]["state"]["children"]
        )
        controls = [
            c.removeprefix("IPY_MODEL_")
            for c in models[controls_box]["state"]["children"]
        ]
        sizes = [len(models[c]["state"]["_options_labels"]) for c in controls]
        frames = _frames(models, stack)
        assert len(frames) == np.prod(sizes), (
            f"{nb.name}: {len(frames)} frames for options {sizes}"
        )
        # Every Stack at depth d follows control d.
        level, depth = [stack], 0
        while level and models[level[0]]["model_name"] == "StackModel":
            for s in level:
                assert linked.get((s, "selected_index")) == controls[depth], (
                    f"{nb.name}: Stack {s}"
                )
                assert (
                    models[s]["state"]["selected_index"]
                    == models[controls[depth]]["state"]["index"]
                )
            level = [
                c.removeprefix("IPY_MODEL_")
                for s in level
                for c in models[s]["state"]["children"]
            ]
            depth += 1
        assert depth == len(controls)
        for f in frames:
            value = models[f]["state"]["value"]
            assert re.match(
                r'<img src="data:image/png;base64,[^"]+" alt="[^"]{20,}"', value
            ), value[:120]
            assert '<pre class="explorer-text">' in value


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(SITE).as_posix())
def test_every_image_has_alt_text_that_is_not_a_file_name(page):
    parsed = _Page()
    parsed.feed(page.read_text(encoding="utf-8"))
    for src, alt in parsed.alts:
        assert alt and alt.strip(), f"{page.name}: {src} has no alt text"
        # A file name: an image extension, or one word with a path separator
        # or a leading underscore ("1/4" inside a sentence is no path).
        file_name = re.search(r"\.(png|jpe?g|svg|gif)\b", alt, re.I) or (
            re.fullmatch(r"\S+", alt.strip()) and re.search(r"[/\\]|^_", alt.strip())
        )
        assert not file_name, f"{page.name}: alt {alt!r} for {src}"


def test_every_page_has_a_title_of_its_own():
    titles = {}
    for page in PAGES:
        match = re.search(
            r"<h1>(.*?)<a class=\"headerlink\"", page.read_text(encoding="utf-8"), re.S
        )
        if match:
            titles.setdefault(
                re.sub(r"<[^>]+>", "", match.group(1)).strip(), []
            ).append(page.name)
    repeated = {t: p for t, p in titles.items() if len(p) > 1}
    assert titles and repeated == {}, repeated


def test_references_are_labelled_by_author_and_year_like_the_citations():
    text = (SITE / "chapters" / "references.html").read_text(encoding="utf-8")
    labels = re.findall(
        r'<span class="label"><span class="fn-bracket">\[</span>(.*?)<span', text
    )
    assert labels, "no labelled reference"
    for label in labels:
        assert re.fullmatch(
            r"[^\W\d][\w\u00C0-\u024F' -]*(?: and [\w -]+| et al\.)?, \d{4}[a-z]?",
            label,
        ), label
    assert "Bengio et al., 1994" in labels and "Glorot and Bengio, 2010" in labels
    # Every citation in the chapters reads as its entry's label: the text
    # "Bengio et al. [1994]" or "(Bengio et al., 1994)" cites [Bengio et al., 1994].
    entry = (r'<div class="citation" id="([^"]+)"[^>]*>\s*<span class="label">'
             r'<span class="fn-bracket">\[</span>(.*?)<span')
    by_id = dict(re.findall(entry, text))
    cited = 0
    for nb in NOTEBOOKS:
        _, page, _ = _page(nb)
        citation = r'<span class="bibtex-citation"[^>]*>(.*?)</span>'
        spans = re.findall(citation, page, re.S)
        for span in spans:
            for before, ref, year in re.findall(
                    r'(.*?)<a class="reference internal" '
                    r'href="references.html#([^"]+)"[^>]*>'
                    r"(.*?)</a>", span, re.S):
                author = re.sub(r"<[^>]+>", "", before).strip(" ([,;")
                # "(Bengio et al., 1994)" links author and year together.
                shown = re.sub(r"<[^>]+>", "", f"{author}, {year}" if author else year)
                # Two works of the same authors and year are "1986a" and
                # "1986b" on the References page; the citation prints the
                # year alone, and its link goes to the right one.
                same = by_id[ref] == shown or (
                    re.fullmatch(re.escape(shown) + "[a-z]", by_id[ref])
                    and labels.count(by_id[ref]) == 1
                )
                assert same, (nb.name, shown, by_id[ref])
                cited += 1
    assert cited > 0, "no citation found in the chapters"
    assert not re.search(r"\b\d+ edition", text), "an edition printed as a bare number"
    assert 'role="doc-biblioentry"' not in text


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_binder_button_opens_this_notebook_in_jupyterlab(nb):
    _, _, page = _page(nb)
    binder = [h for h in page.links if h.startswith("https://mybinder.org/")]
    assert binder == [binder_url(nb)]


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_every_figure_is_named_and_the_text_refers_to_it_by_number(nb):
    figures = [
        c["metadata"].get("mystnb", {}).get("figure", {}) for c in code_cells(nb)
    ]
    names = [f.get("name", "") for f in figures if f]
    assert all(name.startswith("fig-") for name in names), (
        f"{nb.name}: figure names {names}"
    )
    text = _markdown(nb)
    unreferenced = [
        n
        for n in names
        if not re.search(r"\{numref\}`(?:[^`]*<)?" + re.escape(n) + r">?`", text)
    ]
    assert unreferenced == [], f"{nb.name}: no {{numref}} to {unreferenced}"


def test_figure_and_equation_names_are_unique_across_the_book():
    names = [
        c["metadata"].get("mystnb", {}).get("figure", {}).get("name")
        for nb in NOTEBOOKS
        for c in code_cells(nb)
    ]
    names = [n for n in names if n] + [
        label for nb in NOTEBOOKS for label in EQUATION_LABEL.findall(_markdown(nb))
    ]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_cheatsheet_links_every_numbered_equation_of_the_chapters():
    text = CHEATSHEET.read_text(encoding="utf-8")
    linked = set(re.findall(r"\{eq\}`([^`]+)`", text))
    excluded = set(
        " ".join(re.findall(r"^% not-in-cheatsheet:(.*)$", text, re.M)).split()
    )
    labels = {
        label: nb.name
        for nb in NOTEBOOKS
        for label in EQUATION_LABEL.findall(_markdown(nb))
    }
    missing = sorted(
        f"{label} ({name})"
        for label, name in labels.items()
        if label not in linked | excluded
    )
    assert missing == [], f"chapters/cheatsheet.md has no line for {missing}"
    assert (excluded - set(labels)) == set(), (
        f"stale not-in-cheatsheet labels: {excluded - set(labels)}"
    )
    assert "chapters/cheatsheet" in toc_files()


def test_every_page_gets_its_scripts_and_styles_from_the_site():
    assert PAGES, "no built site: run `make book-strict` first"
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        remote = re.findall(
            r'<(?:script|link)\b[^>]*\b(?:src|href)="((?:https?:)?//[^"]+)"', text
        )
        assert remote == [], f"{page.relative_to(SITE)} loads {remote}"


# ---- what a page sends before its first paint -------------------------------
# The reading pages: not the files under _static/, not the redirect.
READING_PAGES = [
    p
    for p in PAGES
    if not p.relative_to(SITE).as_posix().startswith("_")
    and 'http-equiv="Refresh"' not in p.read_text(encoding="utf-8")
]
READING_IDS = [p.relative_to(SITE).as_posix() for p in READING_PAGES]
# Scripts that may hold up the first paint: the theme's own, tiny (0.4 kB),
# which the page's inline scripts need at once (_ext/site_head.py).
BLOCKING_ALLOWED = {"documentation_options.js"}
# Inline scripts in <head> run before the first paint: a few short settings.
INLINE_HEAD_BYTES = 3_000
# Gzipped bytes that must arrive before the first paint: the page's HTML,
# its style sheets and any blocking script. On "Slow 4G" (1.6 Mbit/s,
# 150 ms round trips) 250 kB take about 1.4 s, which leaves the first paint
# within 3 s. Measured at the time of writing: 95-170 kB.
FIRST_PAINT_BYTES = 250_000


class _Head(HTMLParser):
    """What a page's <head> asks for: its scripts, style sheets and meta tags."""

    def __init__(self):
        super().__init__()
        self.in_head, self.script = False, None
        self.scripts, self.styles, self.metas, self.icons = [], [], [], []
        self.ids = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "head":
            self.in_head = True
        if not self.in_head:
            return
        if tag == "script":
            self.script = dict(attrs, body="")
            self.scripts.append(self.script)
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.styles.append(attrs["href"])
        elif tag == "link" and attrs.get("rel") in ("icon", "shortcut icon"):
            self.icons.append(attrs.get("href", ""))
        elif tag == "meta":
            self.metas.append(attrs)

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False
        if tag == "script":
            self.script = None

    def handle_data(self, data):
        if self.script is not None:
            self.script["body"] += data


def _head(page):
    parsed = _Head()
    parsed.feed(page.read_text(encoding="utf-8"))
    return parsed


def _local(page, url):
    return (page.parent / urlsplit(url).path).resolve()


def _blocking_scripts(head):
    return [
        s
        for s in head.scripts
        if s.get("src")
        and "defer" not in s
        and "async" not in s
        and s.get("type") != "module"
    ]


@pytest.mark.parametrize("page", READING_PAGES, ids=READING_IDS)
def test_no_script_in_head_holds_up_the_first_paint(page):
    head = _head(page)
    blocking = [
        s["src"]
        for s in _blocking_scripts(head)
        if urlsplit(s["src"]).path.rsplit("/", 1)[-1] not in BLOCKING_ALLOWED
    ]
    assert blocking == [], f"scripts in <head> without defer or async: {blocking}"
    inline = sum(len(s["body"].encode()) for s in head.scripts if not s.get("src"))
    assert inline <= INLINE_HEAD_BYTES, (
        f"{inline} bytes of inline script in <head> "
        f"({[s.get('type', 'js') for s in head.scripts if len(s['body']) > 500]})"
    )
    assert not [s for s in head.scripts if "widget-state" in s.get("type", "")], (
        "the explorers' saved state is in <head>"
    )


@pytest.mark.parametrize("page", READING_PAGES, ids=READING_IDS)
def test_bytes_before_the_first_paint_are_within_budget(page):
    head = _head(page)
    files = [page] + [
        _local(page, url)
        for url in head.styles + [s["src"] for s in _blocking_scripts(head)]
        if "://" not in url
    ]
    missing = [f for f in files if not f.is_file()]
    assert missing == [], f"{page.name} names missing files: {missing}"
    sent = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
    print(f"{page.relative_to(SITE)}: {sent / 1e3:.0f} kB gzipped before first paint")
    assert sent <= FIRST_PAINT_BYTES, (
        f"{page.relative_to(SITE)}: {sent / 1e3:.0f} kB (gzip) before the first "
        f"paint, budget {FIRST_PAINT_BYTES / 1e3:.0f} kB"
    )


def test_icons_are_drawn_one_way_only():
    # The theme's style sheet draws its icons with the Font Awesome web
    # fonts; its fontawesome.js (1.45 MB) drew them a second time as SVGs.
    for page in READING_PAGES:
        text = page.read_text(encoding="utf-8")
        assert "fontawesome.js" not in text, f"{page.relative_to(SITE)} loads it"
        assert "fa-solid" in text or "fa-brands" in text


FIGURE = re.compile(r'<img\b[^>]*\bsrc="([^"]*_images/[^"]+\.png)"[^>]*>')


@pytest.mark.parametrize("page", READING_PAGES, ids=READING_IDS)
def test_every_figure_keeps_its_room_and_all_but_the_first_load_when_near(page):
    # Each figure has its file's width and height, so the browser keeps its
    # room before it loads (a figure without them made the page be laid out
    # again when it arrived); every one but the page's first waits until a
    # reader comes near it.
    text = page.read_text(encoding="utf-8")
    for k, found in enumerate(FIGURE.finditer(text)):
        tag = found.group(0)
        head = _local(page, found.group(1)).read_bytes()[:24]
        assert head[12:16] == b"IHDR", found.group(1)
        width, height = int.from_bytes(head[16:20]), int.from_bytes(head[20:24])
        assert f'width="{width}"' in tag and f'height="{height}"' in tag, tag
        assert ('loading="lazy"' in tag) == (k > 0), tag


SEARCH_SCRIPTS = ("searchtools.js", "language_data.js", "searchindex.js")


@pytest.mark.parametrize("page", READING_PAGES, ids=READING_IDS)
def test_only_the_search_page_loads_the_search_index(page):
    # The theme loads the search scripts on every page for its
    # search-as-you-type option, which is off: searchindex.js alone is the
    # size of a chapter's text. The search page needs them (test_site.py
    # searches on it).
    scripts = [urlsplit(s.get("src", "")).path for s in _head(page).scripts]
    found = [name for name in SEARCH_SCRIPTS if any(s.endswith(name) for s in scripts)]
    if page.name == "search.html":
        assert found == list(SEARCH_SCRIPTS)
    else:
        assert found == [], f"{page.relative_to(SITE)} loads {found}"


# The cut icon fonts (_ext/icon_subset.py): a few kB each; the theme's were
# 156 kB (solid), 25 kB (regular) and 118 kB (brands).
ICON_FONT_BYTES = 8_000


def test_icon_fonts_are_cut_to_the_icons_the_site_draws():
    from fontTools.ttLib import TTFont

    sheet = SITE / "_static" / "course-icons.css"
    text = sheet.read_text(encoding="utf-8")
    faces = re.findall(r"@font-face \{(.*?)\}", text, re.S)
    families = set()
    for face in faces:
        font = SITE / "_static" / re.search(r'url\("([^"]+)"\)', face).group(1)
        size = font.stat().st_size
        assert size <= ICON_FONT_BYTES, f"{font.name}: {size} B"
        # The face claims exactly the glyphs its font has (beyond them the
        # browser falls back on the theme's full font).
        claimed = set()
        for span in re.search(r"unicode-range: ([^;]+);", face).group(1).split(", "):
            low, _, high = span.removeprefix("U+").partition("-")
            claimed.update(range(int(low, 16), int(high or low, 16) + 1))
        assert claimed == set(TTFont(font).getBestCmap()), font.name
        families.add(re.search(r'font-family: "([^"]+)"', face).group(1))
    assert families == {"Font Awesome 6 Free", "Font Awesome 6 Brands"}
    for page in READING_PAGES:
        styles = [urlsplit(s).path for s in _head(page).styles]
        theme = [
            k for k, s in enumerate(styles) if s.endswith("pydata-sphinx-theme.css")
        ]
        mine = [k for k, s in enumerate(styles) if s.endswith("course-icons.css")]
        # After the theme's style sheet: faces are searched from the last defined.
        assert theme and mine and mine[0] > theme[0], page.relative_to(SITE)


@pytest.mark.parametrize("page", READING_PAGES, ids=READING_IDS)
def test_formulas_are_typeset_when_the_site_is_built(page):
    text = page.read_text(encoding="utf-8")
    head = _head(page)
    loads = [s.get("src") for s in head.scripts if "mathjax" in (s.get("src") or "")]
    assert loads == [], f"the page loads MathJax: {loads}"
    assert not [s for s in head.scripts if "window.MathJax" in s["body"]]
    math = re.findall(
        r'<(span|div)\b[^>]*\bclass="(?:[^"]*\s)?math(?:\s[^"]*)?"[^>]*>(.*?)</\1>',
        text,
        re.S,
    )
    raw = [inner[:80] for _, inner in math if "<mjx-container" not in inner]
    assert raw == [], f"formulas left as TeX: {raw[:5]}"
    if math:
        style = re.findall(r'<style id="MJX-SVG-styles">(.*?)</style>', text, re.S)
        assert len(style) == 1, "typeset formulas but no MathJax style sheet"
        assert "url(" not in style[0], "the formulas need no file (a web font)"
        # Every glyph a formula draws is outlined once on the page, at the
        # start of its body, and nothing else is.
        caches = re.findall(
            r'<body\b[^>]*>\s*<svg id="MJX-SVG-global-cache"[^>]*>(.*?)</svg>',
            text,
            re.S,
        )
        assert len(caches) == 1, "no glyph outlines at the start of the body"
        outlined = re.findall(r'<path id="([^"]+)"', caches[0])
        assert len(outlined) == len(set(outlined)) > 0
        drawn = set(re.findall(r'<use href="#([^"]+)"', text))
        assert drawn, "formulas that draw no glyph"
        assert sorted(drawn - set(outlined)) == [], "glyphs drawn but not outlined"
        assert sorted(set(outlined) - drawn) == [], "glyphs outlined but not drawn"


def test_the_mathjax_the_explorers_may_load_is_served_by_the_site():
    # _static/widget-manager-compat.js loads it if an explorer's label holds TeX.
    assert (SITE / "_static" / "mathjax" / "tex-chtml.js").is_file()


@pytest.mark.parametrize("page", READING_PAGES, ids=READING_IDS)
def test_each_page_has_one_viewport_tag_a_favicon_and_no_repeated_id(page):
    head = _head(page)
    viewports = [m for m in head.metas if m.get("name") == "viewport"]
    assert len(viewports) == 1, f"{len(viewports)} viewport tags: {viewports}"
    assert len(head.icons) == 1 and _local(page, head.icons[0]).is_file(), head.icons
    repeated = sorted({i for i in head.ids if head.ids.count(i) > 1})
    assert repeated == [], f"ids written more than once: {repeated}"


def test_every_page_has_a_description_of_its_own():
    descriptions = {}
    for page in READING_PAGES:
        found = [m for m in _head(page).metas if m.get("name") == "description"]
        where = page.relative_to(SITE).as_posix()
        assert len(found) == 1, f"{where}: {len(found)} meta descriptions"
        content = found[0].get("content", "")
        assert 50 <= len(content) <= 320, f"{where}: {content!r}"
        assert "\\" not in content and "$" not in content, f"{where}: {content!r}"
        descriptions.setdefault(content, []).append(where)
    shared = {d: p for d, p in descriptions.items() if len(p) > 1}
    assert shared == {}, f"pages sharing a description: {shared}"


def test_punctuation_after_an_inline_formula_is_kept_with_it():
    # A comma or full stop right after a formula could start the next line
    # (a formula is one unbreakable box; the break before punctuation after
    # it is allowed). _ext/prerender_math.py wraps the two in .course-nowrap.
    loose = []
    for page in READING_PAGES:
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(
            r'(<span class="course-nowrap">[(\[“‘]?)?<span class="math notranslate '
            r'nohighlight">(?:(?!</span>).)*?</mjx-container></span>([,.;:!?)])',
            text,
            re.S,
        ):
            if not match.group(1):
                loose.append((page.name, match.group(2)))
    assert loose == [], f"{len(loose)} formulas with loose punctuation: {loose[:5]}"


WIDGET_VIEW_TAG = '<script type="application/vnd.jupyter.widget-view+json">'


@pytest.mark.parametrize("page", READING_PAGES, ids=READING_IDS)
def test_explorers_show_their_first_frame_and_load_after_the_text(page):
    text = page.read_text(encoding="utf-8")
    views = text.count(WIDGET_VIEW_TAG)
    if not views:
        assert "window.courseExplorers" not in text
        return
    assert "application/vnd.jupyter.widget-state+json" not in text
    assert not re.search(r'<script[^>]*src="[^"]*(embed-amd|require)\.js', text)
    config = json.loads(
        re.search(r"window\.courseExplorers = (\{.*?\});", text).group(1)
    )
    state = json.loads(_local(page, config["state"]).read_text(encoding="utf-8"))
    assert all(_local(page, url).is_file() for url in config["scripts"]), config
    frames = re.findall(
        r'<div class="course-explorer-static" data-model-id="([^"]+)">(.*?)'
        + re.escape(WIDGET_VIEW_TAG),
        text,
        re.S,
    )
    models = state["state"]

    def draws_frames(model_id):
        model = models.get(model_id, {})
        if "explorer-figure" in str(model.get("state", {}).get("value", "")):
            return True
        children = model.get("state", {}).get("children", [])
        return any(draws_frames(c.removeprefix("IPY_MODEL_")) for c in children)

    shown = [
        json.loads(v)["model_id"]
        for v in re.findall(re.escape(WIDGET_VIEW_TAG) + r"(.*?)</script>", text, re.S)
    ]
    explorers = [m for m in shown if draws_frames(m)]
    assert [m for m, _ in frames] == explorers, (
        f"first frames for {[m for m, _ in frames]}, explorers {explorers}"
    )
    for _, markup in frames:
        assert re.search(r'<img [^>]*alt="[^"]{20,}"', markup), markup[:200]
        assert '<pre class="explorer-text">' in markup
        assert "course-explorer-control" in markup


SELF_CHECK_FRAME = re.compile(
    r'<div class="course-selfcheck-static" data-model-id="([^"]+)">(.*?)'
    + re.escape(WIDGET_VIEW_TAG),
    re.S,
)


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_self_checks_show_their_questions_before_the_widgets_load(nb):
    # The widget manager draws a self-check late on a slow network: until
    # then its place holds the title, prompts and options (none picked, no
    # feedback), so that the text below does not jump when it arrives.
    # (The page comes from a fresh execution: its model ids are not the
    # committed notebook's, so the blocks are matched in order.)
    blocks = saved_self_checks(load(nb))
    _, text, _ = _page(nb)
    frames = [markup for _, markup in SELF_CHECK_FRAME.findall(text)]
    assert len(frames) == len(blocks), (len(frames), len(blocks))
    for block, markup in zip(blocks, frames):
        shown = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())
        assert f"Self-check: {block.title}" in shown, (block.title, shown[:200])
        for q in block.questions:
            assert " ".join(q.prompt.split()) in shown, q.prompt
            assert all(label in shown for label in q.labels), q.labels
        assert "self-check-verdict" not in markup and "<input" not in markup


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_chapter_page_weight_is_within_budget(nb):
    budget = _site_budget()
    page = SITE / "chapters" / (nb.stem + ".html")
    html, images = budget.page_weight(page)
    sent = budget.gzip_weight(page)
    print(
        f"{nb.stem}.html: {html / 1e3:.0f} kB HTML and state + {images / 1e3:.0f} kB "
        f"images, {sent / 1e3:.0f} kB gzipped"
    )
    assert sent <= budget.limit(page)


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_download_menu_offers_the_notebook_as_committed(nb):
    _, _, page = _page(nb)
    assert f"../_sources/chapters/{nb.name}" in page.links
    downloaded = SITE / "_sources" / "chapters" / nb.name
    assert (
        json.loads(downloaded.read_text(encoding="utf-8"))["cells"] == load(nb)["cells"]
    )
