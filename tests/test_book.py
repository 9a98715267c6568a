"""Checks of the built site in _build/html (run after `jupyter-book build -W`).

These read the HTML that the strict build wrote; tests/test_site.py looks at the
same pages in a real browser.
"""

import pathlib
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import yaml

from notebooks import ROOT, chapter_notebooks

SITE = ROOT / "_build" / "html"
NOTEBOOKS = chapter_notebooks()
IDS = [p.name for p in NOTEBOOKS]


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
    from notebooks import code_cells

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
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    owner_repo = urlsplit(config["repository"]["url"]).path.strip("/")
    expected = (f"https://mybinder.org/v2/gh/{owner_repo}/main"
                f"?urlpath=lab/tree/chapters/{nb.name}")
    _, _, page = _page(nb)
    binder = [h for h in page.links if h.startswith("https://mybinder.org/")]
    assert binder == [expected]
