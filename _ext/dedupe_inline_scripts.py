"""Sphinx extension: write each inline <script> of a page once.

Why: Sphinx 7.4 records an inline script (``app.add_js_file(None, body=...)``)
added after the builder starts under the file name ``None`` and again, when it
prepares the writing, under ``''``; the two do not compare equal, so the page
gets the script twice. sphinx-thebe 0.3.1 adds ``const THEBE_JS_URL = ...``
that way, and a second ``const`` declaration is a SyntaxError in every page
("Identifier 'THEBE_JS_URL' has already been declared"); sphinx-togglebutton's
``var togglebuttonSelector`` is doubled too, harmlessly. This handler runs
after all others on ``html-page-context`` and drops the repeats, keeping the
first occurrence, so the scripts run in their intended order.

Checked by tests/test_site.py (no page raises an error).
"""

from __future__ import annotations

from typing import Any


def _key(script: Any) -> tuple:
    filename = getattr(script, "filename", script) or ""
    attributes = getattr(script, "attributes", {})
    return (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))


def drop_repeated_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    unique = []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.connect("html-page-context", drop_repeated_scripts, priority=999)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
