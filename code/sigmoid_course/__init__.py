"""Helpers for the executable course on the sigmoid and its derivative.

The chapters import everything they need from here::

    from sigmoid_course import sigmoid, sigmoid_prime

One module per idea: :mod:`activations` (σ and its derivatives),
:mod:`plotting` (the shared figure style) and :mod:`widgets` (explorers).
"""

from .activations import logit, sigmoid, sigmoid_prime, sigmoid_second
from .plotting import COLORS, new_axes, use_course_style
from .widgets import make_explorer, sigmoid_explorer

__all__ = [
    "COLORS",
    "logit",
    "make_explorer",
    "new_axes",
    "sigmoid",
    "sigmoid_explorer",
    "sigmoid_prime",
    "sigmoid_second",
    "use_course_style",
]
