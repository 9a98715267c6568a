"""Sphinx extension: formulas are typeset when the site is built, not in the browser.

Why: MathJax typesets in the reader's browser after downloading about 1.2 MB
of scripts. On a slow phone network (Slow 4G) the text showed the raw TeX,
``\\(\\sigma'\\)``, for about 15 s, then every line holding a formula moved
when MathJax replaced it (cumulative layout shift 0.16-0.25, Google's limit
for "good" being 0.1). Here MathJax runs once, at build time, in Node, on the
same MathJax 3 files that sphinx-mathjax-offline serves: every ``.math``
element of every page leaves the build as MathJax's SVG output (with the
hidden MathML that screen readers read). Each formula is an ``<svg>`` sized
in ex, whose glyphs are references to outlines the page carries once, at the
start of its body (MathJax's global font cache, cut to the page's glyphs).
So a formula is drawn, with its own glyphs and at its final size, as soon as
its line is: no web font to wait for or to swap in, and nothing moves.

The single-page build (``singlehtml``), which tools/book_pdf.py prints to
the PDF, gets MathJax's CommonHTML instead: glyphs of MathJax's web fonts,
which the PDF embeds, so that its formulas stay text a reader can search and
copy. Its ``<head>`` carries the style sheet of exactly its glyphs.

SVG rather than MathJax's CommonHTML (a box and a web-font character per
glyph): on the longest chapter, Lighthouse's simulated blocking time on a
phone went from 390-480 ms to 140-170 ms over three paired runs, and the
layout shift when its ten MathJax fonts arrived (0.05) is gone. Its HTML is
larger (45 kB more gzipped), but a first visit no longer fetches the fonts:
447 kB were transferred before, 316 kB after (`make bench`). A reader who
moves on to other pages pays for the outlines on each, where the fonts were
cached.

The page no longer loads MathJax at all; _static/widget-manager-compat.js
loads it on demand if an explorer's label needs typesetting.

A formula MathJax cannot typeset (a TeX error, an undefined macro) is a
warning, so the strict build (``-W``) fails, and is left as MathJax shows it.
Without Node (``node`` on PATH) the extension warns and leaves the pages to
MathJax in the browser, as Sphinx does.

Checked by tests/test_book.py (no page loads MathJax or holds raw TeX in a
``.math`` element; every glyph a formula uses is on its page) and
tests/test_site.py (every formula typeset, no layout shift).
"""

from __future__ import annotations

import atexit
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

SCRIPT = Path(__file__).with_name("mathjax_prerender.js")
# Sphinx's and MyST's formulas: an element whose classes include `math`.
MATH = re.compile(
    r'<(span|div)(\s[^>]*?\bclass="(?:[^"]*\s)?math(?:\s[^"]*)?"[^>]*)>(.*?)</\1>',
    re.S,
)
EQNO = re.compile(r'<span class="eqno">.*?</span>', re.S)
DELIMITED = re.compile(r"^\s*(\\\(|\\\[|\$\$)(.*)(\\\)|\\\]|\$\$)\s*$", re.S)
BODY = re.compile(r"<body\b[^>]*>")
FONTS = "_static/mathjax/output/chtml/fonts/woff-v2"
FONT_FACE = re.compile(r"@font-face[^{]*\{")
# An inline formula with an opening bracket or quote just before it, or
# closing punctuation just after it (no space between).
INLINE_WITH_PUNCTUATION = re.compile(
    r'([(\[“‘]?)(<span class="math notranslate nohighlight">.*?</span>)'
    r"([,.;:!?)\]’”…]*)",
    re.S,
)


class Typesetter:
    """A Node process running MathJax, fed one page's formulas at a time."""

    def __init__(self, node: str, mathjax: Path, output: str):
        self.output = output  # "svg" or "chtml"
        self.process = subprocess.Popen(
            [node, str(SCRIPT), str(mathjax), output],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        atexit.register(self.close)

    def typeset(self, formulas: list[dict], tex_config: dict) -> dict:
        request = json.dumps({"formulas": formulas, "tex": tex_config})
        self.process.stdin.write(request + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("MathJax (node) stopped")
        return json.loads(line)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _mathjax_dir(app) -> Path | None:
    extension = app.extensions.get("sphinx-mathjax-offline")
    module = getattr(extension, "module", None)
    if module is None or not getattr(module, "__file__", None):
        return None
    folder = Path(module.__file__).parent / "static" / "mathjax"
    return folder if (folder / "startup.js").is_file() else None


def _formula(inner: str, display: bool) -> tuple[str, bool]:
    tex = html.unescape(EQNO.sub("", inner))
    found = DELIMITED.match(tex)
    if found:
        opening, tex = found.group(1), found.group(2)
        display = opening != "\\("
    return tex.strip(), display


def _keep_punctuation(page: str) -> str:
    """Wrap each inline formula with the punctuation that touches it in a
    .course-nowrap span, so that no line starts with its comma or full stop."""
    pieces, last = [], 0
    for match in INLINE_WITH_PUNCTUATION.finditer(page):
        before, formula, after = match.group(1), match.group(2), match.group(3)
        if not before and not after:
            continue
        pieces += [
            page[last : match.start()],
            f'<span class="course-nowrap">{before}{formula}{after}</span>',
        ]
        last = match.end()
    pieces.append(page[last:])
    return "".join(pieces)


def typeset_page(html_text: str, typesetter: Typesetter, tex: dict, fonts: str):
    """The page with every formula typeset, and the errors MathJax reported."""
    found = list(MATH.finditer(html_text))
    formulas = []
    for match in found:
        if "<mjx-container" in match.group(3):
            formulas.append(None)  # typeset already
            continue
        text, display = _formula(match.group(3), match.group(1) == "div")
        formulas.append({"tex": text, "display": display})
    todo = [f for f in formulas if f is not None]
    if not todo:
        return html_text, []
    answer = typesetter.typeset(todo, tex)
    rendered = iter(zip(answer["html"], answer["errors"]))
    pieces, errors, last = [], [], 0
    for match, formula in zip(found, formulas):
        if formula is None:
            continue
        markup, error = next(rendered)
        if error:
            errors.append((formula["tex"], error))
        if markup is None:
            continue
        inner = match.group(3)
        number = EQNO.search(inner)
        new_inner = (number.group(0) if number else "") + markup
        start, end = match.span(3)
        pieces += [html_text[last:start], new_inner]
        last = end
    pieces.append(html_text[last:])
    page = "".join(pieces)
    if typesetter.output == "chtml":
        css = answer["css"].replace("@@MATHJAX_FONTS@@", fonts)
        css = FONT_FACE.sub("@font-face {\n  font-display: swap;", css)
        style = f'<style id="MJX-CHTML-styles">\n{css}</style>\n'
        return page.replace("</head>", style + "</head>", 1), errors
    style = f'<style id="MJX-SVG-styles">\n{answer["css"]}</style>\n'
    page = page.replace("</head>", style + "</head>", 1)
    # The glyphs' outlines, before the first formula that draws them.
    glyphs = (
        '<svg id="MJX-SVG-global-cache" style="display: none" aria-hidden="true">'
        f"{answer['glyphs']}</svg>"
    )
    body = BODY.search(page)
    page = page[: body.end()] + glyphs + page[body.end() :]
    return page, errors


def _client_mathjax(script) -> bool:
    """Whether a script entry is MathJax or its configuration (sphinx.ext.mathjax)."""
    name = str(getattr(script, "filename", script) or "")
    body = getattr(script, "attributes", {}).get("body", "")
    return name.endswith(("mathjax/tex-chtml.js", "tex-mml-chtml.js")) or (
        not name and body.lstrip().startswith("window.MathJax =")
    )


def drop_client_mathjax(app, pagename, templatename, context, doctree) -> None:
    if getattr(app, "_prerender_math", None) is None:
        return
    scripts = context.get("script_files")
    if scripts:
        scripts[:] = [s for s in scripts if not _client_mathjax(s)]


def start(app) -> None:
    app._prerender_math = None
    if app.builder.format != "html":
        return
    node = shutil.which("node") or shutil.which("nodejs")
    mathjax = _mathjax_dir(app)
    if node is None or mathjax is None:
        logger.warning(
            "formulas are typeset in the browser: %s",
            "Node (node) is not on PATH" if node is None else "no MathJax found",
        )
        typesetter = None
    else:
        output = "chtml" if app.builder.name == "singlehtml" else "svg"
        typesetter = app._prerender_math = Typesetter(node, mathjax, output)
    tex_config = (app.config.mathjax3_config or {}).get("tex", {})
    templates = app.builder.templates
    render = templates.render

    def render_and_typeset(template, context):
        page = render(template, context)
        # Only whole pages: the theme also renders pieces of pages (the
        # page's contents in its sidebar), whose formulas are typeset with
        # the page that holds them, and with their glyphs.
        if not MATH.search(page) or not BODY.search(page):
            return page
        page = _keep_punctuation(page)
        if typesetter is None:
            return page
        fonts = context["pathto"](FONTS, 1)
        page, errors = typeset_page(page, typesetter, tex_config, fonts)
        for tex, error in errors:
            logger.warning(
                "MathJax cannot typeset %r: %s",
                tex[:120],
                error,
                location=context.get("pagename"),
            )
        return page

    templates.render = render_and_typeset


def stop(app, exception) -> None:
    typesetter = getattr(app, "_prerender_math", None)
    if typesetter is not None:
        typesetter.close()


def setup(app):
    app.connect("builder-inited", start)
    # After sphinx.ext.mathjax has added its scripts to the page.
    app.connect("html-page-context", drop_client_mathjax, priority=900)
    app.connect("build-finished", stop)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
