"""The softmax, its logarithm and its Jacobian: the sigmoid for many classes.

For two classes with logits (z, 0) the softmax is (σ(z), σ(−z)), and its
Jacobian diag(p) − ppᵀ has σ'(z) on its diagonal.  Every function here is
stable (the log-sum-exp shift), emits no numpy warning for any real input,
infinite or NaN, and keeps float16/float32/float64 dtypes.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import as_numeric_array, as_result, is_integer

__all__ = ["softmax", "log_softmax", "softmax_jacobian"]


def _check_axis(axis, z: np.ndarray) -> int:
    """Return ``axis`` as a non-negative int for ``z``, or raise."""
    if not is_integer(axis):
        raise TypeError(f"axis must be an integer, got {type(axis).__name__}")
    if z.ndim == 0:
        raise ValueError("z must have at least one dimension, got a scalar")
    if not -z.ndim <= axis < z.ndim:
        raise ValueError(f"axis must be in [{-z.ndim}, {z.ndim - 1}] for z of "
                         f"shape {z.shape}, got {axis}")
    axis = int(axis) % z.ndim
    if z.shape[axis] == 0:
        raise ValueError(f"z must have at least one entry along axis {axis}, "
                         f"got shape {z.shape}")
    return axis


def _shift(z: np.ndarray, axis: int):
    """Return ``(t, t_lo)`` with z − max(z) = t + t_lo exactly, t ≤ 0.

    The shift is the whole trick: after it the largest entry is 0, so no
    exponential overflows.  Infinite entries of equal sign count as equal
    (softmax is shift-invariant, so equal entries share the mass equally
    whatever their common value): in a row whose maximum is +inf the +inf
    entries get t = 0 and the others −inf, and a row of −inf is uniform.
    A row containing NaN is NaN throughout.  TwoSum (Higham 2002, ch. 4)
    recovers the rounding error t_lo of the subtraction, which exp would
    otherwise magnify by |t| (hundreds of ulp for t near −700).
    """
    m = np.max(z, axis=axis, keepdims=True)
    finite_m = np.isfinite(m)
    m0 = np.where(finite_m, m, 0.0)
    # z − m can overflow to −inf (z = −1e308, m = 1e308): the correct limit.
    with np.errstate(over="ignore"):
        t = z - m0
    finite_t = np.isfinite(t)
    t_fin = np.where(finite_t, t, 0.0)
    z_fin = np.where(finite_t, z, 0.0)
    back = t_fin - z_fin
    t_lo = (z_fin - (t_fin - back)) + (-m0 - back)
    t_lo = np.where(finite_t, t_lo, 0.0)
    t = np.where(finite_m, t, np.where(z == m, 0.0, -np.inf))
    nan = np.isnan(m)
    t = np.where(nan, np.nan, t)
    return t, np.where(nan | ~finite_m, 0.0, t_lo)


def _exp_and_rest(z: np.ndarray, axis: int):
    """Return ``(t, t_lo, e, r)``: e = exp(z − max), r = Σe − 1 formed without the 1.

    The entries with t = 0 contribute exactly 1 each, so Σe − 1 is the sum of
    the others plus (their count − 1): adding the 1 last keeps r accurate
    when it is tiny, which log1p(r) needs.
    """
    t, t_lo = _shift(z, axis)
    top = t == 0
    e = np.exp(t) * (1.0 + t_lo)
    rest = np.sum(np.where(top, 0.0, e), axis=axis, keepdims=True)
    r = rest + (np.sum(top, axis=axis, keepdims=True) - 1.0)
    return t, t_lo, e, r


def softmax(z: ArrayLike, axis: int = -1) -> np.ndarray:
    """Return the softmax p_i = e^(z_i) / Σ_j e^(z_j) along ``axis``.

    Computed from the shifted logits z − max(z) (the log-sum-exp shift), so
    no exponential overflows: the naive formula returns nan for z = (1000, 0).
    The rounding error of the shift is compensated, which keeps every
    probability within a few ulp.  A row whose maximum is +inf gives its +inf
    entries equal shares, a row of −inf is uniform, and a row with NaN is NaN.

    >>> softmax([1000.0, 0.0])
    array([1., 0.])
    >>> print(softmax([0.0, 0.0, np.log(2.0)]))
    [0.25 0.25 0.5 ]

    Explained in: Chapter 9, "Many classes: the softmax".
    """
    z, dtype = as_numeric_array(z, "z", allow_complex=False)
    axis = _check_axis(axis, z)
    _, _, e, r = _exp_and_rest(z, axis)
    return as_result(e / (1.0 + r), dtype)


def log_softmax(z: ArrayLike, axis: int = -1) -> np.ndarray:
    """Return log p_i = z_i − log Σ_j e^(z_j) along ``axis``, finite wherever p_i > 0.

    Computed as (z_i − max z) − log1p(Σ_j e^(z_j − max z) − 1): the naive
    ``np.log(softmax(z))`` returns −inf once p_i underflows (z = (−1000, 0)
    gives −inf instead of −1000), and log1p keeps the largest entry's small
    log-probability accurate.  Infinite and NaN rows follow :func:`softmax`.

    >>> log_softmax([-1000.0, 0.0])
    array([-1000.,     0.])
    >>> print(f"{float(log_softmax([0.0, 0.0])[0]):.6f}")
    -0.693147

    Explained in: Chapter 9, "Many classes: the softmax".
    """
    z, dtype = as_numeric_array(z, "z", allow_complex=False)
    axis = _check_axis(axis, z)
    t, t_lo, _, r = _exp_and_rest(z, axis)
    # A log-probability below the format's range (float16: −65 504) rounds
    # to −inf, the nearest value it has, as p itself rounds to 0.
    with np.errstate(over="ignore"):
        return as_result((t - np.log1p(r)) + t_lo, dtype)


def softmax_jacobian(z: ArrayLike) -> np.ndarray:
    """Return the k × k Jacobian diag(p) − ppᵀ of p = softmax(z), for z of length k.

    The diagonal p_i(1 − p_i) has the same cancellation as σ(1 − σ) when p_i
    is near 1, so it is computed as p_i · Σ_{j≠i} p_j, summing the other
    probabilities directly.  For two classes, z = (z₁, 0), the top-left
    entry is σ'(z₁), accurate in both tails.

    >>> print(softmax_jacobian([0.0, 0.0]))
    [[ 0.25 -0.25]
     [-0.25  0.25]]

    Explained in: Chapter 9, "Many classes: the softmax".
    """
    z, dtype = as_numeric_array(z, "z", allow_complex=False)
    if z.ndim != 1:
        raise ValueError(f"z must be one-dimensional, got shape {z.shape}")
    _check_axis(0, z)
    _, _, e, r = _exp_and_rest(z, 0)
    total = 1.0 + r
    p = e / total
    others = np.where(np.eye(z.size, dtype=bool), 0.0, e[np.newaxis, :])
    jac = -np.outer(p, p)
    np.fill_diagonal(jac, p * (np.sum(others, axis=1) / total))
    return as_result(jac, dtype)
