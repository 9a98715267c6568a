"""Small synthetic data sets, generated in numpy from a seeded generator.

Nothing is downloaded: every data set is a few lines of numpy, reproducible
from ``rng = numpy.random.default_rng(seed)``.  Each returns ``(X, y)`` with
``X`` of shape ``(n, n_features)`` (float64) and ``y`` of shape ``(n, 1)``
with values 0 and 1, the shapes :func:`sigmoid_course.network.loss_and_grads`
expects.
"""

from __future__ import annotations

import numpy as np

from ._arrays import check_count, check_real_array, check_rng, check_scalar
from .activations import sigmoid

__all__ = ["gaussian_clusters", "two_moons", "two_moons_posterior", "xor"]


def _check(n: int, noise: float, rng) -> int:
    check_rng(rng)
    check_scalar(noise, "noise", "non-negative")
    return check_count(n, "n", 2)


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
    n = _check(n, noise, rng)
    label = np.arange(n) % 2
    t = rng.uniform(0.0, np.pi, size=n)
    X = np.column_stack([np.cos(t), np.sin(t)])
    X[label == 1] = np.column_stack(
        [1.0 - np.cos(t[label == 1]), 0.5 - np.sin(t[label == 1])]
    )
    X += noise * rng.standard_normal(X.shape)
    return X, label.reshape(-1, 1)


def two_moons_posterior(X, noise: float) -> np.ndarray:
    """Return P(y = 1 | x) for each row of X under the model of :func:`two_moons`.

    Each class is a half circle, with its angle t uniform on [0, π], blurred
    by N(0, noise²·I); the classes are equally likely.  The density of class c
    at x is the average over t of the Gaussian around the point c(t), an
    integral computed by Gauss–Legendre quadrature in the log domain (so
    points far from both moons get a finite answer), and the posterior is
    σ(log p₁(x) − log p₀(x)).  The best any classifier can do on this data,
    the Bayes error, is the mean of min(P, 1 − P) over the data; a
    classifier ŷ(x) errs with probability P or 1 − P at x.

    >>> X = np.array([[0.0, 1.0], [1.0, -0.5], [0.5, 0.25]])
    >>> two_moons_posterior(X, 0.2).round(3).tolist()
    [0.006, 0.994, 0.5]

    Explained in: Chapter 3, "Two moons".
    """
    X = check_real_array(X, "X", ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2), got {X.shape}")
    noise = check_scalar(noise, "noise", "positive")
    # The Gaussian along each arc is about noise radians wide: enough nodes
    # to resolve it many times over.
    nodes, weights = np.polynomial.legendre.leggauss(int(np.ceil(12 / noise)) + 40)
    t = (nodes + 1.0) * np.pi / 2
    log_w = np.log(weights)
    arcs = (
        np.column_stack([np.cos(t), np.sin(t)]),  # class 0
        np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)]),  # class 1
    )
    log_density = np.empty((2, X.shape[0]))
    for start in range(0, X.shape[0], 2048):  # blocks keep the (n, nodes) arrays small
        block = X[start : start + 2048]
        for c, arc in enumerate(arcs):
            squared = ((block[:, None, :] - arc[None, :, :]) ** 2).sum(axis=-1)
            exponent = log_w - squared / (2.0 * noise**2)
            top = exponent.max(axis=1)
            log_density[c, start : start + 2048] = top + np.log(
                np.exp(exponent - top[:, None]).sum(axis=1)
            )
    return sigmoid(log_density[1] - log_density[0])


def gaussian_clusters(
    n: int,
    rng: np.random.Generator,
    dim: int = 20,
    n_clusters: int = 64,
    spread: float = 1.0,
):
    """Return ``(X, y)``: ``n`` points around ``n_clusters`` random centres in ``dim``
    dimensions.

    The centres are drawn from N(0, I) and labelled 0, 1, 0, 1, …; each point
    is a random centre plus N(0, spread²/dim · I) noise, so the noise has a
    length of about ``spread`` while centres lie about √(2·dim) apart.  With
    many more clusters than 2(dim + 1), a hyperplane separates a random
    labelling of the centres only with small probability (Cover, 1965), so a
    network needs its hidden layers.  Draw train and test examples in one call
    and split them, since a second call draws new centres.

    >>> X, y = gaussian_clusters(6, np.random.default_rng(0), dim=3, n_clusters=4)
    >>> X.shape, y.shape, sorted(set(y.ravel().tolist()))
    ((6, 3), (6, 1), [0, 1])

    Explained in: Chapter 4, "Learning speed per layer".
    """
    check_rng(rng)
    n = check_count(n, "n", 1)
    dim = check_count(dim, "dim", 1)
    n_clusters = check_count(n_clusters, "n_clusters", 2)
    spread = check_scalar(spread, "spread", "non-negative")
    centres = rng.standard_normal((n_clusters, dim))
    cluster = rng.integers(0, n_clusters, size=n)
    X = centres[cluster] + spread / np.sqrt(dim) * rng.standard_normal((n, dim))
    return X, (cluster % 2).reshape(-1, 1)
