"""Sigmoid gates in today's networks: SiLU, GLU and the LSTM's forget gate.

SiLU (Swish) is x·σ(x); a gated linear unit multiplies a by σ(b); an LSTM
carries its cell state through c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t with the
forget gate f_t = σ(z_f), so that ∂c_t/∂c_{t−1} = f_t along the direct path.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import as_numeric_array, as_result, check_count, check_real, check_rng
from .activations import sigmoid, sigmoid_prime

__all__ = ["silu", "silu_prime", "glu", "glu_gradients", "recurrent_jacobian_norms"]

# Below this, e^x is close to the subnormal range (e^(−708.4) is the smallest
# normal float64), so the tails work with h = e^(x/2) instead, which is normal.
_DEEP = -700.0


def _real(x: ArrayLike, name: str):
    return as_numeric_array(x, name, allow_complex=False)


def silu(x: ArrayLike) -> np.ndarray:
    """Return SiLU (Swish) x·σ(x), elementwise, accurate in both tails.

    The product x·σ(x) is within 3 ulp wherever σ(x) is a normal float.  Below
    x = −700 it is computed as (x·h)·h/(1 + h²) with h = e^(x/2): multiplying
    x by a subnormal σ(x) would magnify σ's absolute rounding error |x|-fold
    (hundreds of ulp).  silu(−inf) = 0 and silu(+inf) = +inf.

    >>> float(silu(0.0))
    0.0
    >>> print(f"{float(silu(-1.0)):.6f}")
    -0.268941

    Explained in: Chapter 9, "Gates: SiLU, GLU and the LSTM".
    """
    x, dtype = _real(x, "x")
    deep = x < _DEEP
    with np.errstate(invalid="ignore"):  # −inf · 0 in the unused branch
        s = np.asarray(sigmoid(x))
        near = np.where(np.isneginf(x), 0.0, x) * s
        h = np.exp(np.where(deep, x, 0.0) / 2.0)
        tail = (np.where(deep, x, 0.0) * h) * h / (1.0 + h * h)
    out = np.where(deep, np.where(np.isneginf(x), -0.0, tail), near)
    return as_result(out, dtype)


def silu_prime(x: ArrayLike) -> np.ndarray:
    """Return silu'(x) = σ(x)(1 + x(1 − σ(x))) = σ(x) + x·σ'(x), elementwise.

    For x ≥ 0 both terms of σ(x) + x·σ'(x) are positive, and σ' is the
    accurate σ(x)σ(−x).  For x < 0 the sum cancels (silu' changes sign at
    x ≈ −1.278), so there it is computed as e(1 + x + e)/(1 + e)² with
    e = e^x, and below x = −700 as h·(h(1 + x + h²))/(1 + h²)² with
    h = e^(x/2).  The result is within 4 ulp except near the root, where any
    formula loses relative accuracy and the absolute error stays below
    1e−16.  silu'(−inf) = 0 and silu'(+inf) = 1.

    >>> float(silu_prime(0.0))
    0.5
    >>> print(f"{float(silu_prime(40.0)):.1f}")
    1.0

    Explained in: Chapter 9, "Gates: SiLU, GLU and the LSTM".
    """
    x, dtype = _real(x, "x")
    finite = np.isfinite(x)
    xf = np.where(finite, x, 0.0)
    right = np.asarray(sigmoid(xf)) + xf * np.asarray(sigmoid_prime(xf))
    xl = np.minimum(np.where(np.isnan(x), 0.0, xf), 0.0)
    deep = xl < _DEEP
    e = np.exp(np.where(deep, 0.0, xl))
    left = e * (1.0 + xl + e) / ((1.0 + e) * (1.0 + e))
    h = np.exp(np.where(deep, xl, 0.0) / 2.0)
    q = 1.0 + h * h
    tail = h * (h * (1.0 + xl + h * h)) / (q * q)
    out = np.where(x >= 0, right, np.where(deep, tail, left))
    out = np.where(np.isposinf(x), 1.0, np.where(np.isneginf(x), -0.0, out))
    return as_result(np.where(np.isnan(x), np.nan, out), dtype)


def _pair(a: ArrayLike, b: ArrayLike):
    a, dtype_a = _real(a, "a")
    b, dtype_b = _real(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and "
                         f"{b.shape}")
    return a, b, np.result_type(dtype_a, dtype_b)


def glu(a: ArrayLike, b: ArrayLike) -> np.ndarray:
    """Return the gated linear unit a ⊙ σ(b), elementwise.

    The gate σ(b) ∈ (0, 1) decides how much of the value a passes
    (Dauphin et al. 2017); SwiGLU uses silu(b) = b·σ(b) instead of σ(b)
    (Shazeer 2020).

    An infinite value times a gate of exactly 0 (a = ±inf, b = −inf) has no
    limit and gives NaN, without a warning.

    >>> glu([2.0, 2.0], [0.0, 800.0])
    array([1., 2.])

    Explained in: Chapter 9, "Gates: SiLU, GLU and the LSTM".
    """
    a, b, dtype = _pair(a, b)
    with np.errstate(invalid="ignore"):  # ±inf · 0 is NaN by design
        return as_result(a * np.asarray(sigmoid(b)), dtype)


def glu_gradients(a: ArrayLike, b: ArrayLike):
    """Return ``(∂/∂a, ∂/∂b)`` of a ⊙ σ(b), elementwise: ``(σ(b), a·σ'(b))``.

    Multiply both by the upstream gradient for the backward pass.  The value
    path gets the gate itself, the gate path gets σ': a saturated gate
    (|b| large) passes or blocks a but no longer learns.  An infinite a with
    σ'(b) = 0 (b = ±inf) has no limit and gives NaN, without a warning.

    >>> da, db = glu_gradients([2.0], [0.0])
    >>> print(float(da[0]), float(db[0]))
    0.5 0.5

    Explained in: Chapter 9, "Gates: SiLU, GLU and the LSTM".
    """
    a, b, dtype = _pair(a, b)
    da = np.asarray(sigmoid(b))
    with np.errstate(invalid="ignore"):  # ±inf · 0 is NaN by design
        db = a * np.asarray(sigmoid_prime(b))
    return as_result(da, dtype), as_result(db, dtype)


KINDS = ("lstm", "sigmoid")


def _lstm_step(W, b, x, c, h):
    """One step of an LSTM cell without peepholes, and its state Jacobian.

    Returns c_t, h_t, the forget gate f_t and the 2n × 2n Jacobian of
    (c_t, h_t) with respect to (c_{t−1}, h_{t−1}).
    """
    n = c.size
    z = W @ np.concatenate([h, x]) + b
    zf, zi, zg, zo = z[:n], z[n:2 * n], z[2 * n:3 * n], z[3 * n:]
    f, i, o = (np.asarray(sigmoid(v)) for v in (zf, zi, zo))
    g = np.tanh(zg)
    c_new = f * c + i * g
    tc = np.tanh(c_new)
    h_new = o * tc
    Wh = W[:, :n]  # the recurrent weights
    dc_dh = ((c * np.asarray(sigmoid_prime(zf)))[:, None] * Wh[:n]
             + (g * np.asarray(sigmoid_prime(zi)))[:, None] * Wh[n:2 * n]
             + (i * (1.0 - g * g))[:, None] * Wh[2 * n:3 * n])
    dc_dc = np.diag(f)
    dh_dc_new = (o * (1.0 - tc * tc))[:, None]
    dh_dh = ((tc * np.asarray(sigmoid_prime(zo)))[:, None] * Wh[3 * n:]
             + dh_dc_new * dc_dh)
    jac = np.block([[dc_dc, dc_dh], [dh_dc_new * dc_dc, dh_dh]])
    return c_new, h_new, f, jac


def recurrent_jacobian_norms(kind: str, n_hidden: int, steps: int,
                             rng: np.random.Generator,
                             forget_bias: float = 1.0) -> np.ndarray:
    """Return ‖∂(state_t)/∂(state_0)‖₂, t = 1, …, ``steps``, of a random recurrent cell.

    ``kind="sigmoid"``: h_t = σ(W h_{t−1} + U x_t + b), whose Jacobian is
    the product of the factors diag(σ'(z_t)) W, each at most ¼‖W‖.
    ``kind="lstm"``: an LSTM cell (Hochreiter & Schmidhuber 1997, with the
    forget gate of Gers et al. 2000), state (c_t, h_t); the norm returned is
    that of ∂c_t/∂c_0, whose direct path is the product of the forget gates
    diag(f_t).  Every gate's bias is 0 except the forget gate's,
    ``forget_bias``.  Weights are N(0, 1/(n_hidden + n_input)), with
    n_input = n_hidden, and inputs x_t ~ N(0, 1), drawn from ``rng`` in that
    order (first the weight matrix, gate by gate in the order f, i, g, o, then
    the inputs); the state starts at 0, and the derivatives are multiplied
    forward, step by step, in float64.

    >>> rng = np.random.default_rng(0)
    >>> norms = recurrent_jacobian_norms("sigmoid", 4, 3, rng)
    >>> print(" ".join(f"{v:.4f}" for v in norms))
    0.1768 0.0191 0.0022

    Explained in: Chapter 9, "Gates: SiLU, GLU and the LSTM".
    """
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    n = check_count(n_hidden, "n_hidden", 1)
    steps = check_count(steps, "steps", 1)
    check_rng(rng)
    forget_bias = check_real("forget_bias", forget_bias)
    if not np.isfinite(forget_bias):
        raise ValueError(f"forget_bias must be finite, got {forget_bias}")
    gates = 4 if kind == "lstm" else 1
    W = rng.normal(0.0, np.sqrt(1.0 / (2 * n)), size=(gates * n, 2 * n))
    b = np.zeros(gates * n)
    if kind == "lstm":
        b[:n] = forget_bias
    xs = rng.standard_normal((steps, n))
    c, h = np.zeros(n), np.zeros(n)
    jac = np.eye(2 * n if kind == "lstm" else n)
    norms = np.empty(steps)
    for t in range(steps):
        if kind == "lstm":
            c, h, _, step_jac = _lstm_step(W, b, xs[t], c, h)
            jac = step_jac @ jac
            norms[t] = np.linalg.norm(jac[:n, :n], 2)
        else:
            z = W @ np.concatenate([h, xs[t]]) + b
            h = np.asarray(sigmoid(z))
            jac = (np.asarray(sigmoid_prime(z))[:, None] * W[:, :n]) @ jac
            norms[t] = np.linalg.norm(jac, 2)
    return norms
