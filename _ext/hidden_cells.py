"""Sphinx extension: cells tagged hide-input, on the site and in the PDF.

- myst-nb registers its HideCodeCellNode (a cell tagged ``hide-input``) for
  the ``html`` builder only. Sphinx gives a builder the handlers registered
  under its own name, and falls back to those of its format only when there
  are none: sphinx-exercise registers its nodes under ``singlehtml``, so the
  single-page build (the PDF) found no handler for myst-nb's node and stopped
  ("unknown node type: HideCodeCellNode") once a chapter hid a cell's input.
  The handlers below are registered under both names.
- myst-nb names the cell's button ``aria-label="Toggle hidden content"``
  while it shows "Show code cell source": a screen reader and a voice
  command then disagree with the screen (axe-core's serious
  label-content-name-mismatch). Here the button is named by its visible text.

Checked by tests/test_pdf.py (the PDF is printed at all) and tests/test_site.py
(no serious axe-core violation on a page with such a cell).
"""

from myst_nb.sphinx_ import (
    HideCodeCellNode,
    depart_HideCellInput,
    visit_HideCellInput,
)

NAMED = '<summary aria-label="Toggle hidden content">'


def visit(self, node) -> None:
    start = len(self.body)
    visit_HideCellInput(self, node)
    self.body[start:] = [part.replace(NAMED, "<summary>") for part in self.body[start:]]


def setup(app):
    app.setup_extension("myst_nb")
    app.add_node(
        HideCodeCellNode,
        override=True,
        html=(visit, depart_HideCellInput),
        singlehtml=(visit, depart_HideCellInput),
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
