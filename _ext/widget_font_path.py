"""Sphinx extension: the widget manager finds its icon fonts on this site.

Why: @jupyter-widgets/html-manager (served from _static/widgets/) loads its
Font Awesome files from the folder of the AMD module that defines it, which
require.js places at ``<page folder>/@jupyter-widgets/html-manager/dist/``.
That folder does not exist, so every explorer page got six 404s. Before
require.js loads, this extension gives it ``paths`` entries that map the
module, and the manager's other modules (``@jupyter-widgets/base``,
``controls``), to _static/widgets/, where `make widgets-js` put the fonts
beside embed-amd.js. Pages that load the manager from a CDN (no npm, see
widget_manager_fallback.py) are left alone.

Checked by tests/test_site.py (no request on any page gets a 404).
"""

from __future__ import annotations

import json

from sphinx.builders.html._assets import _JavaScript

MODULE = "@jupyter-widgets/html-manager/dist"
# The manager's other modules (base, controls), which inject the same fonts
# when the manager is started after the page has loaded (course-explorers.js).
SCOPE = "@jupyter-widgets"


def configure_requirejs(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    names = [str(getattr(s, "filename", s) or "") for s in scripts]
    local = [
        i
        for i, name in enumerate(names)
        if name.endswith("widgets/require.js") and "://" not in name
    ]
    if not local:
        return
    folder = context["pathto"]("_static/widgets", 1)
    # A global `require` object read by require.js as its configuration.
    body = f"var require = {json.dumps({'paths': {MODULE: folder, SCOPE: folder}})};"
    first = scripts[local[0]]
    scripts.insert(
        local[0], _JavaScript("", body=body, priority=getattr(first, "priority", 500))
    )


def setup(app):
    app.connect("html-page-context", configure_requirejs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
