"""Sigmoid gates in today's networks: SiLU, GLU and the LSTM's forget gate.

SiLU (Swish) is x·σ(x); a gated linear unit multiplies a by σ(b); an LSTM
carries its cell state through c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t with the
forget gate f_t = σ(z_f), so that ∂c_t/∂c_{t−1} = f_t along the direct path.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import (
    as_numeric_array,
    as_result,
    check_count,
    check_real,
    check_seeds,
    is_integer,
)
from .activations import sigmoid, sigmoid_prime

__all__ = [
    "ForgetGateGradients", "forget_gate_gradients", "glu", "glu_gradients",
    "recurrent_jacobian_norms", "silu", "silu_prime",
]

# Below this, e^x is close to the subnormal range (e^(−708.4) is the smallest
# normal float64), so the tails work with h = e^(x/2) instead, which is normal.
_DEEP = -700.0


def _real(x: ArrayLike, name: str):
    return as_numeric_array(x, name, allow_complex=False)


def silu(x: ArrayLike) -> np.ndarray:
    """Return SiLU (Swish) x·σ(x), elementwise, accurate in both tails.

    The product x·σ(x) is within 3.5 ulp wherever σ(x) is a normal float
    (the largest error found, on 1.7·10⁷ random inputs, is 3.32 ulp at
    x = −7.6155; tests/test_gates.py keeps that input).  Below
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
    h = e^(x/2).  The result is within 5.5 ulp wherever |x − x*| > 0.05
    (the largest error found, on 1.7·10⁷ random inputs, is 5.24 ulp at
    x = −7.4003; tests/test_gates.py keeps that input).  Nearer the root any
    formula loses relative accuracy, and the absolute error stays below
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


def _check_seeds(seeds):
    """Return ``(seeds as a list of ints, single)`` for one seed or a sequence."""
    if is_integer(seeds):
        return [check_count(seeds, "seeds", 0)], True
    if not isinstance(seeds, (list, tuple, range, np.ndarray)):
        raise TypeError(f"seeds must be a non-negative integer or a list or range "
                        f"of them, got {type(seeds).__name__}")
    return check_seeds(seeds), False


def _cells(kind, n_hidden, steps, seeds, forget_bias):
    """Check the arguments and draw one random cell per seed, stacked.

    Returns W (m, gates·n, 2n), b (gates·n,), the inputs xs (m, steps, n), the
    read-out v (m, n) and whether a single seed was given.  Each member's
    draws come from ``numpy.random.default_rng(seed)`` in this order: W (gate
    by gate, f, i, g, o), then the inputs, then v.
    """
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    n = check_count(n_hidden, "n_hidden", 1)
    steps = check_count(steps, "steps", 1)
    seeds, single = _check_seeds(seeds)
    forget_bias = check_real("forget_bias", forget_bias)
    if not np.isfinite(forget_bias):
        raise ValueError(f"forget_bias must be finite, got {forget_bias}")
    gates = 4 if kind == "lstm" else 1
    W, xs, v = [], [], []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        W.append(rng.normal(0.0, np.sqrt(1.0 / (2 * n)), size=(gates * n, 2 * n)))
        xs.append(rng.standard_normal((steps, n)))
        v.append(rng.normal(0.0, np.sqrt(1.0 / n), size=n))
    b = np.zeros(gates * n)
    if kind == "lstm":
        b[:n] = forget_bias
    return np.array(W), b, np.array(xs), np.array(v), single


def _lstm_steps(W, b, xs):
    """Run a stack of LSTM cells (no peepholes) from state 0; yield each step.

    Yields, per step, a dict of (m, n) arrays: the previous state c, h, the
    gate pre-activations zf, zi, zo, the gates f, i, o, the candidate g and
    tanh of the new cell state, tc.  The new state is c' = f c + i g,
    h' = o tanh(c').
    """
    m, steps, n = xs.shape
    c, h = np.zeros((m, n)), np.zeros((m, n))
    for t in range(steps):
        z = (W @ np.concatenate([h, xs[:, t]], axis=1)[..., None])[..., 0] + b
        zf, zi, zg, zo = z[:, :n], z[:, n:2 * n], z[:, 2 * n:3 * n], z[:, 3 * n:]
        f, i, o = (np.asarray(sigmoid(v)) for v in (zf, zi, zo))
        g = np.tanh(zg)
        c_new = f * c + i * g
        tc = np.tanh(c_new)
        yield dict(c=c, h=h, zf=zf, zi=zi, zo=zo, f=f, i=i, o=o, g=g, tc=tc)
        c, h = c_new, o * tc


def _lstm_jacobian(s, Wh):
    """The (m, 2n, 2n) Jacobian of one step's (c_t, h_t) w.r.t. (c_{t−1}, h_{t−1})."""
    n = s["c"].shape[1]
    col = lambda v: v[:, :, None]  # noqa: E731  (scales the rows of Wh)
    dc_dh = (col(s["c"] * np.asarray(sigmoid_prime(s["zf"]))) * Wh[:, :n]
             + col(s["g"] * np.asarray(sigmoid_prime(s["zi"]))) * Wh[:, n:2 * n]
             + col(s["i"] * (1.0 - s["g"] ** 2)) * Wh[:, 2 * n:3 * n])
    dc_dc = col(s["f"]) * np.eye(n)
    dh_dc = col(s["o"] * (1.0 - s["tc"] ** 2))
    dh_dh = col(s["tc"] * np.asarray(sigmoid_prime(s["zo"]))) * Wh[:, 3 * n:] \
        + dh_dc * dc_dh
    return np.concatenate([np.concatenate([dc_dc, dc_dh], axis=2),
                           np.concatenate([dh_dc * dc_dc, dh_dh], axis=2)], axis=1)


def recurrent_jacobian_norms(kind: str, n_hidden: int, steps: int, seeds,
                             forget_bias: float = 1.0) -> np.ndarray:
    """Return ‖∂(state_t)/∂(state_0)‖₂, t = 1, …, ``steps``, of random recurrent cells.

    ``kind="sigmoid"``: h_t = σ(W h_{t−1} + U x_t + b), whose Jacobian is
    the product of the factors diag(σ'(z_t)) W, each at most ¼‖W‖.
    ``kind="lstm"``: an LSTM cell (Hochreiter & Schmidhuber 1997, with the
    forget gate of Gers et al. 2000), state (c_t, h_t); the norm returned is
    that of ∂c_t/∂c_0, whose direct path is the product of the forget gates
    diag(f_t).  Every gate's bias is 0 except the forget gate's,
    ``forget_bias``.  Weights are N(0, 1/(n_hidden + n_input)), with
    n_input = n_hidden, and inputs x_t ~ N(0, 1), drawn from
    ``numpy.random.default_rng(seed)`` in that order (first the weight
    matrix, gate by gate in the order f, i, g, o, then the inputs); the state
    starts at 0, and the derivatives are multiplied forward, step by step, in
    float64.

    ``seeds`` is one seed (the result has shape (steps,)) or a sequence of
    seeds (shape (len(seeds), steps)): the cells of a sweep run together, as
    one stack.

    >>> norms = recurrent_jacobian_norms("sigmoid", 4, 3, seeds=0)
    >>> print(" ".join(f"{v:.4f}" for v in norms))
    0.1768 0.0191 0.0022

    Explained in: Chapter 9, "The LSTM's forget gate".
    """
    W, b, xs, _, single = _cells(kind, n_hidden, steps, seeds, forget_bias)
    m, steps, n = xs.shape
    Wh = W[:, :, :n]  # the recurrent weights
    jac = np.broadcast_to(np.eye(2 * n if kind == "lstm" else n),
                          (m,) + ((2 * n,) * 2 if kind == "lstm" else (n, n)))
    norms = np.empty((m, steps))
    if kind == "lstm":
        for t, s in enumerate(_lstm_steps(W, b, xs)):
            jac = _lstm_jacobian(s, Wh) @ jac
            norms[:, t] = np.linalg.norm(jac[:, :n, :n], ord=2, axis=(1, 2))
    else:
        h = np.zeros((m, n))
        for t in range(steps):
            z = (W @ np.concatenate([h, xs[:, t]], axis=1)[..., None])[..., 0] + b
            h = np.asarray(sigmoid(z))
            jac = (np.asarray(sigmoid_prime(z))[:, :, None] * Wh) @ jac
            norms[:, t] = np.linalg.norm(jac, ord=2, axis=(1, 2))
    return norms[0] if single else norms


@dataclass(frozen=True)
class ForgetGateGradients:
    """The gradient of an LSTM's loss with respect to its forget-gate bias, in factors.

    ``gradient`` is ∂L/∂b_f, one entry per unit.  It is the sum over the
    steps t of ``upstream · cell · local``: the gradient ∂L/∂c_t that reaches
    the cell state (through all later steps), the previous cell state
    c_{t−1}, and the gate's local factor σ'(z_{f,t}).  ``forget`` holds the
    gates f_t.  With several seeds every field has a leading axis of members;
    the factors are (members, steps, n_hidden).
    """

    gradient: np.ndarray
    upstream: np.ndarray
    cell: np.ndarray
    local: np.ndarray
    forget: np.ndarray


def forget_gate_gradients(n_hidden: int, steps: int, seeds,
                          forget_bias: float = 1.0) -> ForgetGateGradients:
    """Return ∂L/∂b_f of random LSTM cells and its three factors (ForgetGateGradients).

    The cells are those of :func:`recurrent_jacobian_norms` (``kind="lstm"``,
    same seeds, same draws).  The loss reads every output through a fixed
    random read-out v ~ N(0, 1/n_hidden), drawn after the inputs:
    L = (1/steps) Σ_t vᵀh_t.  Backpropagation through time gives

        ∂L/∂b_f = Σ_t (∂L/∂c_t) ⊙ c_{t−1} ⊙ σ'(z_{f,t}),

    where ∂L/∂c_t collects every path from c_t to the loss: through h_t, and
    through c_{t+1} (times f_{t+1}) and the later gates.

    >>> grads = forget_gate_gradients(4, 10, seeds=0)
    >>> grads.gradient.shape, grads.local.shape
    ((4,), (10, 4))

    Explained in: Chapter 9, "The LSTM's forget gate".
    """
    W, b, xs, v, single = _cells("lstm", n_hidden, steps, seeds, forget_bias)
    m, steps, n = xs.shape
    Wh = W[:, :, :n]
    trace = list(_lstm_steps(W, b, xs))
    upstream, local = np.empty((m, steps, n)), np.empty((m, steps, n))
    dh_later, dc_later = np.zeros((m, n)), np.zeros((m, n))
    for t in reversed(range(steps)):
        s = trace[t]
        dh = v / steps + dh_later
        dc = dc_later + dh * s["o"] * (1.0 - s["tc"] ** 2)
        local[:, t] = np.asarray(sigmoid_prime(s["zf"]))
        upstream[:, t] = dc
        dz = np.concatenate([dc * s["c"] * local[:, t],
                             dc * s["g"] * np.asarray(sigmoid_prime(s["zi"])),
                             dc * s["i"] * (1.0 - s["g"] ** 2),
                             dh * s["tc"] * np.asarray(sigmoid_prime(s["zo"]))],
                            axis=1)
        dh_later = (dz[:, None, :] @ Wh)[:, 0, :]
        dc_later = dc * s["f"]
    cell = np.stack([s["c"] for s in trace], axis=1)
    forget = np.stack([s["f"] for s in trace], axis=1)
    out = ForgetGateGradients(gradient=np.sum(upstream * cell * local, axis=1),
                              upstream=upstream, cell=cell, local=local,
                              forget=forget)
    if single:
        out = ForgetGateGradients(*(getattr(out, f.name)[0] for f in fields(out)))
    return out
