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
- Each explorer prints as its first frame, figure and printed text, under a
  line naming its controls' values: the page holds it in the explorer's
  place (``_ext/explorers.py``) and no widget manager replaces it there.
- Links land where they point: a link to a chapter goes to the chapter's
  first page (not to the marker before it, on the page before), and a link
  to a file of the site (the PDF itself, a notebook) goes to the published
  site, never to the local server that printed the page.
- Headings stay with what follows them, and a code cell or output taller
  than a third of a page may break across pages rather than leave most of
  a page blank.
- Each self-check (sigmoid_course.selfcheck) is printed as its answer key,
  in place: every question, every option with its feedback, and the answer.
  Like the explorers' frames it comes from the saved widget state.
- A table of contents with page numbers is printed on page 2: a first
  printing finds the page each contents entry's link lands on (with pypdf),
  a second one prints the table with those numbers (the table has a fixed
  length, so the pages do not move).

Usage: python tools/book_pdf.py [SINGLEHTML_DIR] [OUTPUT_PDF]
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import yaml

# tests/browser.py holds the one Chromium setup of the project (`make pdf`
# puts tests/ on PYTHONPATH).
from browser import launch_chromium, offline_context
from pdf_links import links

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
/* A figure of two stacked panels, full width, with its caption, would fill
   most of a page: it moved whole to the next one and left a page half blank. */
.cell_output img, figure img { max-height: 120mm; width: auto; object-fit: contain; }
figure, .cell_output img { page-break-inside: avoid; }
mjx-container[display="true"] { overflow: visible !important; }
div.math { break-inside: avoid; }
section.book-chapter { break-before: page; }
section.book-chapter > h2 { font-size: 22pt; }
h1, h2, h3, h4, h5, h6 { break-after: avoid; break-inside: avoid; }
p, li { orphans: 3; widows: 3; }
#book-pdf-toc { break-after: page; }
#book-pdf-toc .book-pdf-toc-title { font-size: 16pt; font-weight: bold; }
div.cell_input, div.cell_output { break-inside: avoid; }
.book-pdf-tall { break-inside: auto !important; page-break-inside: auto !important; }
.course-explorer-static { break-inside: avoid; }
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


LINKS_JS = r"""(site) => {
  // singlehtml starts each document with an empty <span id="document-...">
  // just before its first section; with each chapter starting on a new
  // page that marker stays at the foot of the page before. Links to it go
  // to the section itself.
  for (const marker of document.querySelectorAll('span[id^="document-"]')) {
    const section = marker.nextElementSibling;
    if (!section || !section.id) { continue; }
    const href = '#' + marker.id;
    document.querySelectorAll('a[href]').forEach(a => {
      if (a.getAttribute('href') === href) { a.setAttribute('href', '#' + section.id); }
    });
  }
  // Any other link to this server (a file of the site: the PDF itself, a
  // notebook's source) goes to the published site instead.
  let moved = 0;
  for (const a of document.querySelectorAll('a[href]')) {
    const raw = a.getAttribute('href');
    if (raw.startsWith('#')) { continue; }
    const url = new URL(a.href);
    if (url.origin !== location.origin) { continue; }
    if (url.pathname === location.pathname && url.hash) {
      a.setAttribute('href', url.hash);
    } else {
      const path = url.pathname.replace(/^\//, '');
      a.setAttribute('href', site + path + url.search + url.hash);
      moved += 1;
    }
  }
  // A label on a section, e.g. (fp-framework-thresholds)=, is an empty
  // <span id> at the top of the section: links to it go to the section.
  for (const a of document.querySelectorAll('a[href^="#"]')) {
    const target = document.getElementById(a.getAttribute('href').slice(1));
    const section = target && target.parentElement;
    if (target && !target.textContent.trim() && section
        && section.tagName === 'SECTION' && section.id
        && section.firstElementChild === target) {
      a.setAttribute('href', '#' + section.id);
    }
  }
  return moved;
}"""


# A block kept whole (a code cell, an output, an exercise's or a solution's
# box) that is taller than this share of the printed page may break across
# pages: kept whole, it moved to the next page and left most of this one
# blank. Images, and the explorers' frames, stay whole.
TALL = 1 / 3
TALL_JS = r"""(pageHeight) => {
  let tall = 0;
  for (const block of document.querySelectorAll('article *')) {
    const whole = 'img, figure, .course-explorer-static';
    if (block.matches(whole) || block.closest('.course-explorer-static')) {
      continue;
    }
    const style = getComputedStyle(block);
    if (style.breakInside.startsWith('avoid') || style.pageBreakInside === 'avoid') {
      if (block.getBoundingClientRect().height > pageHeight) {
        block.classList.add('book-pdf-tall');
        tall += 1;
      }
    }
  }
  return tall;
}"""
# A4 is 297 mm high; the margins below leave 263 mm, at 96 px per inch.
PRINTED_HEIGHT_PX = (297 - 16 - 18) / 25.4 * 96


def site_url() -> str:
    """The published site's address: html.baseurl in _config.yml, else the
    GitHub Pages address of repository.url (the Pages workflow publishes it)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    base = (config.get("html") or {}).get("baseurl")
    if base:
        return base.rstrip("/") + "/"
    owner, repo = urlsplit(config["repository"]["url"]).path.strip("/").split("/")[:2]
    return f"https://{owner.lower()}.github.io/{repo}/"


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


def _contents_pages(pdf: Path, count: int) -> list[int]:
    """The 1-based page that each of the first `count` contents links lands on."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    found = [
        link.target_page + 1
        for link in links(reader)
        if link.page == 0 and link.target_page is not None
    ]
    if len(found) < count:
        raise SystemExit(
            f"{pdf}: {len(found)} links on the contents page, {count} expected"
        )
    return found[:count]


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
            # The printed width (A4 less the margins below: 182 mm), so that
            # what is measured on screen is what is printed.
            context, _ = offline_context(browser, origin, width=688, height=1000)
            page = context.new_page()
            page.emulate_media(media="print")
            page.goto(f"{origin}/{page_file.name}", wait_until="load")
            page.add_style_tag(content=PRINT_CSS)
            explorers = page.locator(".course-explorer-static").count()
            cache = singlehtml.parent / ".jupyter_cache" / "executed"
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
            page.evaluate(LINKS_JS, site_url())
            page.evaluate(TALL_JS, PRINTED_HEIGHT_PX * TALL)
            chapters = page.evaluate(PREPARE_JS, [])
            placeholder = [[html.escape(t), i, "000"] for t, i in chapters]
            page.evaluate(PREPARE_JS, placeholder)
            _print(page, out)
            numbers = _contents_pages(out, len(chapters))
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
