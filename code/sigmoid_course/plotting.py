"""One plotting style for the whole book.

Every chapter calls :func:`use_course_style` once, so all figures share a size,
a font, a palette and an opaque white background.  The white background keeps
figures readable when the site is switched to its dark theme.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

__all__ = ["COLORS", "use_course_style", "new_axes"]

#: Colour-blind-safe palette (Okabe & Ito), used in this order in every chapter.
COLORS = {
    "sigmoid": "#0072B2",  # blue: σ
    "derivative": "#D55E00",  # vermillion: σ'
    "second": "#009E73",  # green: σ''
    "reference": "#555555",  # grey: guides, asymptotes, references
    "accent": "#CC79A7",  # purple: highlights
    "extra": "#E69F00",  # orange: a further curve
}

_STYLE = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.facecolor": "white",
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#111111",
    "text.color": "#111111",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    # Grey comes last: it marks references and guides, not data.
    "axes.prop_cycle": mpl.cycler(color=[COLORS[k] for k in ("sigmoid", "derivative", "second", "accent", "extra",
                                                              "reference")]),
    "lines.linewidth": 2.0,
    "font.size": 11,
    "legend.frameon": False,
    "figure.constrained_layout.use": True,
}


def use_course_style() -> None:
    """Apply the course's matplotlib style to every figure made afterwards.

    >>> use_course_style()
    >>> plt.rcParams["savefig.facecolor"]
    'white'

    Used by: every chapter, in its imports cell.
    """
    mpl.rcParams.update(_STYLE)


def new_axes(xlabel: str, ylabel: str, title: str | None = None, **subplots_kw):
    """Return ``(fig, ax)`` for a single plot with labelled axes.

    >>> fig, ax = new_axes("$x$", r"$\\sigma(x)$")
    >>> ax.get_xlabel()
    '$x$'
    >>> plt.close(fig)

    Used by: every chapter.
    """
    fig, ax = plt.subplots(**subplots_kw)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return fig, ax
