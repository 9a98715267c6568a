"""Pictures of networks, drawn from computed values.

The pictures of Chapter 3, each drawn by one function from the numbers the
package computes, never typed in:

- :func:`draw_neuron_graph`: CS231n's sigmoid neuron as a computational graph,
  with the forward value above each edge and the gradient of the output below
  it (from :func:`sigmoid_course.neuron.sigmoid_neuron_by_gates`);
- :func:`draw_network_backward`: a small sigmoid network on one example, with
  each unit's activation and its error δ = ∂L/∂z, so that the error can be
  followed down through Wᵀ and a(1 − a) (from
  :func:`sigmoid_course.network.forward` and
  :func:`sigmoid_course.network.loss_and_grads`);
- :func:`draw_decision_boundary`: the classes a trained network predicts on
  the plane, with the data and, if known, the best possible boundary.

The first two return the texts it placed, keyed by what they show, so a test can
compare every drawn number with the package's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, Rectangle
from numpy.typing import ArrayLike

from ._arrays import check_callable, check_real_array
from .activations import sigmoid
from .network import forward, loss_and_grads, predict
from .neuron import sigmoid_neuron_by_gates
from .plotting import COLORS

__all__ = [
    "Diagram",
    "draw_decision_boundary",
    "draw_network_backward",
    "draw_neuron_graph",
]

_FORWARD = COLORS["sigmoid"]  # values of the forward pass
_BACKWARD = COLORS["derivative"]  # gradients of the backward pass
_INK = "#111111"
_EDGE = "#888888"


@dataclass(frozen=True)
class Diagram:
    """A drawn diagram: its figure, its axes, and every number it shows.

    ``texts`` maps a key (such as ``"x0"`` or ``"delta 2.1"``) to the text
    drawn there, exactly as it appears on the figure.
    """

    fig: plt.Figure
    ax: plt.Axes
    texts: dict[str, str]


def _two_decimals(value: float) -> str:
    # CS231n's precision, with a true minus sign; −0.00 would be a rounding
    # artefact, not a sign.
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text.replace("-", "\u2212")


def _new_canvas(figsize, xlim, ylim):
    fig, ax = plt.subplots(figsize=figsize)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def _gate(ax, xy, symbol: str, radius: float = 0.42) -> None:
    ax.add_patch(
        plt.Circle(xy, radius, facecolor="white", edgecolor=_INK, linewidth=1.4,
                   zorder=3)
    )
    ax.text(*xy, symbol, ha="center", va="center", fontsize=10 if len(symbol) < 4
            else 8.5, color=_INK, zorder=4)


def _edge_labels(ax, texts, key, x, y, value: str, grad: str) -> None:
    """The forward value above a horizontal edge at (x, y), the gradient below."""
    ax.text(x, y + 0.12, value, ha="center", va="bottom", fontsize=10,
            color=_FORWARD, fontweight="bold")
    ax.text(x, y - 0.12, grad, ha="center", va="top", fontsize=10, color=_BACKWARD)
    texts[key] = value
    texts[key + " grad"] = grad


def _slanted_labels(ax, texts, key, start, end, value: str, grad: str) -> None:
    """The forward value on the upper side of a slanted edge, the gradient below."""
    (x0, y0), (x1, y1) = start, end
    length = np.hypot(x1 - x0, y1 - y0)
    normal = np.array([-(y1 - y0), x1 - x0]) / length
    if normal[1] < 0:
        normal = -normal
    middle = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    for text, side, color, weight in ((value, 1, _FORWARD, "bold"),
                                      (grad, -1, _BACKWARD, "normal")):
        ax.text(*(middle + 0.38 * side * normal), text, ha="center", va="center",
                fontsize=10, color=color, fontweight=weight)
    texts[key] = value
    texts[key + " grad"] = grad


def draw_neuron_graph(w: ArrayLike, x: ArrayLike) -> Diagram:
    """Draw the neuron f = σ(w0·x0 + w1·x1 + w2) as a computational graph.

    The graph has CS231n's gates: two products, two sums, then σ split into
    ×(−1), exp, +1 and 1/x.  Above each edge is the value the forward pass
    sends along it, below it the gradient ∂f/∂(that value) of the backward
    pass, both to two decimals as in CS231n's figure, computed by
    :func:`sigmoid_course.neuron.sigmoid_neuron_by_gates`.  A dashed box marks
    the four gates of σ, which can be replaced by one gate with local
    gradient f(1 − f).

    >>> d = draw_neuron_graph([2.0, -3.0, -3.0], [-1.0, -2.0])
    >>> d.texts["x0"], d.texts["x0 grad"], d.texts["f"], d.texts["z grad"]
    ('−1.00', '0.39', '0.73', '0.20')
    >>> plt.close(d.fig)

    Explained in: Chapter 3, "One neuron as a computational graph".
    """
    r = sigmoid_neuron_by_gates(w, x)
    if r.dw.shape != (3,):
        raise ValueError(
            "draw_neuron_graph draws a neuron with two inputs: w must hold 3 values "
            f"and x 2, got {r.dw.shape[0]} and {r.dx.shape[0]}"
        )
    w_arr = np.asarray(w, dtype=np.float64)
    x_arr = np.asarray(x, dtype=np.float64)
    dz = r.dz
    products = w_arr[:2] * x_arr
    z_before_bias = float(products.sum())
    fig, ax = _new_canvas((9.6, 3.7), (-0.9, 16.0), (-0.75, 5.45))
    texts: dict[str, str] = {}

    # Gates: (x, y) of each node.
    mul0, mul1, add0, add1 = (2.6, 3.9), (2.6, 1.6), (4.9, 2.75), (7.0, 1.6)
    chain_y = 1.6
    gates_x = (8.9, 10.7, 12.5, 14.3)  # ×(−1), exp, +1, 1/x
    # Inputs: a name, then a short horizontal stub carrying its labels.
    inputs = [
        ("w0", w_arr[0], r.dw[0], 4.6, mul0),
        ("x0", x_arr[0], r.dx[0], 3.2, mul0),
        ("w1", w_arr[1], r.dw[1], 2.3, mul1),
        ("x1", x_arr[1], r.dx[1], 0.9, mul1),
        ("w2", w_arr[2], r.dw[2], -0.2, add1),
    ]
    for name, value, grad, y, target in inputs:
        ax.text(-0.35, y, f"${name[0]}_{name[1]}$", ha="right", va="center",
                fontsize=11, color=_INK)
        ax.plot([-0.25, 0.9, target[0] - 0.42], [y, y, target[1]], color=_EDGE,
                linewidth=1.2, zorder=1)
        _edge_labels(ax, texts, name, 0.35, y, _two_decimals(value),
                     _two_decimals(grad))
    # w0·x0 and w1·x1 into the first sum, then their sum into the second.
    for key, start, end, value in (
        ("w0x0", mul0, add0, products[0]),
        ("w1x1", mul1, add0, products[1]),
        ("w0x0+w1x1", add0, add1, z_before_bias),
    ):
        ax.plot([start[0] + 0.42, end[0] - 0.42], [start[1], end[1]], color=_EDGE,
                linewidth=1.2, zorder=1)
        _slanted_labels(ax, texts, key, start, end, _two_decimals(value),
                        _two_decimals(dz))
    for xy, symbol in ((mul0, "×"), (mul1, "×"), (add0, "+"), (add1, "+")):
        _gate(ax, xy, symbol)

    # σ as four gates: the edge into each gate carries its input.
    symbols = ("×(−1)", "exp", "+1", "1/x")
    edge_starts = (add1[0],) + gates_x[:-1]
    names = ("z", "-z", "exp(-z)", "1+exp(-z)")
    for step, start, end, name in zip(r.steps, edge_starts, gates_x, names):
        ax.plot([start + 0.42, end - 0.42], [chain_y, chain_y], color=_EDGE,
                linewidth=1.2, zorder=1)
        _edge_labels(ax, texts, name, (start + end) / 2, chain_y,
                     _two_decimals(step.input), _two_decimals(step.grad))
    for gx, symbol in zip(gates_x, symbols):
        _gate(ax, (gx, chain_y), symbol)
    # The output edge, with df/df = 1.
    ax.annotate("", xy=(16.0, chain_y), xytext=(gates_x[-1] + 0.42, chain_y),
                arrowprops={"arrowstyle": "-|>", "color": _EDGE, "linewidth": 1.2})
    _edge_labels(ax, texts, "f", 15.35, chain_y, _two_decimals(r.output), "1.00")
    ax.text(16.0, chain_y + 0.1, "$f$", ha="right", va="bottom", fontsize=11,
            color=_INK)
    # The four gates of σ, which one sigmoid gate can replace.
    ax.add_patch(
        Rectangle((8.25, 0.85), 6.7, 1.55, fill=False, edgecolor=COLORS["reference"],
                  linestyle="--", linewidth=1.2, zorder=0)
    )
    local = r.output * (1.0 - r.output)
    label = (
        f"σ(z): one gate, local gradient f(1 − f) = {_two_decimals(local)}"
    )
    ax.text(11.6, 2.55, label, ha="center", va="bottom", fontsize=10,
            color=COLORS["reference"])
    texts["sigma local"] = _two_decimals(local)
    # A key to the colours.
    ax.text(-0.9, 5.45, "forward value", ha="left", va="top", fontsize=10,
            color=_FORWARD, fontweight="bold")
    ax.text(2.6, 5.45, "gradient ∂f/∂(value)", ha="left", va="top", fontsize=10,
            color=_BACKWARD)
    return Diagram(fig, ax, texts)


def _three_decimals(value: float) -> str:
    text = f"{value:+.3f}"
    return "+0.000" if text == "-0.000" else text.replace("-", "\u2212")


def draw_network_backward(
    params, x: ArrayLike, y: float, activation: str = "sigmoid"
) -> Diagram:
    """Draw a small network on one example: activations, and the error δ of each unit.

    ``params`` is a network of :func:`sigmoid_course.network.init_params`
    (a few units per layer), ``x`` one example and ``y`` its label.  Above
    each unit is its activation a (the input x for the first column, the
    probability p at the output), below it in the error colour its error
    δ = ∂L/∂z, which for one example is the bias gradient
    :func:`sigmoid_course.network.loss_and_grads` returns; a hidden unit also
    shows its factor a(1 − a).  Arrows under the network show the error
    moving down: at the output δ = p − y, and each layer below multiplies by
    Wᵀ and then by a(1 − a).

    >>> import numpy as np
    >>> from sigmoid_course import init_params
    >>> net = init_params([2, 3, 2, 1], np.random.default_rng(0))
    >>> d = draw_network_backward(net, [1.0, -0.5], 1)
    >>> d.texts["a 3.1"], d.texts["delta 3.1"], d.texts["delta 2.2"]
    ('p = 0.447', 'δ = −0.553', 'δ = +0.174')
    >>> plt.close(d.fig)

    Explained in: Chapter 3, "Backpropagation through a network".
    """
    X = np.atleast_2d(check_real_array(x, "x"))
    if X.shape[0] != 1:
        raise ValueError(f"x must be one example, got {X.shape[0]} rows")
    _, grads = loss_and_grads(params, X, np.array([[y]]), activation)
    logits, _, layer_inputs = forward(params, X, activation)
    widths = [X.shape[1]] + [dW.shape[1] for dW, _ in grads]
    if max(widths) > 5:
        raise ValueError(
            f"draw_network_backward draws at most 5 units a layer, got widths {widths}"
        )
    activations = [a[0] for a in layer_inputs] + [sigmoid(logits[0])]
    deltas = [None] + [db for _, db in grads]  # for one example δ = ∂L/∂b
    gap = 2.5  # between columns
    right_edge = gap * (len(widths) - 1) + 1.3
    fig, ax = _new_canvas((7.4, 4.0), (-1.0, right_edge), (-2.9, 3.9))
    texts: dict[str, str] = {}
    column_x = [gap * layer for layer in range(len(widths))]

    def row_y(layer: int, unit: int) -> float:
        return 1.5 * ((widths[layer] - 1) / 2 - unit) + 0.9

    # Forward connections, drawn first so the units sit on top.
    for layer in range(1, len(widths)):
        for i in range(widths[layer - 1]):
            for j in range(widths[layer]):
                ax.plot([column_x[layer - 1], column_x[layer]],
                        [row_y(layer - 1, i), row_y(layer, j)], color="#cccccc",
                        linewidth=1.0, zorder=1)
    last = len(widths) - 1
    for layer, width in enumerate(widths):
        for unit in range(width):
            cx, cy = column_x[layer], row_y(layer, unit)
            ax.add_patch(plt.Circle((cx, cy), 0.3, facecolor="white", edgecolor=_INK,
                                    linewidth=1.3, zorder=3))
            key = f"{layer}.{unit + 1}"
            value = activations[layer][unit]
            name = "x" if layer == 0 else ("p" if layer == last else "a")
            texts["a " + key] = f"{name} = {value:.3f}".replace("-", "\u2212")
            ax.text(cx, cy + 0.36, texts["a " + key], ha="center", va="bottom",
                    fontsize=10.5, color=_FORWARD, fontweight="bold", zorder=4)
            if layer == 0:
                continue
            delta = deltas[layer][unit]
            texts["delta " + key] = "δ = " + _three_decimals(delta)
            ax.text(cx, cy - 0.36, texts["delta " + key], ha="center", va="top",
                    fontsize=10.5, color=_BACKWARD, zorder=4)
            if layer < last:
                slope = value * (1.0 - value)
                texts["slope " + key] = f"{slope:.3f}"
                ax.text(cx + 0.36, cy, texts["slope " + key], ha="left",
                        va="center", fontsize=9.5, color=COLORS["reference"],
                        zorder=4)
    # Column titles.
    titles = (["input"] + [f"hidden {k}" for k in range(1, last)] + ["output"])
    for cx, title in zip(column_x, titles):
        ax.text(cx, 3.9, title, ha="center", va="top", fontsize=10, color=_INK)
    # The error moving down, layer by layer.
    arrow_y = -2.0
    for layer in range(last, 1, -1):
        ax.add_patch(
            FancyArrowPatch((column_x[layer] - 0.2, arrow_y),
                            (column_x[layer - 1] + 0.2, arrow_y),
                            arrowstyle="-|>", mutation_scale=14, color=_BACKWARD,
                            linewidth=1.5)
        )
        ax.text((column_x[layer] + column_x[layer - 1]) / 2, arrow_y + 0.12,
                f"× W$^{{({layer})\\top}}$,\nthen ⊙ a(1 − a)", ha="center",
                va="bottom", fontsize=10.5, color=_BACKWARD)
    ax.text(column_x[last], arrow_y - 0.15, "δ = p − y", ha="center", va="top",
            fontsize=10.5, color=_BACKWARD)
    ax.text(column_x[last] + 0.45, row_y(last, 0), f"y = {y:g}",
            ha="left", va="center", fontsize=10.5, color=_INK)
    texts["y"] = f"y = {y:g}"
    ax.text(-1.0, -2.9, "grey: a(1 − a), the factor σ′ of each hidden unit",
            ha="left", va="bottom", fontsize=9.5, color=COLORS["reference"])
    return Diagram(fig, ax, texts)


def draw_decision_boundary(
    params, X, y, posterior=None, activation: str = "sigmoid", resolution: int = 201
):
    """Draw the classes a network predicts on the plane, with the data (X, y).

    The plane around the points of ``X`` (two features) is shaded by the
    class that :func:`sigmoid_course.network.predict` gives on a grid of
    ``resolution`` points a side, and the points are coloured by their label.
    With ``posterior``, a function returning P(y = 1 | x) for the rows of an
    array, its level ½ is drawn dashed: the boundary of the best possible
    classifier (the Bayes boundary).  Returns ``(fig, ax)``.

    >>> import numpy as np
    >>> from sigmoid_course import init_params, two_moons
    >>> X, y = two_moons(20, 0.2, np.random.default_rng(0))
    >>> fig, ax = draw_decision_boundary(init_params([2, 1], np.random.default_rng(1)),
    ...                                  X, y)
    >>> ax.get_xlabel(), len(ax.collections) >= 3
    ('$x_0$', True)
    >>> plt.close(fig)

    Explained in: Chapter 3, "Two moons".
    """
    if posterior is not None:
        check_callable(posterior, "posterior")
    X = check_real_array(X, "X", ndim=2)
    labels = check_real_array(y, "y").reshape(-1)
    if X.shape[1] != 2 or labels.size != X.shape[0]:
        raise ValueError(
            f"X must have shape (n, 2) and y one label per row, got {X.shape} and "
            f"{np.shape(y)}"
        )
    low, high = X.min(axis=0), X.max(axis=0)
    margin = 0.15 * (high - low)
    gx, gy = np.meshgrid(
        np.linspace(low[0] - margin[0], high[0] + margin[0], resolution),
        np.linspace(low[1] - margin[1], high[1] + margin[1], resolution),
    )
    plane = np.column_stack([gx.ravel(), gy.ravel()])
    predicted = predict(params, plane, activation).reshape(gx.shape)
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.contourf(gx, gy, predicted, levels=[-0.5, 0.5, 1.5],
                colors=["#cfe3f2", "#f6d5c2"])
    if posterior is not None:
        best = np.asarray(posterior(plane)).reshape(gx.shape)
        ax.contour(gx, gy, best, levels=[0.5], colors=COLORS["reference"],
                   linestyles="--", linewidths=1.3)
        ax.plot([], [], color=COLORS["reference"], linestyle="--",
                label="best possible boundary")
    for label, color in ((0, _FORWARD), (1, _BACKWARD)):
        points = X[labels == label]
        ax.scatter(points[:, 0], points[:, 1], s=9, color=color,
                   label=f"y = {label}")
    ax.set_xlabel("$x_0$")
    ax.set_ylabel("$x_1$")
    ax.set_aspect("equal")
    ax.grid(False)
    ax.legend(loc="lower left", fontsize=9)
    return fig, ax
