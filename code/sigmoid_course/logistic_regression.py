"""Logistic regression: loss, gradient, Hessian, and fits by Newton or gradient descent.

The model is P(y = 1 | x) = σ(xᵀw) with no separate intercept (a column of
ones in X plays that role).  The mean cross-entropy has gradient
Xᵀ(σ(Xw) − y)/n and Hessian XᵀSX/n with S = diag(σ'(Xw)): σ' is the variance
of the label, and saturated points add no curvature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import as_numeric_array, check_count, check_labels, check_real
from .activations import sigmoid, sigmoid_prime, softplus

__all__ = [
    "LogisticRegressionFit",
    "fit_logistic_regression",
    "logistic_regression_gradient",
    "logistic_regression_hessian",
    "logistic_regression_loss",
]

METHODS = ("newton", "gradient")


def _check_design(X: ArrayLike) -> np.ndarray:
    X, _ = as_numeric_array(X, "X", allow_complex=False)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must be a non-empty 2-D array (examples × features), "
                         f"got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must be finite, got inf or nan")
    return X.astype(np.float64, copy=False)


def _check_weights(w: ArrayLike, X: np.ndarray) -> np.ndarray:
    w, _ = as_numeric_array(w, "w", allow_complex=False)
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have shape ({X.shape[1]},) to match X of shape "
                         f"{X.shape}, got {w.shape}")
    if not np.all(np.isfinite(w)):
        raise ValueError("w must be finite, got inf or nan")
    return w.astype(np.float64, copy=False)


def _check_targets(y: ArrayLike, X: np.ndarray) -> np.ndarray:
    y, _ = as_numeric_array(y, "y", allow_complex=False)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), one label per row of "
                         f"X, got {y.shape}")
    check_labels(y)
    return y.astype(np.float64, copy=False)


def _finite(value, what: str):
    """Return ``value`` if it is finite; else a float64 overflow happened: raise."""
    if not np.all(np.isfinite(value)):
        raise ValueError(f"{what} overflows float64 for this X and w: the features "
                         "or the weights are too large, so rescale them")
    return value


def _loss(w, X, y) -> float:
    # −log σ(z) = softplus(−z) and −log(1 − σ(z)) = softplus(z): the loss from
    # the logits, finite and accurate for every z.
    return float(np.mean(np.asarray(softplus((1.0 - 2.0 * y) * (X @ w)))))


def _gradient(w, X, y) -> np.ndarray:
    return X.T @ (np.asarray(sigmoid(X @ w)) - y) / X.shape[0]


def _hessian(w, X) -> np.ndarray:
    s = np.asarray(sigmoid_prime(X @ w))
    return (X.T * s) @ X / X.shape[0]


def logistic_regression_loss(w: ArrayLike, X: ArrayLike, y: ArrayLike) -> float:
    """Return the mean cross-entropy (1/n) Σ softplus((1 − 2yᵢ) xᵢᵀw), yᵢ ∈ {0, 1}.

    This is −(1/n) Σ [yᵢ log σ(zᵢ) + (1 − yᵢ) log(1 − σ(zᵢ))] with zᵢ = xᵢᵀw,
    computed from the logits so that it stays finite for every w.

    >>> print(f"{logistic_regression_loss([0.0], [[1.0], [2.0]], [0, 1]):.6f}")
    0.693147

    Explained in: Chapter 9, "σ′ is a variance: the curvature of logistic regression".
    """
    X = _check_design(X)
    w, y = _check_weights(w, X), _check_targets(y, X)
    with np.errstate(over="ignore", invalid="ignore"):  # reported by _finite
        return _finite(_loss(w, X, y), "the loss")


def logistic_regression_gradient(w: ArrayLike, X: ArrayLike,
                                 y: ArrayLike) -> np.ndarray:
    """Return the gradient Xᵀ(σ(Xw) − y)/n of the mean cross-entropy.

    >>> logistic_regression_gradient([0.0], [[1.0], [2.0]], [0, 1])
    array([-0.25])

    Explained in: Chapter 9, "σ′ is a variance: the curvature of logistic regression".
    """
    X = _check_design(X)
    w, y = _check_weights(w, X), _check_targets(y, X)
    with np.errstate(over="ignore", invalid="ignore"):  # reported by _finite
        return _finite(_gradient(w, X, y), "the gradient")


def logistic_regression_hessian(w: ArrayLike, X: ArrayLike) -> np.ndarray:
    """Return the Hessian XᵀSX/n, S = diag(σ'(Xw)), of the mean cross-entropy.

    The logits are z = Xw.  The Hessian does not depend on the labels, and
    it is the Fisher information of the model per example: σ'(zᵢ) is the
    variance of the label yᵢ.  There is no intercept term; a column of ones
    in X plays that role.  σ' is computed
    in the accurate form σ(z)σ(−z), so saturated points contribute their tiny
    curvature rather than a rounded 0 or a negative number.

    >>> logistic_regression_hessian([0.0, 0.0], [[1.0, 0.0], [1.0, 2.0]])
    array([[0.25, 0.25],
           [0.25, 0.5 ]])

    Explained in: Chapter 9, "σ′ is a variance: the curvature of logistic regression".
    """
    X = _check_design(X)
    w = _check_weights(w, X)
    with np.errstate(over="ignore", invalid="ignore"):  # reported by _finite
        return _finite(_hessian(w, X), "the Hessian")


@dataclass(frozen=True)
class LogisticRegressionFit:
    """The result of :func:`fit_logistic_regression`.

    ``losses[k]`` and ``gradient_norms[k]`` belong to the k-th iterate
    (``k = 0`` is the starting point w = 0), so both have ``iterations + 1``
    entries; ``converged`` says whether the gradient norm reached ``tol``.
    """

    w: np.ndarray
    losses: np.ndarray
    gradient_norms: np.ndarray
    iterations: int
    converged: bool
    method: str


def _separates(w, X, y) -> bool:
    # Every margin (2y − 1)·xᵀw positive: w is a strict separator, so the loss
    # of c·w tends to 0 as c → ∞ and no finite w attains the infimum.
    return bool(np.all((2.0 * y - 1.0) * (X @ w) > 0.0))


def _no_maximum(k: int) -> ValueError:
    return ValueError(
        f"the data are linearly separable (iterate {k} classifies every example "
        "correctly), so no finite maximum-likelihood solution exists: the loss "
        "falls towards 0 as the weights grow without bound"
    )


def fit_logistic_regression(
    X: ArrayLike,
    y: ArrayLike,
    method: str = "newton",
    learning_rate: float = 1.0,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> LogisticRegressionFit:
    """Return the maximum-likelihood weights and history as a LogisticRegressionFit.

    Starts from w = 0 and stops at the first iterate whose gradient norm
    ‖Xᵀ(σ(Xw) − y)/n‖ is at most ``tol``, or after ``max_iter`` steps
    (then ``converged`` is False).  ``method="newton"`` takes the Newton step
    w ← w − H⁻¹g, which for logistic regression is iteratively reweighted
    least squares (IRLS), halving it while it would raise the loss;
    ``method="gradient"`` takes w ← w − η g with η = ``learning_rate``.

    No finite solution exists when some w classifies every example strictly
    correctly (the data are linearly separable): the loss then has infimum 0
    and no minimum.  The fit checks every iterate for that and raises
    ``ValueError`` as soon as one separates the data, instead of returning
    ever larger weights.  Data that are only weakly separable (some w has
    every margin ≥ 0 and some = 0: quasi-complete separation, Albert &
    Anderson 1984) have no finite solution either, but no iterate proves it;
    there the fit returns weights that grow as ``tol`` shrinks.  X must have
    linearly independent columns.

    >>> fit = fit_logistic_regression([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], [0, 1, 0])
    >>> print(fit.iterations, fit.converged, f"{fit.w[0]:.6f}")  # logit of 1/3
    4 True -0.693147

    Explained in: Chapter 9, "σ′ is a variance: the curvature of logistic regression".
    """
    X = _check_design(X)
    y = _check_targets(y, X)
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    learning_rate = check_real("learning_rate", learning_rate, "a positive number")
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive finite number, "
                         f"got {learning_rate}")
    max_iter = check_count(max_iter, "max_iter", 1)
    tol = check_real("tol", tol, "a positive number")
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive finite number, got {tol}")
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise ValueError(f"X must have linearly independent columns (rank "
                         f"{X.shape[1]}), got rank {np.linalg.matrix_rank(X)}: the "
                         "weights are not identifiable")

    w = np.zeros(X.shape[1])
    with np.errstate(all="ignore"):  # reported by _finite
        loss, g = _loss(w, X, y), _gradient(w, X, y)
        norm = float(np.linalg.norm(g))
    _finite((loss, norm), "the gradient at the start w = 0")
    losses, norms = [loss], [norm]
    k = 0
    while norms[-1] > tol and k < max_iter:
        with np.errstate(all="ignore"):  # a diverging run is reported below
            new, new_loss = _step(method, w, X, y, loss, g, learning_rate)
            new_g = _gradient(new, X, y)
            norm = float(np.linalg.norm(new_g))
            separated = _separates(new, X, y)
        k += 1
        if not (np.isfinite(new_loss) and np.isfinite(norm)):
            raise ValueError(_diverged(method, k, learning_rate))
        w, loss, g = new, new_loss, new_g
        if separated:
            raise _no_maximum(k)
        losses.append(loss)
        norms.append(norm)
    return LogisticRegressionFit(w=w, losses=np.array(losses),
                                 gradient_norms=np.array(norms), iterations=k,
                                 converged=norms[-1] <= tol, method=method)


def _diverged(method: str, k: int, learning_rate: float) -> str:
    if method == "gradient":
        return (f"gradient descent diverged at iterate {k}: learning_rate "
                f"{learning_rate} is too large")
    return (f"Newton's method overflowed float64 at iterate {k}: the features are "
            "too large, so rescale them")


def _step(method, w, X, y, loss, g, learning_rate):
    """Return the next iterate and its loss."""
    if method == "newton":
        try:
            step = np.linalg.solve(_hessian(w, X), g)
        except np.linalg.LinAlgError:
            raise ValueError("the Hessian became singular: σ' is 0 at too many "
                             "examples") from None
        # Damped Newton: halve the step while it would raise the loss by more
        # than its rounding noise (near the optimum the loss no longer changes).
        noise = 16 * np.finfo(np.float64).eps * abs(loss)
        for _ in range(60):
            new = w - step
            new_loss = _loss(new, X, y)
            if new_loss <= loss + noise:
                break
            step = step / 2.0
        return new, new_loss
    new = w - learning_rate * g
    return new, _loss(new, X, y)
