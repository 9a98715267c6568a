"""Interactive explorers built on ipywidgets.

An explorer is a row of controls above an output area that a drawing
function fills.  :func:`make_explorer` wires any drawing function to any
controls; the chapter-specific explorers below are thin wrappers around it.

On the static website no Python runs, so each explorer draws its initial
state while the notebook executes; that drawing is saved in the widget state
and is what a reader without a kernel sees.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .activations import sigmoid, sigmoid_prime
from .gradient_flow import initial_gradient_norms
from .network import ACTIVATIONS, INITIALISERS
from .plotting import COLORS, new_axes

__all__ = ["gradient_norm_explorer", "make_explorer", "sigmoid_explorer", "tangent_explorer"]


def make_explorer(draw: Callable[..., None], controls: dict[str, widgets.Widget]) -> widgets.VBox:
    """Return a widget that calls ``draw(**values)`` whenever a control moves.

    ``draw`` receives one keyword argument per entry of ``controls`` and
    should print and/or show a figure; its output replaces the previous one.
    It is called once immediately, so the explorer is never blank.

    Outside Jupyter the output area prints terminal control codes, which the
    examples of this module send to a throw-away buffer:

    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = make_explorer(lambda k: None, {"k": widgets.IntSlider(2)})
    >>> [type(child).__name__ for child in box.children]
    ['HBox', 'Output']

    Used by: the explorers of Chapters 1, 2 and 4.
    """
    if not controls:
        raise ValueError("make_explorer needs at least one control")
    output = widgets.interactive_output(draw, controls)
    return widgets.VBox([widgets.HBox(list(controls.values())), output])


def _slider(description: str, value: float, lo: float, hi: float, step: float) -> widgets.FloatSlider:
    return widgets.FloatSlider(
        value=value, min=lo, max=hi, step=step, description=description,
        continuous_update=False, readout_format=".2f",
        style={"description_width": "initial"},
    )


def draw_scaled_sigmoid(steepness: float, shift: float) -> None:
    """Plot σ(a(x − b)) against σ(x) and print its midpoint and slope there.

    The slope at the midpoint x = b is a·σ'(0) = a/4 by the chain rule.

    Explained in: Chapter 1, "Steepness and shift".
    """
    x = np.linspace(-8.0, 8.0, 401)
    fig, ax = new_axes("$x$", "output", figsize=(6.4, 3.2))
    ax.plot(x, sigmoid(x), color=COLORS["reference"], linestyle="--", label=r"$\sigma(x)$")
    ax.plot(x, sigmoid(steepness * (x - shift)), color=COLORS["sigmoid"],
            label=rf"$\sigma({steepness:.2f}\,(x - {shift:.2f}))$")
    ax.axvline(shift, color=COLORS["accent"], linewidth=1.0)
    ax.set_ylim(-0.05, 1.05)
    ax.legend(loc="upper left")
    plt.show()
    print(f"midpoint x = {shift:+.2f}, slope there = a/4 = {steepness / 4:.4f}")


def sigmoid_explorer(steepness: float = 1.0, shift: float = 0.0) -> widgets.VBox:
    """Return sliders for the steepness a and shift b of σ(a(x − b)) over its plot.

    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = sigmoid_explorer(steepness=2.0, shift=1.0)
    >>> [slider.description for slider in box.children[0].children]
    ['steepness a', 'shift b']
    >>> plt.close("all")

    Explained in: Chapter 1, "Steepness and shift".
    """
    return make_explorer(draw_scaled_sigmoid, {
        "steepness": _slider("steepness a", steepness, 0.25, 5.0, 0.25),
        "shift": _slider("shift b", shift, -4.0, 4.0, 0.25),
    })


def draw_tangent(x0: float) -> None:
    """Plot σ with its tangent line at x0, and print σ(x0) and the slope σ'(x0).

    The tangent y = σ(x0) + σ'(x0)(x − x0) touches the curve at x0; its slope
    σ'(x0) = σ(x0)(1 − σ(x0)) is largest, ¼, at x0 = 0 and fades like
    e^(−|x0|) in the tails, where the curve is flat.

    Explained in: Chapter 2, "The tangent line".
    """
    x = np.linspace(-8.0, 8.0, 401)
    s0, slope = float(sigmoid(x0)), float(sigmoid_prime(x0))
    _, ax = new_axes("$x$", "output", figsize=(6.4, 3.2))
    ax.plot(x, sigmoid(x), color=COLORS["sigmoid"], label=r"$\sigma(x)$")
    ax.plot(x, s0 + slope * (x - x0), color=COLORS["derivative"],
            label=rf"tangent at $x_0 = {x0:.2f}$, slope {slope:.4f}")
    ax.plot([x0], [s0], "o", color=COLORS["accent"])
    ax.set_ylim(-0.25, 1.25)
    ax.legend(loc="upper left")
    plt.show()
    print(f"x0 = {x0:+.2f}: sigma(x0) = {s0:.6f}, slope sigma'(x0) = sigma(x0)(1 - sigma(x0)) = {slope:.6f}")


def tangent_explorer(x0: float = 1.0) -> widgets.VBox:
    """Return a slider for x0 over σ and its tangent line at x0.

    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = tangent_explorer(x0=-2.0)
    >>> box.children[0].children[0].value
    -2.0
    >>> plt.close("all")

    Explained in: Chapter 2, "The tangent line".
    """
    return make_explorer(draw_tangent, {"x0": _slider("tangent point x0", x0, -6.0, 6.0, 0.25)})


def draw_gradient_norms(depth: int, activation: str, init: str, *, X, y, seed: int = 3) -> None:
    """Plot each hidden layer's bias-gradient norm at initialisation on a log scale, and print them.

    The network has ``depth`` hidden layers of 30 units, drawn with
    ``numpy.random.default_rng(seed)`` and the initialisation ``init``; the
    gradient is the mean over (X, y).  A straight falling line on the log
    scale is a constant factor lost per layer.

    Explained in: Chapter 4, "Explorer".
    """
    norms = initial_gradient_norms(X, y, depth, np.random.default_rng(seed), activation=activation, init=init)
    layers = np.arange(1, depth + 1)
    fig, ax = new_axes("hidden layer $l$ (1 = next to the input)", r"$\|\partial C / \partial b^l\|$",
                       figsize=(6.4, 3.2))
    ax.plot(layers, norms, "o-", color=COLORS["sigmoid"], label=f"{activation}, {init} initialisation")
    ax.set_xticks(layers)
    positive = norms[norms > 0]
    if positive.size:  # a log scale needs something positive to show
        ax.set_yscale("log")
        ax.set_ylim(min(1e-6, positive.min() / 3), max(1.0, positive.max() * 3))
    ax.legend(loc="lower right")
    plt.show()
    print("layer: " + "  ".join(f"{layer:>8d}" for layer in layers))
    print("norm:  " + "  ".join(f"{v:8.2e}" for v in norms))
    if norms[-1] > 0:
        print(f"first / last = {norms[0] / norms[-1]:.2e}")
    else:
        print("first / last is undefined: the last hidden layer gets no gradient")


def gradient_norm_explorer(X, y, depth: int = 4, activation: str = "sigmoid", init: str = "uniform_fan_in",
                           seed: int = 3) -> widgets.VBox:
    """Return controls for depth, activation and initialisation over a plot of per-layer gradient norms.

    >>> import contextlib, io
    >>> from sigmoid_course import two_moons
    >>> X, y = two_moons(64, 0.1, np.random.default_rng(0))
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = gradient_norm_explorer(X, y, depth=3, activation="tanh", init="xavier")
    >>> [control.value for control in box.children[0].children]
    [3, 'tanh', 'xavier']
    >>> plt.close("all")

    Explained in: Chapter 4, "Explorer".
    """
    return make_explorer(functools.partial(draw_gradient_norms, X=X, y=y, seed=seed), {
        "depth": widgets.IntSlider(value=depth, min=1, max=10, description="hidden layers",
                                   continuous_update=False, style={"description_width": "initial"}),
        "activation": widgets.Dropdown(options=sorted(ACTIVATIONS), value=activation, description="activation"),
        "init": widgets.Dropdown(options=list(INITIALISERS), value=init, description="initialisation",
                                 style={"description_width": "initial"}),
    })
