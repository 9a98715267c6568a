"""The website's budget: bytes per page, and full build against rebuild.

Run by `make bench` (or `.venv/bin/python benchmarks/site_budget.py`).

Page weight: the bytes a reader downloads for one page that no other page
shares, namely its HTML, the explorers' saved state that it loads after the
text (every frame of every explorer, as PNGs, in _static/widget-state/) and
the image files its <img> tags load, raw and gzip-compressed (what GitHub
Pages sends); the HTML includes the outlines of its formulas' glyphs
(_ext/prerender_math.py). The theme and the widget manager are shared by
every page and cached after the first, so they are listed once, apart.
Budget, in gzipped bytes (the formulas, typeset at build time, made the raw
HTML several times larger but the sent bytes barely): no chapter page may
grow by more than GROWTH_BYTES (300 kB) over its weight in BASELINE_BYTES,
measured at commit b9e089f (before the formulas were typeset at build time
and the state left the page); a page without a baseline may weigh
NEW_PAGE_BYTES (1 MB). tests/test_book.py asserts it on the strictly built
site.

Build time: the book is copied to a temporary folder (so that _build is left
alone), built from scratch, which executes every notebook, then one code cell
of one chapter is edited and the book is rebuilt. With `execute_notebooks:
cache` the rebuild re-executes only the edited chapter. The cache keys on the
notebooks' code only: it does not notice a change in code/sigmoid_course, so
after editing the helpers run `make book-fresh`.

`--pages-only SITE` prints the page weights of an already built site (default
_build/html) and skips the builds. The script exits with status 1 if a page
is over budget or a build fails.
"""

from __future__ import annotations

import gzip
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

ROOT = pathlib.Path(__file__).resolve().parents[1]
GROWTH_BYTES = 300_000
NEW_PAGE_BYTES = 1_000_000
# Gzipped bytes (HTML with the explorers' state inside, + own images) of each
# chapter page at commit b9e089f (2026-12-06), measured with gzip_weight() on
# its strictly built site. Chapters 5-8 were placeholders then.
BASELINE_BYTES = {
    "01-sigmoid.html": 546_000,
    "02-derivative.html": 459_000,
    "03-backpropagation.html": 189_000,
    "04-vanishing-gradients.html": 1_053_000,
    "09-todays-models.html": 207_000,
}
# What a build of the book reads, besides the installed sigmoid_course package.
BOOK_FILES = ["_config.yml", "_toc.yml", "chapters", "_static", "_ext", "_vendor"]


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources.append(dict(attrs).get("src") or "")


def _local_images(page: pathlib.Path) -> set[pathlib.Path]:
    parser = _Images()
    parser.feed(page.read_text(encoding="utf-8", errors="replace"))
    images = set()
    for src in parser.sources:
        if src.startswith(("http:", "https:", "data:")):
            continue  # data: images (the explorers' frames) are inside the HTML already
        images.add((page.parent / unquote(urlsplit(src).path)).resolve())
    return {path for path in images if path.is_file()}


_STATE = re.compile(r'window\.courseExplorers = \{"state": "([^"]+)"')


def _own_files(page: pathlib.Path) -> list[pathlib.Path]:
    """The page's HTML and the explorers' state it loads after the text
    (_ext/explorers.py writes it to _static/widget-state/, not the page)."""
    found = _STATE.search(page.read_text(encoding="utf-8", errors="replace"))
    state = (page.parent / unquote(found.group(1))).resolve() if found else None
    return [page] + ([state] if state and state.is_file() else [])


def page_weight(page: pathlib.Path) -> tuple[int, int]:
    """Return (bytes of the HTML and the explorers' saved state, bytes of the
    distinct local image files it shows)."""
    return sum(f.stat().st_size for f in _own_files(page)), sum(
        path.stat().st_size for path in _local_images(page)
    )


def gzip_weight(page: pathlib.Path) -> int:
    """Bytes of the page, its state and its own images, each gzip-compressed
    (level 6)."""
    files = [*_own_files(page), *sorted(_local_images(page))]
    return sum(len(gzip.compress(path.read_bytes(), 6)) for path in files)


def limit(page: pathlib.Path) -> int:
    """The most gzipped bytes the page may weigh: its baseline plus
    GROWTH_BYTES, or NEW_PAGE_BYTES without a baseline."""
    base = BASELINE_BYTES.get(page.name)
    return NEW_PAGE_BYTES if base is None else base + GROWTH_BYTES


_SHARED = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"#?]+)[^"]*"')
_LOADED_LATER = re.compile(r'window\.courseExplorers = \{[^}]*"scripts": \[([^\]]*)\]')


def shared_weight(site: pathlib.Path, pages: list[pathlib.Path]) -> tuple[int, int]:
    """Raw and gzip bytes of the scripts and style sheets the pages name, each once,
    the widget manager that explorer pages load after the text included.

    A first visit downloads them; later pages take them from the browser's
    cache. MathJax, which an explorer's label may load on demand, is not counted.
    """
    files = set()
    for page in pages:
        text = page.read_text(encoding="utf-8")
        refs = _SHARED.findall(text)
        for later in _LOADED_LATER.findall(text):
            refs += re.findall(r'"([^"?]+)[^"]*"', later)
        for ref in refs:
            if "://" in ref or ref.startswith("//"):
                continue
            path = (page.parent / unquote(ref)).resolve()
            if path.is_file() and path.suffix in (".js", ".css"):
                files.add(path)
    raw = sum(p.stat().st_size for p in files)
    return raw, sum(len(gzip.compress(p.read_bytes(), 6)) for p in files)


def report(site: pathlib.Path) -> list[str]:
    """Print the weight of every page of the site; return the pages over budget."""
    pages = sorted(p for p in (site / "chapters").glob("*.html"))
    print(
        "Page weight (HTML, explorers' state, own images), budget: baseline + "
        f"{GROWTH_BYTES / 1e3:.0f} kB gzip "
        f"({NEW_PAGE_BYTES / 1e3:.0f} kB for a new page)"
    )
    print(
        f"  {'page':<28} {'HTML+st':>9} {'images':>9} {'raw':>9} {'gzip':>9} "
        f"{'baseline':>9} {'growth':>9}"
    )
    over = []
    for page in pages:
        html, images = page_weight(page)
        total, sent = html + images, gzip_weight(page)
        base = BASELINE_BYTES.get(page.name)
        growth = f"{(sent - base) / 1e3:>+7.0f}kB" if base is not None else f"{'-':>9}"
        flag = "" if sent <= limit(page) else "  OVER BUDGET"
        print(
            f"  {page.name:<28} {html / 1e3:>7.0f}kB {images / 1e3:>7.0f}kB "
            f"{total / 1e3:>7.0f}kB "
            f"{sent / 1e3:>7.0f}kB "
            f"{(f'{base / 1e3:.0f}kB' if base is not None else '-'):>9} {growth}{flag}"
        )
        if flag:
            over.append(page.name)
    raw, packed = shared_weight(site, pages)
    print(
        f"  shared scripts and styles, downloaded once: {raw / 1e3:.0f} kB raw, "
        f"{packed / 1e3:.0f} kB gzip"
    )
    return over


def chapter_pages(site: pathlib.Path) -> list[pathlib.Path]:
    """The HTML page of every chapter notebook in the built site, in teaching order."""
    sources = sorted((site / "_sources" / "chapters").glob("*.ipynb"))
    return [site / "chapters" / (nb.stem + ".html") for nb in sources]


def _build(book: pathlib.Path, *extra: str) -> tuple[float, list[str]]:
    """Return the wall time of one build and the notebooks it executed (not cached)."""
    start = time.perf_counter()
    result = subprocess.run(
        [
            str(pathlib.Path(sys.executable).with_name("jupyter-book")),
            "build",
            *extra,
            str(book),
        ],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:], sep="\n")
        raise SystemExit(f"jupyter-book build {' '.join(extra)} failed")
    executed = re.findall(
        r"([\w.-]+\.ipynb): Executing notebook", result.stdout + result.stderr
    )
    return elapsed, sorted(set(executed))


def _edit_one_code_cell(notebook: pathlib.Path) -> None:
    """Append a comment to the first code cell: new code for the cache, same outputs."""
    text = notebook.read_text(encoding="utf-8")
    edited, count = re.subn(
        r'("cell_type": "code",.*?"source": \[)',
        r'\1"# edited by site_budget.py\\n", ',
        text,
        count=1,
        flags=re.S,
    )
    if count != 1:
        raise SystemExit(f"no code cell found in {notebook.name}")
    notebook.write_text(edited, encoding="utf-8")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--pages-only"]:
        site = pathlib.Path(argv[1]) if len(argv) > 1 else ROOT / "_build" / "html"
        over = report(site)
    else:
        over = _build_and_report()
    if over:
        print(f"FAIL: over budget: {', '.join(over)}")
        return 1
    return 0


def _build_and_report() -> list[str]:
    with tempfile.TemporaryDirectory(prefix="site-budget-") as tmp:
        book = pathlib.Path(tmp) / "book"
        book.mkdir()
        for name in BOOK_FILES:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(
                    source,
                    book / name,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"),
                )
            elif source.exists():
                shutil.copy2(source, book / name)
        builds = {
            "full build (--all, empty cache)": _build(book, "--all"),
            "rebuild, nothing changed": _build(book),
        }
        chapters = chapter_pages(book / "_build" / "html")
        edited = book / "chapters" / (chapters[0].stem + ".ipynb")
        _edit_one_code_cell(edited)
        builds[f"rebuild after editing {edited.name}"] = _build(book)

        print("Build time (temporary copy of the book)")
        for name, (seconds, executed) in builds.items():
            print(
                f"  {name:<44} {seconds:6.1f} s   "
                f"executed: {', '.join(executed) or 'none (cache)'}"
            )
        print()
        return report(book / "_build" / "html")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
