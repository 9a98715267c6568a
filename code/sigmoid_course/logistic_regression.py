"""Logistic regression: loss, gradient, Hessian, and fits by Newton or gradient descent.

The model is P(y = 1 | x) = σ(xᵀw) with no separate intercept (a column of
ones in X plays that role).  The mean cross-entropy has gradient
Xᵀ(σ(Xw) − y)/n and Hessian XᵀSX/n with S = diag(σ'(Xw)): σ' is the variance
of the label, and saturated points add no curvature.  An optional L2 penalty
½Σⱼ λⱼwⱼ² adds λ ⊙ w to the gradient and diag(λ) to the Hessian.

Every fit also runs on a stack of data sets at once (X of shape
(members, n, d)), one member per seed, in one vectorised loop.
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


def _check_design(X: ArrayLike, *, stack: bool = False) -> np.ndarray:
    X, _ = as_numeric_array(X, "X", allow_complex=False)
    dims = (2, 3) if stack else (2,)
    if X.ndim not in dims or 0 in X.shape:
        expected = ("a non-empty 2-D array (examples × features) or a 3-D stack "
                    "of them" if stack else
                    "a non-empty 2-D array (examples × features)")
        raise ValueError(f"X must be {expected}, got shape {X.shape}")
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
    if y.shape != X.shape[:-1]:
        raise ValueError(f"y must have shape {X.shape[:-1]}, one label per row of "
                         f"X, got {y.shape}")
    check_labels(y)
    return y.astype(np.float64, copy=False)


def _check_l2(l2, d: int) -> np.ndarray:
    """Return the penalties λ as a (d,) array: a non-negative scalar or d of them."""
    if np.ndim(l2) == 0:
        lam = np.full(d, check_real("l2", l2, "a non-negative number or an array "
                                    "of them"))
    else:
        lam, _ = as_numeric_array(l2, "l2", allow_complex=False)
        if lam.shape != (d,):
            raise ValueError(f"l2 must be a number or have shape ({d},), one "
                             f"penalty per column of X, got {lam.shape}")
    if not np.all(np.isfinite(lam) & (lam >= 0)):
        raise ValueError(f"l2 must be non-negative and finite, got {l2}")
    return lam.astype(np.float64, copy=False)


def _check_rates(learning_rate, members: int | None) -> np.ndarray:
    """Return η as an array with one entry per member (or a 0-d array)."""
    what = "a positive number" + ("" if members is None else " or one per member")
    if np.ndim(learning_rate) == 0:
        rate = np.asarray(check_real("learning_rate", learning_rate, what))
    else:
        rate, _ = as_numeric_array(learning_rate, "learning_rate",
                                   allow_complex=False)
        if members is None or rate.shape != (members,):
            raise ValueError(f"learning_rate must be {what}, got shape {rate.shape}")
    if not np.all(np.isfinite(rate) & (rate > 0)):
        raise ValueError(f"learning_rate must be a positive finite number, "
                         f"got {learning_rate}")
    return rate


def _finite(value, what: str):
    """Return ``value`` if it is finite; else a float64 overflow happened: raise."""
    if not np.all(np.isfinite(value)):
        raise ValueError(f"{what} overflows float64 for this X and w: the features "
                         "or the weights are too large, so rescale them")
    return value


# The internals work on stacks: X (m, n, d), y (m, n), w (m, d), λ (d,).

def _logits(w, X):
    return (X @ w[..., None])[..., 0]


def _loss(w, X, y, lam) -> np.ndarray:
    # −log σ(z) = softplus(−z) and −log(1 − σ(z)) = softplus(z): the loss from
    # the logits, finite and accurate for every z.
    data = np.mean(np.asarray(softplus((1.0 - 2.0 * y) * _logits(w, X))), axis=-1)
    return data + 0.5 * np.sum(lam * w * w, axis=-1)


def _gradient(w, X, y, lam) -> np.ndarray:
    r = np.asarray(sigmoid(_logits(w, X))) - y
    return (r[:, None, :] @ X)[:, 0, :] / X.shape[1] + lam * w


def _hessian(w, X, lam) -> np.ndarray:
    s = np.asarray(sigmoid_prime(_logits(w, X)))
    return (np.swapaxes(X, 1, 2) * s[:, None, :]) @ X / X.shape[1] + np.diag(lam)


def logistic_regression_loss(w: ArrayLike, X: ArrayLike, y: ArrayLike,
                             l2: ArrayLike = 0.0) -> float:
    """Return the mean cross-entropy (1/n) Σ softplus((1 − 2yᵢ) xᵢᵀw) + ½Σⱼ λⱼwⱼ².

    This is −(1/n) Σ [yᵢ log σ(zᵢ) + (1 − yᵢ) log(1 − σ(zᵢ))] with zᵢ = xᵢᵀw,
    computed from the logits so that it stays finite for every w, plus the
    L2 penalty with λ = ``l2`` (a number for every coefficient, or one per
    column of X; 0 by default).

    >>> print(f"{logistic_regression_loss([0.0], [[1.0], [2.0]], [0, 1]):.6f}")
    0.693147

    Explained in: Chapter 9, "σ′ is a variance: the curvature of logistic regression".
    """
    X = _check_design(X)
    w, y = _check_weights(w, X), _check_targets(y, X)
    lam = _check_l2(l2, X.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):  # reported by _finite
        return float(_finite(_loss(w[None], X[None], y[None], lam)[0], "the loss"))


def logistic_regression_gradient(w: ArrayLike, X: ArrayLike, y: ArrayLike,
                                 l2: ArrayLike = 0.0) -> np.ndarray:
    """Return the gradient Xᵀ(σ(Xw) − y)/n + λ ⊙ w of the penalised mean cross-entropy.

    >>> logistic_regression_gradient([0.0], [[1.0], [2.0]], [0, 1])
    array([-0.25])

    Explained in: Chapter 9, "σ′ is a variance: the curvature of logistic regression".
    """
    X = _check_design(X)
    w, y = _check_weights(w, X), _check_targets(y, X)
    lam = _check_l2(l2, X.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):  # reported by _finite
        return _finite(_gradient(w[None], X[None], y[None], lam)[0], "the gradient")


def logistic_regression_hessian(w: ArrayLike, X: ArrayLike,
                                l2: ArrayLike = 0.0) -> np.ndarray:
    """Return the Hessian XᵀSX/n + diag(λ), S = diag(σ'(Xw)), of the mean cross-entropy.

    The logits are z = Xw.  The Hessian does not depend on the labels, and
    without a penalty it is the Fisher information of the model per example:
    σ'(zᵢ) is the variance of the label yᵢ.  There is no intercept term; a
    column of ones in X plays that role.  σ' is computed in the accurate form
    σ(z)σ(−z), so saturated points contribute their tiny curvature rather than
    a rounded 0 or a negative number.

    >>> logistic_regression_hessian([0.0, 0.0], [[1.0, 0.0], [1.0, 2.0]])
    array([[0.25, 0.25],
           [0.25, 0.5 ]])

    Explained in: Chapter 9, "σ′ is a variance: the curvature of logistic regression".
    """
    X = _check_design(X)
    w = _check_weights(w, X)
    lam = _check_l2(l2, X.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):  # reported by _finite
        return _finite(_hessian(w[None], X[None], lam)[0], "the Hessian")


@dataclass(frozen=True)
class LogisticRegressionFit:
    """The result of :func:`fit_logistic_regression`.

    ``losses[k]`` and ``gradient_norms[k]`` belong to the k-th iterate
    (``k = 0`` is the starting point w = 0), so both have ``iterations + 1``
    entries; ``converged`` says whether the gradient norm reached ``tol``.
    For a stack of data sets every field has a leading axis of members:
    ``w`` is (members, d), ``iterations`` and ``converged`` have one entry per
    member, and ``losses`` and ``gradient_norms`` are (members, K + 1) with
    K = max(iterations), padded with NaN after each member stopped.
    """

    w: np.ndarray
    losses: np.ndarray
    gradient_norms: np.ndarray
    iterations: int | np.ndarray
    converged: bool | np.ndarray
    method: str


def _separated(w, X, y) -> np.ndarray:
    # Every margin (2y − 1)·xᵀw positive: w is a strict separator, so the loss
    # of c·w tends to 0 as c → ∞ and no finite w attains the infimum.
    return np.all((2.0 * y - 1.0) * _logits(w, X) > 0.0, axis=-1)


def _no_maximum(k: int, member: int | None, penalised: bool) -> ValueError:
    where = "" if member is None else f"member {member} of the stack: "
    if not penalised:
        return ValueError(
            f"{where}the data are linearly separable (iterate {k} classifies every "
            "example correctly), so no finite maximum-likelihood solution exists: "
            "the loss falls towards 0 as the weights grow without bound"
        )
    return ValueError(
        f"{where}the data are linearly separable by the unpenalised coefficients "
        f"alone (those of iterate {k} classify every example correctly), so the "
        "penalised loss has no finite minimum: it falls as they grow without bound; "
        "penalise them too (l2 > 0)"
    )


def fit_logistic_regression(
    X: ArrayLike,
    y: ArrayLike,
    method: str = "newton",
    learning_rate: float | ArrayLike = 1.0,
    max_iter: int = 100,
    tol: float = 1e-10,
    l2: float | ArrayLike = 0.0,
) -> LogisticRegressionFit:
    """Return the (penalised) maximum-likelihood weights and history of a fit.

    Starts from w = 0 and stops at the first iterate whose gradient norm
    ‖Xᵀ(σ(Xw) − y)/n + λ ⊙ w‖ is at most ``tol``, or after ``max_iter``
    steps (then ``converged`` is False).  ``method="newton"`` takes the
    Newton step w ← w − H⁻¹g, which for logistic regression is iteratively
    reweighted least squares (IRLS); where the full step would raise the
    loss (by more than its rounding noise) it halves the step until it does
    not (damped Newton).  ``method="gradient"`` takes w ← w − η g with
    η = ``learning_rate``.

    ``l2`` adds the penalty ½Σⱼ λⱼwⱼ² (a number for every coefficient, or
    one per column of X; pass 0 for an intercept's column to leave it
    unpenalised).  scikit-learn's default, C = 1 with its intercept not
    penalised, is λ = 1/(C·n) on every other column, because scikit-learn
    minimises C times the summed loss plus ½‖w‖².

    Without a penalty, no finite solution exists when some w classifies
    every example strictly correctly (the data are linearly separable): the
    loss then has infimum 0 and no minimum.  The fit checks every iterate for
    that and raises ``ValueError`` as soon as one separates the data, instead
    of returning ever larger weights.  With a penalty on some coefficients
    only, the check looks at the unpenalised ones (the others set to 0): if
    they alone separate the data, the loss falls along them towards the
    penalty of the rest while that penalty stays fixed, so the penalised loss
    has no minimum either.  Data that are only weakly separable
    (some w ≠ 0 has every margin ≥ 0 and some = 0: quasi-complete separation,
    Albert & Anderson 1984) have no finite solution either, but no iterate
    proves it; there the fit returns weights that grow as ``tol`` shrinks.
    With λⱼ > 0 for every coefficient the penalised loss always has a unique
    minimum, and no separation check is made.  X must have linearly
    independent columns.

    X may also be a stack of data sets, shape (members, n, d), with y of
    shape (members, n) and ``learning_rate`` a number or one per member: the
    members are fitted together in one vectorised loop, each stopping at its
    own tolerance, and the result is as for each member alone.

    >>> fit = fit_logistic_regression([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], [0, 1, 0])
    >>> print(fit.iterations, fit.converged, f"{fit.w[0]:.6f}")  # logit of 1/3
    4 True -0.693147

    Explained in: Chapter 9, "Newton's method and gradient descent" and
    "Separable data: no finite solution".
    """
    X = _check_design(X, stack=True)
    y = _check_targets(y, X)
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    single = X.ndim == 2
    rate = _check_rates(learning_rate, None if single else X.shape[0])
    max_iter = check_count(max_iter, "max_iter", 1)
    tol = check_real("tol", tol, "a positive number")
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive finite number, got {tol}")
    lam = _check_l2(l2, X.shape[-1])
    if single:
        X, y = X[None], y[None]
    ranks = np.atleast_1d(np.linalg.matrix_rank(X))
    if np.any(ranks < X.shape[-1]):
        raise ValueError(f"X must have linearly independent columns (rank "
                         f"{X.shape[-1]}), got rank {ranks.min()}: the weights are "
                         "not identifiable")
    fit = _fit(X, y, method, np.broadcast_to(rate, X.shape[:1]), max_iter, tol,
               lam, single)
    if not single:
        return fit
    return LogisticRegressionFit(
        w=fit.w[0], losses=fit.losses[0], gradient_norms=fit.gradient_norms[0],
        iterations=int(fit.iterations[0]), converged=bool(fit.converged[0]),
        method=method)


def _fit(X, y, method, rate, max_iter, tol, lam, single) -> LogisticRegressionFit:
    """The loop shared by single fits and stacks: every array has a member axis."""
    members = X.shape[0]
    w = np.zeros((members, X.shape[-1]))
    with np.errstate(all="ignore"):  # reported by _finite
        loss, g = _loss(w, X, y, lam), _gradient(w, X, y, lam)
        norm = np.linalg.norm(g, axis=-1)
    _finite((loss, norm), "the gradient at the start w = 0")
    # A strict separator among the unpenalised coefficients alone proves that
    # no minimum exists; with every coefficient penalised there is always one.
    free = lam == 0
    check_separation = bool(np.any(free))
    losses, norms = [loss], [norm]
    iterations = np.zeros(members, dtype=int)
    active = norm > tol
    k = 0
    while np.any(active) and k < max_iter:
        k += 1
        with np.errstate(all="ignore"):  # a diverging run is reported below
            new, new_loss = _step(method, w, X, y, loss, g, rate, lam)
            new_g = _gradient(new, X, y, lam)
            new_norm = np.linalg.norm(new_g, axis=-1)
            separated = check_separation & _separated(new * free, X, y)
        bad = active & ~(np.isfinite(new_loss) & np.isfinite(new_norm))
        if np.any(bad):
            raise ValueError(_diverged(method, k, rate, np.flatnonzero(bad)[0],
                                       single))
        keep = active[:, None]
        w, g = np.where(keep, new, w), np.where(keep, new_g, g)
        loss, norm = np.where(active, new_loss, loss), np.where(active, new_norm, norm)
        if np.any(active & separated):
            member = int(np.flatnonzero(active & separated)[0])
            raise _no_maximum(k, None if single else member, bool(np.any(lam)))
        iterations = np.where(active, k, iterations)
        losses.append(np.where(active, loss, np.nan))
        norms.append(np.where(active, norm, np.nan))
        active = active & (norm > tol)
    last = iterations.max() + 1
    return LogisticRegressionFit(
        w=w, losses=np.array(losses).T[:, :last],
        gradient_norms=np.array(norms).T[:, :last], iterations=iterations,
        converged=norm <= tol, method=method)


def _diverged(method: str, k: int, rate, member: int, single: bool) -> str:
    where = "" if single else f"member {member} of the stack: "
    if method == "gradient":
        return (f"{where}gradient descent diverged at iterate {k}: learning_rate "
                f"{float(rate[member])} is too large")
    return (f"{where}Newton's method overflowed float64 at iterate {k}: the "
            "features are too large, so rescale them")


def _step(method, w, X, y, loss, g, rate, lam):
    """Return the next iterates and their losses."""
    if method == "gradient":
        new = w - rate[:, None] * g
        return new, _loss(new, X, y, lam)
    try:
        step = np.linalg.solve(_hessian(w, X, lam), g[..., None])[..., 0]
    except np.linalg.LinAlgError:
        raise ValueError("the Hessian became singular: σ' is 0 at too many "
                         "examples") from None
    # Damped Newton: halve the step while it would raise the loss by more than
    # its rounding noise (near the optimum the loss no longer changes).
    noise = 16 * np.finfo(np.float64).eps * np.abs(loss)
    scale = np.ones(len(w))
    for _ in range(60):
        new = w - scale[:, None] * step
        new_loss = _loss(new, X, y, lam)
        rises = new_loss > loss + noise
        if not np.any(rises):
            break
        scale = np.where(rises, scale / 2.0, scale)
    return new, new_loss
