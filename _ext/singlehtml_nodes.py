"""Sphinx extension: cells tagged hide-input in the single-page build (the PDF).

myst-nb registers its HideCodeCellNode (a cell tagged ``hide-input``) for
the ``html`` builder only. Sphinx gives a builder the handlers registered
under its own name, and falls back to those of its format only when there are
none: sphinx-exercise registers its nodes under ``singlehtml``, so the
single-page build found no handler for myst-nb's node and stopped
("unknown node type: HideCodeCellNode") once a chapter hid a cell's input.
This registers myst-nb's own HTML handlers under ``singlehtml`` too.
"""

from myst_nb.sphinx_ import (
    HideCodeCellNode,
    depart_HideCellInput,
    visit_HideCellInput,
)


def setup(app):
    app.setup_extension("myst_nb")
    app.add_node(
        HideCodeCellNode,
        override=True,
        html=(visit_HideCellInput, depart_HideCellInput),
        singlehtml=(visit_HideCellInput, depart_HideCellInput),
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
