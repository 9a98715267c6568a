"""Small synthetic data sets, generated in numpy from a seeded generator.

Nothing is downloaded: every data set is a few lines of numpy, reproducible
from ``rng = numpy.random.default_rng(seed)``.  Each returns ``(X, y)`` with
``X`` of shape ``(n, n_features)`` (float64) and ``y`` of shape ``(n, 1)``
with values 0 and 1, the shapes :func:`sigmoid_course.network.loss_and_grads`
expects.
"""

from __future__ import annotations

import numpy as np

from ._arrays import check_real, check_rng, is_integer

__all__ = ["xor", "two_moons", "two_spirals"]


def _check(n: int, noise: float, rng) -> None:
    check_rng(rng)
    if not is_integer(n) or n < 2:
        raise ValueError(f"n must be an integer of at least 2, got {n}")
    if not (np.isfinite(check_real("noise", noise, "a non-negative number")) and noise >= 0):
        raise ValueError(f"noise must be a non-negative number, got {noise}")


def xor():
    """Return the four XOR examples: the smallest problem no single neuron can solve.

    >>> X, y = xor()
    >>> X.tolist(), y.ravel().tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])

    Explained in: Chapter 3, "Training".
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array([[0], [1], [1], [0]])


def two_moons(n: int, noise: float, rng: np.random.Generator):
    """Return ``n`` points on two interleaving half circles, with Gaussian noise.

    Class 0 lies on the upper half circle of radius 1 centred at (0, 0),
    class 1 on the lower one centred at (1, 0.5); the classes alternate, so
    ``y`` is balanced.

    >>> X, y = two_moons(6, 0.0, np.random.default_rng(0))
    >>> X.shape, y.shape, int(y.sum())
    ((6, 2), (6, 1), 3)

    Explained in: Chapter 3, "Training".
    """
    _check(n, noise, rng)
    label = np.arange(n) % 2
    t = rng.uniform(0.0, np.pi, size=n)
    X = np.column_stack([np.cos(t), np.sin(t)])
    X[label == 1] = np.column_stack([1.0 - np.cos(t[label == 1]), 0.5 - np.sin(t[label == 1])])
    X += noise * rng.standard_normal(X.shape)
    return X, label.reshape(-1, 1)


def two_spirals(n: int, noise: float, rng: np.random.Generator, turns: float = 1.5):
    """Return ``n`` points on two interleaved spirals, with Gaussian noise.

    Point k of class c sits at radius r = t and angle 2π·turns·t + cπ for t
    uniform in (0.05, 1]: the classes wind around each other ``turns`` times.

    >>> X, y = two_spirals(8, 0.0, np.random.default_rng(0))
    >>> X.shape, y.shape, int(y.sum())
    ((8, 2), (8, 1), 4)

    Explained in: Chapter 3, "Training" and Chapter 4.
    """
    _check(n, noise, rng)
    if not (np.isfinite(check_real("turns", turns, "a positive number")) and turns > 0):
        raise ValueError(f"turns must be positive, got {turns}")
    label = np.arange(n) % 2
    t = rng.uniform(0.05, 1.0, size=n)
    angle = 2 * np.pi * turns * t + np.pi * label
    X = np.column_stack([t * np.cos(angle), t * np.sin(angle)])
    X += noise * rng.standard_normal(X.shape)
    return X, label.reshape(-1, 1)
