"""Print the whole book to one PDF: the single-page build, in the OS's Chromium.

`make pdf` runs ``jupyter-book build --builder singlehtml .`` and then this
script, which writes ``_build/pdf/sigmoid-course.pdf``:

- The single page is served on 127.0.0.1 with every other request refused, so
  the PDF needs no network: MathJax, the figures and the widget manager that
  draws each explorer's initial frame all come from the build.
- ``singlehtml`` writes its asset paths relative to the site root although the
  page lives in ``chapters/``, so the page is copied to the root first.
- Solutions, hidden behind a button on the website, are opened; code lines
  wrap instead of being cut; each chapter starts on a new page; Chromium adds
  page numbers in the footer and a PDF outline (bookmarks) from the headings.
- The single page carries no widget state and no widget manager, so each
  explorer is printed as its initial frame: the image its widget state shows
  first, put where the explorer would be. The state comes from the notebooks
  as the build's execution cache holds them (``_build/.jupyter_cache``),
  whose widget ids are the ones on the page.
- Each self-check (sigmoid_course.selfcheck) is printed as its answer key,
  in place: every question, every option with its feedback, and the answer.
  Like the explorers' frames it comes from the saved widget state.
- A table of contents with page numbers is printed on page 2: a first
  printing finds the page of each chapter title (with pypdf), a second one
  prints the table with those numbers (the table has a fixed length, so the
  pages do not move).

Usage: python tools/book_pdf.py [SINGLEHTML_DIR] [OUTPUT_PDF]
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import re
import sys
import threading
from pathlib import Path

# tests/browser.py holds the one Chromium setup of the project (`make pdf`
# puts tests/ on PYTHONPATH).
from browser import launch_chromium

ROOT = Path(__file__).resolve().parents[1]

PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .header-article,
.prev-next-area, .bd-footer, .bd-footer-article, .bd-footer-content,
.toggle-button, .copybtn, .headerlink, #pst-back-to-top, .search-button,
.bd-header-announcement, .sidebar-toggle, .skip-link { display: none !important; }
.bd-main, .bd-content, .bd-article-container, .bd-page-width, .bd-container,
.bd-container__inner, .bd-article { max-width: none !important; width: 100% !important;
  padding: 0 !important; margin: 0 !important; }
body { font-size: 10.5pt; }
pre, pre code, .highlight pre { white-space: pre-wrap !important;
  overflow-wrap: anywhere; word-break: break-word; overflow: visible !important; }
div.cell_output, .output { overflow: visible !important; max-height: none !important; }
.toggle-hidden, .solution.dropdown > section, .dropdown > *:not(.admonition-title) {
  display: block !important; visibility: visible !important; opacity: 1 !important;
  height: auto !important; }
img { max-width: 100% !important; height: auto; page-break-inside: avoid; }
figure, .cell_output img { page-break-inside: avoid; }
mjx-container[display="true"] { overflow: visible !important; }
section.book-chapter { break-before: page; }
section.book-chapter > h2 { font-size: 22pt; }
h1, h2, h3 { break-after: avoid; }
#book-pdf-toc { break-after: page; }
#book-pdf-toc .book-pdf-toc-title { font-size: 16pt; font-weight: bold; }
div.cell_input, div.cell_output { break-inside: avoid; }
#book-pdf-toc ol { list-style: none; padding: 0; font-size: 12pt; }
#book-pdf-toc li { display: flex; margin: 0.35em 0; }
#book-pdf-toc li a { color: inherit; text-decoration: none; }
#book-pdf-toc li .dots { flex: 1; border-bottom: 1px dotted #888;
  margin: 0 0.4em 0.3em; }
"""

FOOTER = (
    '<div style="font-size:8pt; width:100%; text-align:center; color:#555;">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _page_copy(singlehtml: Path) -> Path:
    """The single page, copied to the site root so its relative asset paths resolve."""
    source = singlehtml / "chapters" / "index.html"
    text = source.read_text(encoding="utf-8")
    # Links to the page itself become in-document anchors, which the PDF keeps.
    text = text.replace('href="chapters/index.html#', 'href="#')
    target = singlehtml / "book-print.html"
    target.write_text(text, encoding="utf-8")
    return target


PREPARE_JS = r"""(tocEntries) => {
  // singlehtml marks the start of each document with <span id="document-...">;
  // the section after it is a chapter or a reference page, headed by an h2.
  const chapters = [...document.querySelectorAll('span[id^="document-chapters/"]')]
      .map(s => s.nextElementSibling)
      .filter(s => s && s.tagName === 'SECTION' && s.querySelector(':scope > h2'));
  chapters.forEach(s => s.classList.add('book-chapter'));
  // Open every solution: remove the dropdown behaviour the website gives them.
  document.querySelectorAll('.toggle-hidden')
      .forEach(e => e.classList.remove('toggle-hidden'));
  document.querySelectorAll('.dropdown').forEach(e => e.classList.remove('dropdown'));
  // The table of contents, with page numbers, takes the place of the theme's
  // print-only list of links under the book's title (#jb-print-toc).
  let toc = document.getElementById('book-pdf-toc');
  if (!toc) {
    toc = document.createElement('section');
    toc.id = 'book-pdf-toc';
    const links = document.getElementById('jb-print-toc');
    if (links) { links.replaceWith(toc); }
    else { document.querySelector('article').prepend(toc); }
  }
  const title = s => s.querySelector(':scope > h2').textContent
      .replace(/#$/, '').trim();
  if (toc) {
    const rows = tocEntries.map(([name, id, pageNo]) =>
        `<li><a href="#${id}">${name}</a><span class="dots"></span>`
        + `<span>${pageNo}</span></li>`);
    toc.innerHTML = '<p class="book-pdf-toc-title">Contents</p><ol>'
        + rows.join('') + '</ol>';
  }
  return chapters.map(s => [title(s), s.id]);
}"""


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _initial_frames(cache: Path) -> dict[str, str]:
    """model id of each widget → data URL of the first image it shows, from saved state.

    An Output widget shows its first PNG output; an HTML widget the first
    data-URL image in its markup; an Image widget its value; a Stack its
    selected child; any other container its first child that shows an image.
    """
    models = {}
    for nb in sorted(cache.glob("*/base.ipynb")):
        metadata = json.loads(nb.read_text(encoding="utf-8")).get("metadata", {})
        models.update(
            metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
        )

    def frame(model_id, depth=0):
        model = models.get(model_id)
        if model is None or depth > 20:
            return None
        state, name = model.get("state", {}), model.get("model_name", "")
        if name == "OutputModel":
            for output in state.get("outputs", []):
                if "image/png" in output.get("data", {}):
                    return (
                        "data:image/png;base64," + output["data"]["image/png"].strip()
                    )
            return None
        if name == "HTMLModel":
            # A frame of the course's explorers: <img src="data:..." alt="...">.
            found = re.search(r'<img[^>]*\bsrc="(data:image/[^"]+)"[^>]*>',
                              state.get("value", ""))
            return html.unescape(found.group(1)) if found else None
        if name == "ImageModel":
            for buffer in model.get("buffers", []):
                if buffer.get("path") == ["value"]:
                    kind = state.get("format", "png")
                    return f"data:image/{kind};base64,{buffer['data']}"
            return None
        children = [c.removeprefix("IPY_MODEL_") for c in state.get("children", [])]
        if name == "StackModel" and state.get("selected_index") is not None:
            children = [children[state["selected_index"]]]
        for child in children:
            found = frame(child, depth + 1)
            if found:
                return found
        return None

    return {model_id: url for model_id in models if (url := frame(model_id))}


INSERT_FRAMES_JS = r"""(frames) => {
  let placed = 0;
  for (const script of document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]')) {
    const id = JSON.parse(script.textContent).model_id;
    if (!frames[id]) continue;
    const img = document.createElement('img');
    img.src = frames[id];
    img.alt = 'The explorer as it first appears; on the website and in Jupyter '
        + 'its controls change it.';
    img.className = 'book-pdf-explorer-frame';
    script.after(img);
    placed += 1;
  }
  return placed;
}"""


SELF_CHECK_CSS = """
.book-pdf-self-check { border: 1px solid #888; border-left: 4px solid #333;
  padding: 0.4em 0.8em; margin: 0.5em 0 1em; break-inside: avoid; }
.book-pdf-self-check ol { margin: 0.2em 0; padding-left: 1.6em; }
.book-pdf-self-check ul { list-style: none; margin: 0.2em 0; padding-left: 0.5em; }
.book-pdf-self-check .feedback { font-size: 0.9em; color: #333; }
"""

INSERT_SELF_CHECKS_JS = r"""(keys) => {
  let placed = 0;
  for (const script of document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]')) {
    const id = JSON.parse(script.textContent).model_id;
    if (!keys[id]) continue;
    const key = document.createElement('div');
    key.className = 'book-pdf-self-check';
    key.innerHTML = keys[id];
    script.after(key);
    placed += 1;
  }
  return placed;
}"""


def _self_check_key_html(block) -> str:
    """One self-check as printed: questions, options with their feedback, answers."""
    questions = []
    for q in block.questions:
        options = "".join(
            f"<li>{html.escape(label)}"
            f'<br><span class="feedback">{html.escape(feedback)}</span></li>'
            for label, feedback in zip(q.labels, q.feedback)
        )
        answer = q.labels[q.answer] if q.answer is not None else "?"
        questions.append(
            f"<li>{html.escape(q.prompt)}<ul>{options}</ul>"
            f"<strong>Answer: {html.escape(answer)}</strong></li>"
        )
    return (
        f"<p><strong>Self-check:</strong> {html.escape(block.title)} "
        "(with the answers; on the website and in Jupyter each option "
        f"answers back)</p><ol>{''.join(questions)}</ol>"
    )


def _insert_self_check_keys(page, cache: Path) -> int:
    """Print every self-check in place as its answer key; return how many.

    The blocks are read from the saved widget state of the executed
    notebooks, whose model ids are the page's.
    """
    from sigmoid_course.selfcheck import saved_self_checks

    keys = {}
    for nb in sorted(cache.glob("*/base.ipynb")):
        for block in saved_self_checks(json.loads(nb.read_text(encoding="utf-8"))):
            keys[block.model_id] = _self_check_key_html(block)
    page.add_style_tag(content=SELF_CHECK_CSS)
    return page.evaluate(INSERT_SELF_CHECKS_JS, keys)


def _wait_until_drawn(page) -> None:
    page.evaluate(
        "() => window.MathJax && window.MathJax.startup"
        " ? window.MathJax.startup.promise : null"
    )
    # Every image, the explorers' initial frames included, decoded.
    page.wait_for_function(
        "() => [...document.querySelectorAll('img')]"
        ".every(i => i.complete && i.naturalWidth > 0)",
        timeout=60_000,
    )


def _print(page, out: Path) -> None:
    page.pdf(
        path=str(out),
        format="A4",
        print_background=True,
        display_header_footer=True,
        header_template="<span></span>",
        footer_template=FOOTER,
        outline=True,
        tagged=True,
        margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
    )


def _pages_of(pdf: Path, titles: list[str]) -> list[int]:
    """The 1-based page on which each title first appears after the contents."""
    from pypdf import PdfReader

    texts = [re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(pdf).pages]
    found, start = [], 2
    for title in titles:
        key = re.sub(r"\s+", " ", title)[:40]
        page = next((k for k in range(start, len(texts)) if key in texts[k]), None)
        found.append(page + 1 if page is not None else 0)
        start = page if page is not None else start
    return found


def main(singlehtml: Path, out: Path) -> None:
    if not (singlehtml / "chapters" / "index.html").exists():
        raise SystemExit(
            f"no single-page build in {singlehtml}: run "
            "`jupyter-book build --builder singlehtml .` first"
        )
    page_file = _page_copy(singlehtml)
    handler = functools.partial(_QuietHandler, directory=singlehtml)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with launch_chromium() as browser:
            context = browser.new_context()
            context.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith((origin + "/", "data:", "blob:"))
                    else route.abort()
                ),
            )
            page = context.new_page()
            page.emulate_media(media="print")
            page.goto(f"{origin}/{page_file.name}", wait_until="load")
            page.add_style_tag(content=PRINT_CSS)
            cache = singlehtml.parent / ".jupyter_cache" / "executed"
            frames = _initial_frames(cache)
            explorers = page.evaluate(INSERT_FRAMES_JS, frames)
            self_checks = _insert_self_check_keys(page, cache)
            _wait_until_drawn(page)
            errors = page.evaluate("""() =>
                document.querySelectorAll('mjx-merror').length
                + [...document.querySelectorAll('.math')].filter(
                    m => !m.querySelector('mjx-container')).length""")
            if errors:
                raise SystemExit(
                    f"{errors} equations were not typeset: see the site tests"
                )
            chapters = page.evaluate(PREPARE_JS, [])
            placeholder = [[html.escape(t), i, "000"] for t, i in chapters]
            page.evaluate(PREPARE_JS, placeholder)
            _print(page, out)
            numbers = _pages_of(out, [t for t, _ in chapters])
            page.evaluate(
                PREPARE_JS,
                [
                    [html.escape(t), i, str(n) if n else ""]
                    for (t, i), n in zip(chapters, numbers)
                ],
            )
            _print(page, out)
    finally:
        server.shutdown()
        server.server_close()
        page_file.unlink(missing_ok=True)
    print(
        f"{out}: {len(chapters)} chapters and reference pages, "
        f"{explorers} explorers as their initial frame, "
        f"{self_checks} self-checks with their answers"
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    main(
        Path(args[0]) if args else ROOT / "_build" / "singlehtml",
        Path(args[1])
        if len(args) > 1
        else ROOT / "_build" / "pdf" / "sigmoid-course.pdf",
    )
