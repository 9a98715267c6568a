"""The website's budget: bytes per page, and full build against rebuild.

Run by `make bench` (or `.venv/bin/python benchmarks/site_budget.py`).

Page weight: the bytes a reader downloads for one page that no other page
shares, namely its HTML (which holds the explorers' saved state: every frame
of every explorer, as a PNG inside the page) plus the image files its <img>
tags load, raw and gzip-compressed (what a server that compresses sends).
The theme, MathJax and the widget manager are shared by every page and
cached after the first, so they are listed once, apart. Budget: no chapter
page may grow by more than GROWTH_BYTES (1.5 MB) raw over its weight in
BASELINE_BYTES, measured before the explorers drew their frames ahead of
time; a page without a baseline may weigh GROWTH_BYTES. tests/test_book.py
asserts it on the strictly built site.

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
GROWTH_BYTES = 1_500_000
# Raw bytes (HTML + own images) of each chapter page at commit 93ceb78
# (2026-12-01), the last one whose explorers saved only their initial state;
# measured with page_weight() on that commit's saved outputs, built with
# execute_notebooks off. Chapter 5 was a placeholder then.
BASELINE_BYTES = {
    "01-sigmoid.html": 190_442,
    "02-derivative.html": 506_316,
    "03-backpropagation.html": 286_732,
    "04-vanishing-gradients.html": 496_640,
    "09-todays-models.html": 18_898,
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


def page_weight(page: pathlib.Path) -> tuple[int, int]:
    """Return (HTML bytes, bytes of the distinct local image files it shows)."""
    return len(page.read_bytes()), sum(
        path.stat().st_size for path in _local_images(page)
    )


def gzip_weight(page: pathlib.Path) -> int:
    """Bytes of the page and its own images, each gzip-compressed (level 6)."""
    files = [page, *sorted(_local_images(page))]
    return sum(len(gzip.compress(path.read_bytes(), 6)) for path in files)


def limit(page: pathlib.Path) -> int:
    """The most raw bytes the page may weigh: its baseline plus GROWTH_BYTES."""
    return BASELINE_BYTES.get(page.name, 0) + GROWTH_BYTES


_SHARED = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"#?]+)[^"]*"')


def shared_weight(site: pathlib.Path, pages: list[pathlib.Path]) -> tuple[int, int]:
    """Raw and gzip bytes of the scripts and style sheets the pages name, each once.

    A first visit downloads them; later pages take them from the browser's
    cache. MathJax's fonts and components, loaded on demand, are not counted.
    """
    files = set()
    for page in pages:
        for ref in _SHARED.findall(page.read_text(encoding="utf-8")):
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
        "Page weight (HTML + its own images), budget: baseline + "
        f"{GROWTH_BYTES / 1e6:.1f} MB raw"
    )
    print(
        f"  {'page':<28} {'HTML':>9} {'images':>9} {'raw':>9} {'gzip':>9} "
        f"{'baseline':>9} {'growth':>9}"
    )
    over = []
    for page in pages:
        html, images = page_weight(page)
        total = html + images
        base = BASELINE_BYTES.get(page.name)
        growth = f"{(total - base) / 1e3:>+7.0f}kB" if base is not None else f"{'-':>9}"
        flag = "" if total <= limit(page) else "  OVER BUDGET"
        print(
            f"  {page.name:<28} {html / 1e3:>7.0f}kB {images / 1e3:>7.0f}kB "
            f"{total / 1e3:>7.0f}kB "
            f"{gzip_weight(page) / 1e3:>7.0f}kB "
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
