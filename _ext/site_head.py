"""Sphinx extension: each page's <head> lets the text paint first and describes it.

Why: every page waited, before painting a word, for about fifteen scripts in
``<head>`` that nothing needs before the text is shown (the theme's
helpers, the copy button, the dropdowns, the search index, the course's own
scripts), downloaded one round trip each on a phone network; it carried three
viewport tags, no meta description (search engines and Lighthouse's SEO
audit want one) and no favicon (a 404 on every visit). This extension

- adds ``_ext/templates`` to ``templates_path``: its layout.html drops the
  theme's fontawesome.js (1.45 MB, a second way to draw icons the theme's
  web fonts already draw) and its second viewport tag, and loads the search
  scripts on the search page only (the theme loads them everywhere for its
  search-as-you-type option, which is off);
- gives every script the page names by URL ``defer`` (they then run, in the
  same order, once the page is parsed, still before DOMContentLoaded), except
  documentation_options.js, which the page's inline scripts need at once and
  which is 0.4 kB;
- removes the viewport tag some extensions add to ``metatags`` (Sphinx's own
  layout writes one);
- writes ``<meta name="description">``: the page's first paragraph of prose
  (a chapter's overview), its formulas as plain text, cut at a word near 300
  characters; pages without such prose (search, index, references) get
  their title and the book's.

Checked by tests/test_book.py (no blocking script in <head> but the
allowed one, one viewport tag, one description per page, the favicon).
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes

TEMPLATES = Path(__file__).with_name("templates")
# Scripts that may block the first paint: the theme's own, and small.
BLOCKING_ALLOWED = ("documentation_options.js",)
VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>\s*')
DESCRIPTION_LENGTH = 300

# TeX commands of the book's formulas, as text for a description.
TEX_WORDS = {
    r"\sigma": "σ",
    r"\partial": "∂",
    r"\cdot": "·",
    r"\times": "×",
    r"\approx": "≈",
    r"\le": "≤",
    r"\leq": "≤",
    r"\ge": "≥",
    r"\geq": "≥",
    r"\infty": "∞",
    r"\in": "∈",
    r"\to": "→",
    r"\prime": "′",
    r"\alpha": "α",
    r"\beta": "β",
    r"\eta": "η",
    r"\lambda": "λ",
    r"\mu": "μ",
    r"\delta": "δ",
    r"\Delta": "Δ",
    r"\epsilon": "ε",
    r"\varepsilon": "ε",
    r"\theta": "θ",
    r"\pi": "π",
    r"\sum": "Σ",
    r"\ldots": "…",
    r"\dots": "…",
    r"\,": " ",
    r"\;": " ",
    r"\quad": " ",
}
TEX_COMMAND = re.compile(r"\\[A-Za-z]+|\\[,;!]")


def tex_as_text(tex: str) -> str:
    """A formula as plain text for a description: σ'(x) for \\sigma'(x)."""
    text = TEX_COMMAND.sub(lambda m: TEX_WORDS.get(m.group(0), ""), tex)
    text = text.replace("'", "′").replace("{", "").replace("}", "")
    text = re.sub(r"\^(\S)", r"\1", text).replace("_", "")
    return re.sub(r"\s+", " ", text).strip()


def _text(node: nodes.Node) -> str:
    if isinstance(node, nodes.math):
        return tex_as_text(node.astext())
    if isinstance(node, nodes.Text):
        return node.astext()
    return "".join(_text(child) for child in node.children)


def describe(doctree, fallback: str) -> str:
    """The first paragraph of prose of the page (at least 80 characters), shortened."""
    if doctree is not None:
        for paragraph in doctree.findall(nodes.paragraph):
            # Prose only: not a caption, a list item's or an admonition's.
            if not isinstance(paragraph.parent, nodes.section):
                continue
            text = re.sub(r"\s+", " ", _text(paragraph)).strip()
            if len(text) >= 80:
                if len(text) > DESCRIPTION_LENGTH:
                    cut = text[: DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0]
                    text = cut.rstrip(",;:") + "…"
                return text
    return fallback


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def head_for_first_paint(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    for script in scripts or []:
        name = str(getattr(script, "filename", script) or "")
        attributes = getattr(script, "attributes", None)
        if not name or attributes is None or "://" in name:
            continue
        if name.endswith(BLOCKING_ALLOWED):
            continue
        if "async" not in attributes and "defer" not in attributes:
            attributes["defer"] = "defer"
    metatags = VIEWPORT.sub("", context.get("metatags", ""))
    if 'name="description"' not in metatags:
        title = re.sub(r"<[^>]+>", "", context.get("title") or "").strip()
        title = title or {"genindex": "Index", "search": "Search"}.get(pagename, "")
        book = re.sub(r"<[^>]+>", "", context.get("docstitle") or "").strip()
        fallback = f"{title} — {book}" if title and title != book else book
        description = describe(doctree, fallback)
        metatags += f'\n<meta name="description" content="{_escape(description)}" />'
    context["metatags"] = metatags


def add_templates(app, config) -> None:
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path.insert(0, str(TEMPLATES))


def setup(app):
    app.connect("config-inited", add_templates)
    # After the extensions that add scripts (priority 500) and before
    # dedupe_inline_scripts (999).
    app.connect("html-page-context", head_for_first_paint, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
