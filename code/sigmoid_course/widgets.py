"""Interactive explorers built on ipywidgets, which also respond on the static website.

An explorer is a row of controls above a figure and the lines a reader would
have printed for the values chosen.  On the website no Python runs: the
widget manager draws the widgets from the state saved in the notebook, and
only links between widgets work there.  So an explorer draws every state it
offers ahead of time, one **frame** (figure and printed text) per combination
of the controls' values, and keeps them in nested ``widgets.Stack``\\ s whose
``selected_index`` is linked in the browser (``widgets.jslink``) to the
``index`` of a selection control.  The same explorer works in JupyterLab,
with or without a kernel.

A frame is a ``widgets.HTML`` holding an ``<img>`` (a PNG quantised to a
small palette, about 6 kB) with alt text that says what the figure shows for
those values, and the printed lines in a ``<pre>``.  ``widgets.Image`` has no
alt text, and its ``tooltip`` makes the site's widget manager throw.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
from collections.abc import Callable, Sequence
from typing import NamedTuple

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ._arrays import check_count, check_real
from .activations import sigmoid, sigmoid_prime
from .gradient_flow import initial_gradient_norms
from .plotting import COLORS, new_axes

__all__ = [
    "gradient_norm_explorer",
    "make_explorer",
    "sigmoid_explorer",
    "tangent_explorer",
]

#: The grids the explorers offer: every value a reader needs, not every pixel.
#: Chapter 1: σ(k(x − c)) from nearly flat (k = 1/4) to nearly a step (k = 5),
#: its centre c moved in whole steps across the plotted range.
STEEPNESS_VALUES = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0)
CENTRE_VALUES = (-4.0, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0)
#: Chapter 2: tangent points from the left tail to the right tail.
TANGENT_POINTS = tuple(float(v) for v in np.arange(-6.0, 6.0 + 0.25, 0.5))
#: Chapter 4: depths from two hidden layers (the first and the last) to ten.
DEPTHS = (2, 3, 4, 6, 8, 10)
#: Chapter 4: the networks compared there, an activation with an initialisation
#: (names of network.ACTIVATIONS and network.INITIALISERS), and the large
#: N(0, 1) weights and biases of Nielsen's early chapters.
NETWORKS = {
    "sigmoid, standard": ("sigmoid", "uniform_fan_in"),
    "sigmoid, Xavier": ("sigmoid", "xavier"),
    "sigmoid, 4 × Xavier": ("sigmoid", "xavier_sigmoid"),
    "sigmoid, N(0, 1)": ("sigmoid", "unit_normal"),
    "tanh, Xavier": ("tanh", "xavier"),
    "ReLU, He": ("relu", "he"),
}

# Colours per frame: 16 keep the antialiased curves and text clean at a
# quarter of the bytes of matplotlib's full-colour PNG.
_PALETTE_COLORS = 16


class Frame(NamedTuple):
    """One state of an explorer: its figure, its printed text, the figure's alt text."""

    figure: Figure
    text: str
    alt: str


def _png(fig: Figure) -> bytes:
    """The figure as a PNG quantised to a small palette (about 6 kB for our plots)."""
    from PIL import Image  # a dependency of matplotlib

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    image = image.quantize(
        colors=_PALETTE_COLORS,
        method=Image.Quantize.MEDIANCUT,
        dither=Image.Dither.NONE,
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def frame_html(frame: Frame) -> str:
    """Return the HTML of one frame: an ``<img>`` with alt text, then the printed lines.

    The figure is closed, so that drawing a few hundred frames keeps no figure open.

    >>> fig, ax = new_axes("$x$", "output")
    >>> markup = frame_html(Frame(fig, "k = 2 & c < 1", "A blank plot."))
    >>> markup.startswith('<img src="data:image/png;base64,')
    True
    >>> 'alt="A blank plot."' in markup
    True
    >>> markup.split("<pre")[1]
    ' class="explorer-text">k = 2 &amp; c &lt; 1</pre>'

    Explained in: Chapter 1, "Explorer".
    """
    try:
        data = base64.b64encode(_png(frame.figure)).decode("ascii")
        width, height = (
            int(round(v)) for v in frame.figure.get_size_inches() * frame.figure.dpi
        )
    finally:
        plt.close(frame.figure)
    return (
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(frame.alt)}" '
        f'width="{width}" height="{height}" class="explorer-figure" '
        f'style="max-width: 100%; height: auto;">'
        f'<pre class="explorer-text">{html.escape(frame.text)}</pre>'
    )


def _describe(what: str) -> dict:
    # The label's full text, never cut to the default width.
    return {"description": what, "style": {"description_width": "initial"}}


def _options_slider(
    what: str, values: Sequence, value, fmt: str
) -> widgets.SelectionSlider:
    return widgets.SelectionSlider(
        options=[(format(v, fmt), v) for v in values],
        value=value,
        continuous_update=True,
        layout=widgets.Layout(width="22rem", max_width="100%"),
        **_describe(what),
    )


def _dropdown(what: str, values: Sequence[str], value: str) -> widgets.Dropdown:
    return widgets.Dropdown(
        options=list(values),
        value=value,
        layout=widgets.Layout(width="auto", max_width="100%"),
        **_describe(what),
    )


def make_explorer(
    frame: Callable[..., Frame],
    controls: dict[str, widgets.widget_selection._Selection],
) -> widgets.VBox:
    """Return an explorer showing ``frame(**values)`` for the controls' values.

    Every control is a selection widget (``SelectionSlider``, ``Dropdown``):
    ``frame`` is called once for every combination of their options, ahead
    of time, and returns the :class:`Frame` to show for it.  The frames sit
    in nested ``widgets.Stack``\\ s, one level per control, whose
    ``selected_index`` follows the control's ``index`` through a
    ``widgets.jslink``, so the browser switches frames without Python.

    >>> def frame(k):
    ...     fig, _ = new_axes("$x$", "output")
    ...     return Frame(fig, f"k = {k}", f"A blank plot for k = {k}.")
    >>> box = make_explorer(frame, {"k": widgets.Dropdown(options=[1, 2], value=2)})
    >>> controls, stack = box.children
    >>> stack.selected_index, "k = 2" in stack.children[1].value
    (1, True)

    Used by: the explorers of Chapters 1, 2 and 4.
    """
    if not controls:
        raise ValueError("make_explorer needs at least one control")
    for name, control in controls.items():
        if not isinstance(control, widgets.widget_selection._Selection):
            raise TypeError(
                f"control {name!r} must be a selection widget "
                f"(SelectionSlider, Dropdown), "
                f"got {type(control).__name__}"
            )
    names = list(controls)
    # One layout and style shared by all frames: two models fewer per frame.
    layout, style = widgets.Layout(), widgets.widget_string.HTMLStyle()
    frames = {}
    for indices in itertools.product(
        *(range(len(c.options)) for c in controls.values())
    ):
        values = {n: _option_value(controls[n], i) for n, i in zip(names, indices)}
        frames[indices] = widgets.HTML(
            frame_html(frame(**values)), layout=layout, style=style
        )

    def stack(level: int, prefix: tuple) -> widgets.Stack:
        control = controls[names[level]]
        children = [
            frames[prefix + (i,)]
            if level == len(names) - 1
            else stack(level + 1, prefix + (i,))
            for i in range(len(control.options))
        ]
        box = widgets.Stack(children, selected_index=control.index)
        widgets.jslink((control, "index"), (box, "selected_index"))
        return box

    row = widgets.HBox(
        list(controls.values()), layout=widgets.Layout(flex_flow="row wrap")
    )
    return widgets.VBox([row, stack(0, ())], layout=widgets.Layout(max_width="100%"))


def _option_value(control, i: int):
    """The value of option i of a selection control (options may be (label, value))."""
    return control._options_values[i]


def _grid_value(name: str, value, grid: Sequence[float]) -> float:
    """Return ``value`` as a float if it is one of ``grid``.

    ``TypeError`` for a non-number, ``ValueError`` for a number off the grid.
    """
    value = check_real(name, value)
    if value not in grid:
        raise ValueError(
            f"{name} must be one of the explorer's values "
            f"{', '.join(format(v, 'g') for v in grid)}, got {value:g}"
        )
    return value


def _shifted_x(c: float) -> str:
    """``x - c`` in TeX, written ``x + |c|`` for a negative c and ``x`` for c = 0."""
    if c == 0:
        return "x"
    return rf"x - {c:.2f}" if c > 0 else rf"x + {-c:.2f}"


def draw_scaled_sigmoid(steepness: float, shift: float) -> Frame:
    """Return the frame plotting σ(k(x − c)) against σ(x), with its midpoint and slope.

    ``steepness`` is k and ``shift`` is the centre c.  The slope at the
    midpoint x = c is k·σ'(0) = k/4 by the chain rule.

    >>> frame = draw_scaled_sigmoid(2.0, -1.0)
    >>> frame.text
    'midpoint x = -1.00, slope there = k/4 = 0.5000'
    >>> frame.figure.axes[0].get_legend().get_texts()[1].get_text()
    '$\\\\sigma(2.00\\\\,(x + 1.00))$'
    >>> plt.close(frame.figure)

    Explained in: Chapter 1, "Steepness and shift".
    """
    x = np.linspace(-8.0, 8.0, 401)
    fig, ax = new_axes("$x$", "output", figsize=(6.4, 3.2))
    ax.plot(
        x, sigmoid(x), color=COLORS["reference"], linestyle="--", label=r"$\sigma(x)$"
    )
    ax.plot(
        x,
        sigmoid(steepness * (x - shift)),
        color=COLORS["sigmoid"],
        label=rf"$\sigma({steepness:.2f}\,({_shifted_x(shift)}))$",
    )
    ax.axvline(shift, color=COLORS["accent"], linewidth=1.0)
    ax.set_ylim(-0.05, 1.05)
    ax.legend(loc="upper left")
    slope = steepness / 4
    text = f"midpoint x = {shift:+.2f}, slope there = k/4 = {slope:.4f}"
    shape = (
        "nearly flat"
        if steepness < 1
        else "steeper than σ(x)"
        if steepness > 1
        else "as steep as σ(x)"
    )
    inner = "x" if shift == 0 else f"x − {shift:g}" if shift > 0 else f"x + {-shift:g}"
    alt = (
        f"The curve σ({steepness:g}({inner})), solid, against σ(x), dashed, for x "
        f"from −8 to 8: it crosses 0.5 at x = {shift:g}, marked by a vertical line, "
        f"with slope {slope:.4f} there, {shape}."
    )
    return Frame(fig, text, alt)


def sigmoid_explorer(steepness: float = 1.0, shift: float = 0.0) -> widgets.VBox:
    """Return sliders for the steepness k and centre c of σ(k(x − c)) over its plot.

    The sliders offer :data:`STEEPNESS_VALUES` and :data:`CENTRE_VALUES`; the
    initial values must be among them.

    Building it draws 72 frames (a few seconds), so this example only shows
    what it refuses:

    >>> sigmoid_explorer(steepness=100)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: steepness must be one of the explorer's values 0.25, ..., 5, got 100

    Explained in: Chapter 1, "Steepness and shift".
    """
    steepness = _grid_value("steepness", steepness, STEEPNESS_VALUES)
    shift = _grid_value("shift", shift, CENTRE_VALUES)
    return make_explorer(
        draw_scaled_sigmoid,
        {
            "steepness": _options_slider(
                "steepness k", STEEPNESS_VALUES, steepness, ".2f"
            ),
            "shift": _options_slider("centre c", CENTRE_VALUES, shift, "+.2f"),
        },
    )


def draw_tangent(x0: float) -> Frame:
    """Return the frame plotting σ and its tangent at x0, with σ(x0) and slope σ'(x0).

    The tangent y = σ(x0) + σ'(x0)(x − x0) touches the curve at x0; its slope
    σ'(x0) = σ(x0)(1 − σ(x0)) is largest, ¼, at x0 = 0 and fades like
    e^(−|x0|) in the tails, where the curve is flat.

    >>> frame = draw_tangent(0.0)
    >>> frame.text
    'x0 = +0.00: sigma(x0) = 0.500000, slope sigma(x0)(1 - sigma(x0)) = 0.250000'
    >>> plt.close(frame.figure)

    Explained in: Chapter 2, "The tangent line".
    """
    x = np.linspace(-8.0, 8.0, 401)
    s0, slope = float(sigmoid(x0)), float(sigmoid_prime(x0))
    fig, ax = new_axes("$x$", "output", figsize=(6.4, 3.2))
    ax.plot(x, sigmoid(x), color=COLORS["sigmoid"], label=r"$\sigma(x)$")
    ax.plot(
        x,
        s0 + slope * (x - x0),
        color=COLORS["derivative"],
        label=rf"tangent at $x_0 = {x0:.2f}$, slope {slope:.4f}",
    )
    ax.plot([x0], [s0], "o", color=COLORS["accent"])
    ax.set_ylim(-0.25, 1.25)
    ax.legend(loc="upper left")
    text = (
        f"x0 = {x0:+.2f}: sigma(x0) = {s0:.6f}, "
        f"slope sigma(x0)(1 - sigma(x0)) = {slope:.6f}"
    )
    alt = (
        f"The curve σ(x) for x from −8 to 8 with its tangent line at x0 = {x0:g}, "
        f"which touches the curve at height {s0:.4f} and has slope {slope:.4f}."
    )
    return Frame(fig, text, alt)


def tangent_explorer(x0: float = 1.0) -> widgets.VBox:
    """Return a slider for x0 (one of :data:`TANGENT_POINTS`) over σ and its tangent.

    >>> len(TANGENT_POINTS), TANGENT_POINTS[0], TANGENT_POINTS[-1]
    (25, -6.0, 6.0)
    >>> tangent_explorer(x0=None)
    Traceback (most recent call last):
    ...
    TypeError: x0 must be a real number, got NoneType

    Explained in: Chapter 2, "The tangent line".
    """
    x0 = _grid_value("x0", x0, TANGENT_POINTS)
    return make_explorer(
        draw_tangent,
        {"x0": _options_slider("tangent point x0", TANGENT_POINTS, x0, "+.2f")},
    )


def draw_gradient_norms(
    depth: int, activation: str, init: str, *, X, y, seed: int = 3
) -> Frame:
    """Return the frame plotting each hidden layer's bias-gradient norm, log scale.

    The network has ``depth`` hidden layers of 30 units, drawn with
    ``numpy.random.default_rng(seed)`` and the initialisation ``init``; the
    gradient is the mean over (X, y).  A straight falling line on the log
    scale is a constant factor lost per layer.  The text lists the norms and
    the ratio of the first layer's to the last's.

    >>> from sigmoid_course import gaussian_clusters
    >>> X, y = gaussian_clusters(200, np.random.default_rng(0))
    >>> frame = draw_gradient_norms(2, "sigmoid", "uniform_fan_in", X=X, y=y)
    >>> [line.split()[:2] for line in frame.text.splitlines()]  # doctest: +ELLIPSIS
    [['layer:', '1'], ['norm:', ...], ['first', '/']]
    >>> plt.close(frame.figure)

    Explained in: Chapter 4, "Explorer".
    """
    norms = initial_gradient_norms(
        X, y, depth, np.random.default_rng(seed), activation=activation, init=init
    )
    layers = np.arange(1, depth + 1)
    fig, ax = new_axes(
        "hidden layer $l$ (1 = next to the input)",
        r"$\|\partial C / \partial b^l\|$",
        figsize=(6.4, 3.2),
    )
    ax.plot(
        layers,
        norms,
        "o-",
        color=COLORS["sigmoid"],
        label=f"{activation}, {init} initialisation",
    )
    ax.set_xticks(layers)
    positive = norms[norms > 0]
    if positive.size:  # a log scale needs something positive to show
        ax.set_yscale("log")
        ax.set_ylim(min(1e-6, positive.min() / 3), max(1.0, positive.max() * 3))
    ax.legend(loc="lower right")
    lines = [
        "layer: " + "  ".join(f"{layer:>8d}" for layer in layers),
        "norm:  " + "  ".join(f"{v:8.2e}" for v in norms),
    ]
    if norms[-1] > 0:
        lines.append(f"first / last = {norms[0] / norms[-1]:.2e}")
    else:
        lines.append(
            "first / last is undefined: the last hidden layer gets no gradient"
        )
    layers_word = "layer" if depth == 1 else "layers"
    alt = (
        f"The bias-gradient norm of each of the {depth} hidden {layers_word} of a "
        f"{activation} network with {init} initialisation, on a log scale: "
        f"{norms[0]:.1e} at layer 1, next to the input"
        + (
            f", and {norms[-1]:.1e} at layer {depth}, next to the output."
            if depth > 1
            else "."
        )
    )
    return Frame(fig, "\n".join(lines), alt)


def gradient_norm_explorer(
    X,
    y,
    depth: int = 4,
    network: str = "sigmoid, standard",
    seed: int = 3,
) -> widgets.VBox:
    """Return depth and network controls over each hidden layer's gradient norm.

    The depth slider offers :data:`DEPTHS`, the dropdown the networks of
    :data:`NETWORKS` (an activation with an initialisation).  All their
    combinations are drawn ahead of time, one network per combination,
    drawn from ``seed``.

    >>> from sigmoid_course import two_moons
    >>> X, y = two_moons(64, 0.1, np.random.default_rng(0))
    >>> len(DEPTHS) * len(NETWORKS)  # frames it draws
    36
    >>> gradient_norm_explorer(X, y, network="sigmoid, He")
    Traceback (most recent call last):
    ...
    ValueError: network must be one of 'sigmoid, standard', 'sigmoid, Xavier', \
'sigmoid, 4 × Xavier', 'sigmoid, N(0, 1)', 'tanh, Xavier', 'ReLU, He', got 'sigmoid, He'

    Explained in: Chapter 4, "Explorer".
    """
    depth = check_count(depth, "depth", 1)
    if depth not in DEPTHS:
        raise ValueError(
            f"depth must be one of the explorer's values "
            f"{', '.join(map(str, DEPTHS))}, got {depth}"
        )
    if not isinstance(network, str):
        raise TypeError(f"network must be a string, got {type(network).__name__}")
    if network not in NETWORKS:
        raise ValueError(
            f"network must be one of {', '.join(map(repr, NETWORKS))}, got {network!r}"
        )
    seed = check_count(seed, "seed", 0)

    def frame(depth, network):
        activation, init = NETWORKS[network]
        return draw_gradient_norms(depth, activation, init, X=X, y=y, seed=seed)

    return make_explorer(
        frame,
        {
            "depth": _options_slider("hidden layers", DEPTHS, depth, "d"),
            "network": _dropdown("network", list(NETWORKS), network),
        },
    )
