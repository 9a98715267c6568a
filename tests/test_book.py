"""Checks of the built site in _build/html (run after `jupyter-book build -W`).

These read the HTML that the strict build wrote: every check that needs no
JavaScript is here, once. tests/test_site.py opens the same pages in a real
browser for what only a browser shows (scripts, layout, the explorers moving).
"""

import importlib.util
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import numpy as np
import pytest

from notebooks import ROOT, binder_url, code_cells, load, toc_files, toc_notebooks

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


@pytest.mark.parametrize("nb", EXPLORER_CHAPTERS, ids=lambda p: p.name)
def test_saved_widget_state_holds_every_frame_of_every_explorer(nb):
    """Each explorer: controls whose index drives Stacks, a frame per combination."""
    _, text, _ = _page(nb)
    state = WIDGET_STATE.findall(text)
    assert len(state) == 1, f"{nb.name}: {len(state)} saved widget states"
    models = json.loads(state[0])["state"]
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


def test_mathjax_is_served_by_the_site():
    for nb in NOTEBOOKS:
        text = (SITE / "chapters" / (nb.stem + ".html")).read_text(encoding="utf-8")
        sources = re.findall(r'<script[^>]*src="([^"]*mathjax[^"]*)"', text, re.I)
        assert sources, f"{nb.name}: no MathJax script"
        for src in sources:
            assert not src.startswith(("http:", "https:", "//")), src
            assert (SITE / "chapters" / urlsplit(src).path).resolve().is_file(), src


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_chapter_page_weight_is_within_budget(nb):
    budget = _site_budget()
    html, images = budget.page_weight(SITE / "chapters" / (nb.stem + ".html"))
    print(f"{nb.stem}.html: {html / 1e3:.0f} kB HTML + {images / 1e3:.0f} kB images")
    assert html + images <= budget.limit(SITE / "chapters" / (nb.stem + ".html"))


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_download_menu_offers_the_notebook_as_committed(nb):
    _, _, page = _page(nb)
    assert f"../_sources/chapters/{nb.name}" in page.links
    downloaded = SITE / "_sources" / "chapters" / nb.name
    assert (
        json.loads(downloaded.read_text(encoding="utf-8"))["cells"] == load(nb)["cells"]
    )
