"""Sphinx extension: no id is written twice on a page.

Why: sphinx-exercise 1.2.1 gives the body of every exercise the id
``exercise-content`` and of every solution ``solution-content``, so a chapter
with five exercises had each id five times. Duplicate ids are invalid HTML;
a link or an ``aria-labelledby`` naming one reaches only the first. When the
document is resolved, the second and later uses of an id on the page become
``<id>-2``, ``<id>-3``, … (nothing links to these section bodies).

Checked by tests/test_book.py (the written pages) and tests/test_site.py (the
pages once their scripts have run).
"""

from __future__ import annotations

from collections import Counter

from docutils import nodes


def rename_repeated_ids(app, doctree, docname) -> None:
    seen: Counter = Counter()
    taken = {i for node in doctree.findall(nodes.Element) for i in node["ids"]}
    for node in doctree.findall(nodes.Element):
        ids = node["ids"]
        for k, ident in enumerate(ids):
            seen[ident] += 1
            if seen[ident] == 1:
                continue
            number = seen[ident]
            while f"{ident}-{number}" in taken:
                number += 1
            new = f"{ident}-{number}"
            taken.add(new)
            ids[k] = new


def setup(app):
    app.connect("doctree-resolved", rename_repeated_ids)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
