"""Checks of the built site in _build/html (run after `jupyter-book build -W`).

These read the HTML that the strict build wrote; tests/test_site.py looks at the
same pages in a real browser.
"""

import importlib.util
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

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
    spec = importlib.util.spec_from_file_location("site_budget", ROOT / "benchmarks" / "site_budget.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _markdown(nb):
    return "\n".join("".join(c["source"]) for c in load(nb)["cells"] if c["cell_type"] == "markdown")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.links, self.figcaptions, self.scripts = [], [], 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs.get("src", ""))
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
    figures = [src for src in page.images if not src.startswith(("http:", "https:", "data:"))]
    assert figures, f"{nb.name}: no figures on the page"
    for src in figures:
        assert (path.parent / urlsplit(src).path).resolve().is_file(), f"{nb.name}: missing image {src}"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_every_code_figure_has_a_caption(nb):
    captioned = [c for c in code_cells(nb) if c["metadata"].get("mystnb", {}).get("figure", {}).get("caption")]
    with_images = [c for c in code_cells(nb)
                   if any("image/png" in o.get("data", {}) for o in c["outputs"])]
    assert len(captioned) == len(with_images), f"{nb.name}: a figure cell has no caption/name"
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


def test_the_explorer_keeps_its_initial_drawing_in_the_saved_widget_state():
    _, text, _ = _page(ROOT / "chapters" / "01-sigmoid.ipynb")
    state = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', text, re.S)
    assert state, "no widget state on the page"
    assert '"image/png"' in state.group(1), "the explorer's initial figure is not in the widget state"
    assert "slope there" in state.group(1), "the explorer's initial printout is not in the widget state"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_binder_button_opens_this_notebook_in_jupyterlab(nb):
    _, _, page = _page(nb)
    binder = [h for h in page.links if h.startswith("https://mybinder.org/")]
    assert binder == [binder_url(nb)]


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_every_figure_is_named_and_the_text_refers_to_it_by_number(nb):
    figures = [c["metadata"].get("mystnb", {}).get("figure", {}) for c in code_cells(nb)]
    names = [f.get("name", "") for f in figures if f]
    assert all(name.startswith("fig-") for name in names), f"{nb.name}: figure names {names}"
    text = _markdown(nb)
    unreferenced = [n for n in names if not re.search(r"\{numref\}`(?:[^`]*<)?" + re.escape(n) + r">?`", text)]
    assert unreferenced == [], f"{nb.name}: no {{numref}} to {unreferenced}"


def test_figure_and_equation_names_are_unique_across_the_book():
    names = [c["metadata"].get("mystnb", {}).get("figure", {}).get("name")
             for nb in NOTEBOOKS for c in code_cells(nb)]
    names = [n for n in names if n] + [label for nb in NOTEBOOKS for label in EQUATION_LABEL.findall(_markdown(nb))]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_cheatsheet_links_every_numbered_equation_of_the_chapters():
    text = CHEATSHEET.read_text(encoding="utf-8")
    linked = set(re.findall(r"\{eq\}`([^`]+)`", text))
    excluded = set(" ".join(re.findall(r"^% not-in-cheatsheet:(.*)$", text, re.M)).split())
    labels = {label: nb.name for nb in NOTEBOOKS for label in EQUATION_LABEL.findall(_markdown(nb))}
    missing = sorted(f"{label} ({name})" for label, name in labels.items() if label not in linked | excluded)
    assert missing == [], f"chapters/cheatsheet.md has no line for {missing}"
    assert (excluded - set(labels)) == set(), f"stale not-in-cheatsheet labels: {excluded - set(labels)}"
    assert "chapters/cheatsheet" in toc_files()


def test_every_page_gets_its_scripts_and_styles_from_the_site():
    assert PAGES, "no built site: run `make book-strict` first"
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        remote = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="((?:https?:)?//[^"]+)"', text)
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
    assert html + images <= budget.BUDGET_BYTES
