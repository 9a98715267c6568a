"""One plotting style for the whole book.

Every chapter calls :func:`use_course_style` once, so all figures share a size,
a font, a palette and an opaque white background.  The white background keeps
figures readable when the site is switched to its dark theme.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from ._arrays import check_count

__all__ = ["COLORS", "layer_colors", "use_course_style", "new_axes"]

#: Colour-blind-safe palette (Okabe & Ito), one colour per meaning.
COLORS = {
    "sigmoid": "#0072B2",  # blue: σ
    "derivative": "#D55E00",  # vermillion: σ'
    "second": "#009E73",  # green: σ''
    "reference": "#555555",  # grey: guides, asymptotes, references
    "accent": "#CC79A7",  # purple: highlights
    "extra": "#E69F00",  # orange: a further curve
    # Chapter 4's networks, "activation_initialisation" (the names of
    # network.ACTIVATIONS and network.INITIALISERS).  The hidden layers of one
    # network are drawn in shades of blue instead, by layer_colors.
    "sigmoid_uniform_fan_in": "#E69F00",  # orange
    "sigmoid_xavier": "#D55E00",  # vermillion
    "sigmoid_xavier_sigmoid": "#000000",  # black
    "tanh_xavier": "#009E73",  # green
    "relu_he": "#CC79A7",  # purple
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
    "axes.prop_cycle": mpl.cycler(
        color=[
            COLORS[k]
            for k in ("sigmoid", "derivative", "second", "accent", "extra", "reference")
        ]
    ),
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


def layer_colors(n: int) -> list[str]:
    """Return ``n`` shades of blue for hidden layers 1 to n, from light to dark.

    Layers are ordered, so they get one hue ordered by lightness, which also
    survives colour blindness and greyscale printing; the categorical colours
    of :data:`COLORS` stay free for other meanings.

    >>> layer_colors(2)
    ['#6aaed6', '#08306b']

    Used by: Chapter 4, "Learning speed per layer" and "Saturation".
    """
    n = check_count(n, "n", 1)
    blues = mpl.colormaps["Blues"]
    return [mpl.colors.to_hex(blues(t)) for t in np.linspace(0.5, 1.0, n)]
