"""The website's budget: page weight per chapter, and full build against rebuild.

Run by `make bench` (or `.venv/bin/python benchmarks/site_budget.py`).

Page weight: the bytes a reader downloads for one chapter that no other page
shares, namely its HTML (which holds the explorers' saved state, initial figure
included) plus the image files its <img> tags load. The theme, MathJax and the
widget manager are shared by every page and cached after the first, so they
are left out. Target: at most 1.5 MB per chapter (BUDGET_BYTES);
tests/test_book.py asserts it on the strictly built site.

Build time: the book is copied to a temporary folder (so that _build is left
alone), built from scratch, which executes every notebook, then one code cell
of one chapter is edited and the book is rebuilt. With `execute_notebooks:
cache` the rebuild re-executes only the edited chapter. The cache keys on the
notebooks' code only: it does not notice a change in code/sigmoid_course, so
after editing the helpers run `make book-fresh`.

The script exits with status 1 if a page is over budget or a build fails.
"""

from __future__ import annotations

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
BUDGET_BYTES = 1_500_000
# What a build of the book reads, besides the installed sigmoid_course package.
BOOK_FILES = ["_config.yml", "_toc.yml", "chapters", "_static", "_ext", "_vendor"]


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources.append(dict(attrs).get("src") or "")


def page_weight(page: pathlib.Path) -> tuple[int, int]:
    """Return (HTML bytes, bytes of the distinct local image files it shows) for one page."""
    html = page.read_bytes()
    parser = _Images()
    parser.feed(html.decode("utf-8", errors="replace"))
    images = set()
    for src in parser.sources:
        if src.startswith(("http:", "https:", "data:")):
            continue  # data: images are inside the HTML already
        images.add((page.parent / unquote(urlsplit(src).path)).resolve())
    return len(html), sum(path.stat().st_size for path in images if path.is_file())


def chapter_pages(site: pathlib.Path) -> list[pathlib.Path]:
    """The HTML page of every chapter notebook in the built site, in teaching order."""
    sources = sorted((site / "_sources" / "chapters").glob("*.ipynb"))
    return [site / "chapters" / (nb.stem + ".html") for nb in sources]


def _build(book: pathlib.Path, *extra: str) -> tuple[float, list[str]]:
    """Return the wall time of one build and the notebooks it executed (not taken from the cache)."""
    start = time.perf_counter()
    result = subprocess.run([str(pathlib.Path(sys.executable).with_name("jupyter-book")), "build", *extra, str(book)],
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:], sep="\n")
        raise SystemExit(f"jupyter-book build {' '.join(extra)} failed")
    executed = re.findall(r"([\w.-]+\.ipynb): Executing notebook", result.stdout + result.stderr)
    return elapsed, sorted(set(executed))


def _edit_one_code_cell(notebook: pathlib.Path) -> None:
    """Append a comment to the first code cell: new code for the cache, same outputs."""
    text = notebook.read_text(encoding="utf-8")
    edited, count = re.subn(r'("cell_type": "code",.*?"source": \[)', r'\1"# edited by site_budget.py\\n", ',
                            text, count=1, flags=re.S)
    if count != 1:
        raise SystemExit(f"no code cell found in {notebook.name}")
    notebook.write_text(edited, encoding="utf-8")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="site-budget-") as tmp:
        book = pathlib.Path(tmp) / "book"
        book.mkdir()
        for name in BOOK_FILES:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, book / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
            elif source.exists():
                shutil.copy2(source, book / name)
        builds = {"full build (--all, empty cache)": _build(book, "--all"),
                  "rebuild, nothing changed": _build(book)}
        chapters = chapter_pages(book / "_build" / "html")
        edited = book / "chapters" / (chapters[0].stem + ".ipynb")
        _edit_one_code_cell(edited)
        builds[f"rebuild after editing {edited.name}"] = _build(book)

        print("Build time (temporary copy of the book)")
        for name, (seconds, executed) in builds.items():
            print(f"  {name:<44} {seconds:6.1f} s   executed: {', '.join(executed) or 'none (cache)'}")
        print()
        print(f"Page weight per chapter (HTML + its own images), budget {BUDGET_BYTES / 1e6:.1f} MB")
        print(f"  {'page':<28} {'HTML':>10} {'images':>10} {'total':>10}")
        over = []
        for page in chapters:
            html, images = page_weight(page)
            total = html + images
            flag = "" if total <= BUDGET_BYTES else "  OVER BUDGET"
            print(f"  {page.name:<28} {html / 1e3:>8.0f} kB {images / 1e3:>8.0f} kB {total / 1e3:>8.0f} kB{flag}")
            if flag:
                over.append(page.name)
    if over:
        print(f"FAIL: over budget: {', '.join(over)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
