"""Unit tests of sigmoid_course.gates against independent references.

References: SiLU and its derivative in 50-digit decimal arithmetic, the
closed-form minimum of SiLU (x = −1 − W(1/e), Lambert's W solved in decimal),
central differences, and a recurrent forward pass and loss written out here
and differentiated by central differences.
"""

from decimal import Decimal, localcontext

import numpy as np
import pytest

from sigmoid_course import (
    forget_gate_gradients,
    glu,
    glu_gradients,
    recurrent_jacobian_norms,
    silu,
    silu_prime,
)
from sigmoid_course.precision import ulp_error

GRID = np.concatenate([
    -np.logspace(np.log10(745.0), -8, 1500), [0.0],
    np.logspace(-8, np.log10(745.0), 300),
    [-1e4, -800.0, -745.5, -720.0, -708.5, -701.0, 710.0, 1e4],
    # The worst inputs found on 1.7e7 random ones (uniform on [-40, 40] and on
    # [-8, 3], seeds 0 to 7, against longdouble references): silu 3.32 ulp,
    # silu' 5.24 ulp.  The grid alone finds 1.85 and 3.77.
    [-7.615510045062454, -7.400314774855869],
])


def _decimal_sigmoid_parts(d):
    e = (-abs(d)).exp()
    s = 1 / (1 + e) if d >= 0 else e / (1 + e)
    return s, e / ((1 + e) * (1 + e))


def decimal_reference(formula, x):
    out = np.empty(np.shape(x), dtype=object)
    with localcontext() as ctx:
        ctx.prec = 50
        for index, value in np.ndenumerate(np.asarray(x, dtype=np.float64)):
            out[index] = +formula(Decimal(float(value)))
    return out


def silu_reference(x):
    return decimal_reference(lambda d: d * _decimal_sigmoid_parts(d)[0], x)


def silu_prime_reference(x):
    def formula(d):
        s, ds = _decimal_sigmoid_parts(d)
        return s + d * ds
    return decimal_reference(formula, x)


def silu_minimum_reference() -> Decimal:
    """x* = −1 − W(1/e): silu'(x) = 0 ⟺ 1 + x + e^x = 0; Newton on w·e^w = 1/e."""
    with localcontext() as ctx:
        ctx.prec = 60
        target, w = Decimal(-1).exp(), Decimal("0.3")
        for _ in range(60):
            w -= (w * w.exp() - target) / ((1 + w) * w.exp())
        return -1 - w


ROOT = float(silu_minimum_reference())


def test_silu_is_within_three_and_a_half_ulp_everywhere():
    errors = ulp_error(silu(GRID), silu_reference(GRID))
    # measured 3.32 ulp (the grid alone: 1.85); the worst input depends on exp
    assert 2.5 < errors.max() <= 3.5


def test_silu_prime_is_within_five_and_a_half_ulp_away_from_its_root():
    far = np.abs(GRID - ROOT) > 0.05
    errors = ulp_error(silu_prime(GRID[far]), silu_prime_reference(GRID[far]))
    # measured 5.24 ulp (the grid alone: 3.77); the worst input depends on exp
    assert 4.0 < errors.max() <= 5.5


def test_silu_prime_has_a_tiny_absolute_error_near_its_root():
    x = np.linspace(ROOT - 0.05, ROOT + 0.05, 201)
    exact = np.array([float(v) for v in silu_prime_reference(x)])
    assert np.max(np.abs(silu_prime(x) - exact)) <= 1e-16


def test_silu_prime_vanishes_at_the_closed_form_minimum():
    assert abs(float(silu_prime(ROOT))) < 1e-16
    # There e^x = −(1 + x), so σ(x) = (1 + x)/x and silu(x) = 1 + x.
    assert float(silu(ROOT)) == pytest.approx(1 + ROOT, rel=1e-15)


def test_silu_prime_matches_a_central_difference_of_silu():
    x = np.linspace(-8.0, 8.0, 41)
    h = 1e-5
    numeric = (silu(x + h) - silu(x - h)) / (2 * h)
    np.testing.assert_allclose(silu_prime(x), numeric, atol=1e-9)


def test_infinite_and_nan_inputs_follow_the_limits_without_warnings():
    x = np.array([-np.inf, np.inf, np.nan])
    out = silu(x)
    assert out[0] == 0.0 and out[1] == np.inf and np.isnan(out[2])
    out = silu_prime(x)
    assert out[0] == 0.0 and out[1] == 1.0 and np.isnan(out[2])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = np.array([-3.0, 0.5, 4.0], dtype=dtype)
    for f in (silu, silu_prime):
        assert f(x).dtype == dtype
    a, b = glu_gradients(x, x)
    assert glu(x, x).dtype == a.dtype == b.dtype == dtype


def test_float32_results_are_correctly_rounded_float64_values():
    x = np.linspace(-30.0, 30.0, 301, dtype=np.float32)
    np.testing.assert_array_equal(silu_prime(x), silu_prime(x.astype(np.float64))
                                  .astype(np.float32))


def test_glu_gradients_match_central_differences():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=6), rng.normal(scale=3.0, size=6)
    h = 1e-6
    da, db = glu_gradients(a, b)
    np.testing.assert_allclose(da, (glu(a + h, b) - glu(a - h, b)) / (2 * h), atol=1e-9)
    np.testing.assert_allclose(db, (glu(a, b + h) - glu(a, b - h)) / (2 * h), atol=1e-9)


def test_a_saturated_gate_passes_its_value_but_stops_learning():
    da, db = glu_gradients([3.0], [40.0])
    assert da[0] == 1.0 and 0 < db[0] < 1e-16


def _draw(kind, n, steps, seed, forget_bias):
    """The documented draws: weights (gates f, i, g, o), inputs, then the read-out."""
    rng = np.random.default_rng(seed)
    gates = 4 if kind == "lstm" else 1
    W = rng.normal(0.0, np.sqrt(1.0 / (2 * n)), size=(gates * n, 2 * n))
    xs = rng.standard_normal((steps, n))
    v = rng.normal(0.0, np.sqrt(1.0 / n), size=n)
    b = np.zeros(gates * n)
    b[:n if kind == "lstm" else 0] = forget_bias
    return W, b, xs, v


def _run(kind, W, b, xs, state, v=None, kick=None):
    """The recurrence written out independently.

    Returns the final state (c for the LSTM), or with a read-out ``v`` the
    loss (1/T) Σ_t vᵀh_t.  ``kick = (t, e)`` adds e to the cell state c_t
    just after step t computes it.
    """
    n = xs.shape[1]
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))  # noqa: E731
    if kind == "sigmoid":
        h = state
        for x in xs:
            h = sig(W @ np.concatenate([h, x]) + b)
        return h
    c, h = state[:n], state[n:]
    loss = 0.0
    for t, x in enumerate(xs, start=1):
        z = W @ np.concatenate([h, x]) + b
        f, i, o = sig(z[:n]), sig(z[n:2 * n]), sig(z[3 * n:])
        g = np.tanh(z[2 * n:3 * n])
        c = f * c + i * g
        if kick is not None and kick[0] == t:
            c = c + kick[1]
        h = o * np.tanh(c)
        if v is not None:
            loss += v @ h / len(xs)
    return c if v is None else loss


@pytest.mark.parametrize("kind, forget_bias",
                         [("sigmoid", 0.0), ("lstm", 0.0), ("lstm", 1.0)])
def test_jacobian_norms_match_finite_differences_of_the_recurrence(kind, forget_bias):
    n, steps = 3, 6
    norms = recurrent_jacobian_norms(kind, n, steps, 5, forget_bias=forget_bias)
    W, b, xs, _ = _draw(kind, n, steps, 5, forget_bias)
    size = 2 * n if kind == "lstm" else n
    h = 1e-6
    for t in (1, steps):
        J = np.empty((n, n))
        for j in range(n):
            e = np.zeros(size)
            e[j] = h
            up, down = _run(kind, W, b, xs[:t], e), _run(kind, W, b, xs[:t], -e)
            J[:, j] = (up - down) / (2 * h)
        assert norms[t - 1] == pytest.approx(np.linalg.norm(J, 2), rel=1e-7)


@pytest.mark.parametrize("kind", ["sigmoid", "lstm"])
def test_a_stack_of_seeds_gives_each_seed_its_own_result(kind):
    stack = recurrent_jacobian_norms(kind, 4, 12, [7, 2, 9], forget_bias=2.0)
    for row, seed in zip(stack, [7, 2, 9]):
        np.testing.assert_allclose(
            row, recurrent_jacobian_norms(kind, 4, 12, seed, forget_bias=2.0),
            rtol=1e-13)
    grads = forget_gate_gradients(4, 12, [7, 2], forget_bias=2.0)
    np.testing.assert_allclose(grads.gradient[1],
                               forget_gate_gradients(4, 12, 2, 2.0).gradient,
                               rtol=1e-13)


@pytest.mark.parametrize("forget_bias", [0.0, 3.0])
def test_forget_bias_gradient_matches_finite_differences_of_the_loss(forget_bias):
    n, steps, h = 3, 15, 1e-6
    grads = forget_gate_gradients(n, steps, 11, forget_bias=forget_bias)
    W, b, xs, v = _draw("lstm", n, steps, 11, forget_bias)
    numeric = np.empty(n)
    for j in range(n):
        e = np.zeros_like(b)
        e[j] = h
        start = np.zeros(2 * n)
        numeric[j] = (_run("lstm", W, b + e, xs, start, v)
                      - _run("lstm", W, b - e, xs, start, v)) / (2 * h)
    np.testing.assert_allclose(grads.gradient, numeric, rtol=1e-6, atol=1e-12)


def test_upstream_factor_is_the_derivative_of_the_loss_by_the_cell_state():
    n, steps, t, h = 3, 10, 4, 1e-6
    grads = forget_gate_gradients(n, steps, 13, forget_bias=1.0)
    W, b, xs, v = _draw("lstm", n, steps, 13, 1.0)
    start = np.zeros(2 * n)
    for j in range(n):
        e = np.zeros(n)
        e[j] = h
        numeric = (_run("lstm", W, b, xs, start, v, kick=(t, e))
                   - _run("lstm", W, b, xs, start, v, kick=(t, -e))) / (2 * h)
        # upstream[t − 1] is ∂L/∂c_t (steps are counted from 1 here).
        assert grads.upstream[t - 1, j] == pytest.approx(numeric, rel=1e-6)
    # The other factors are what the forward pass computed.
    np.testing.assert_array_equal(grads.cell[0], np.zeros(n))
    assert np.all((grads.local > 0) & (grads.local <= 0.25))
    np.testing.assert_allclose(grads.local, grads.forget * (1 - grads.forget),
                               rtol=1e-12)


def test_forget_bias_slows_the_decay_of_the_cell_gradient_over_seeds():
    def median_last(kind, bias):
        norms = recurrent_jacobian_norms(kind, 8, 50, range(20), forget_bias=bias)
        return np.median(norms[:, -1])

    assert (median_last("sigmoid", 0.0) < median_last("lstm", 0.0)
            < median_last("lstm", 1.0))


@pytest.mark.parametrize("f", [silu, silu_prime])
def test_silu_refuses_what_is_not_a_real_number(f):
    with pytest.raises(TypeError, match="x must be a number"):
        f("1.0")
    with pytest.raises(TypeError, match="x must be real"):
        f(1j)


def test_glu_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="a and b must have the same shape"):
        glu([1.0, 2.0], [1.0])
    with pytest.raises(TypeError, match="b must be a number"):
        glu_gradients([1.0], None)


@pytest.mark.parametrize("kwargs, exc, words", [
    (dict(kind="gru"), ValueError, "kind must be one of"),
    (dict(n_hidden=0), ValueError, "n_hidden must be at least 1"),
    (dict(steps=2.0), TypeError, "steps must be an integer"),
    (dict(seeds=1.5), TypeError, "seeds must be a non-negative integer"),
    (dict(seeds=[]), ValueError, "seeds must hold at least one seed"),
    (dict(seeds=[0, -1]), ValueError, r"seeds\[1\] must be at least 0"),
    (dict(seeds=[0, 2.0]), TypeError, r"seeds\[1\] must be an integer"),
    (dict(forget_bias="one"), TypeError, "forget_bias must be"),
    (dict(forget_bias=np.inf), ValueError, "forget_bias must be finite"),
])
def test_recurrent_jacobian_norms_refuses_bad_arguments(kwargs, exc, words):
    args = dict(kind="lstm", n_hidden=2, steps=3, seeds=0)
    args.update(kwargs)
    with pytest.raises(exc, match=words):
        recurrent_jacobian_norms(**args)
    if "kind" not in kwargs:
        del args["kind"]
        with pytest.raises(exc, match=words):
            forget_gate_gradients(**args)


def test_glu_of_infinite_inputs_follows_the_limits_and_is_nan_without_one():
    # Warnings are errors here, so this also checks that none is raised.
    a = np.array([np.inf, np.inf, -np.inf, 2.0, np.inf])
    b = np.array([np.inf, -np.inf, 0.0, -np.inf, 3.0])
    out = glu(a, b)
    assert out[0] == np.inf and np.isnan(out[1]) and out[2] == -np.inf
    assert out[3] == 0.0 and out[4] == np.inf
    da, db = glu_gradients(a, b)
    np.testing.assert_array_equal(da[:4], [1.0, 0.0, 0.5, 0.0])
    # ∂/∂b = a·σ'(b): inf·0 has no limit where b = ±inf.
    assert np.isnan(db[0]) and np.isnan(db[1]) and db[2] == -np.inf and db[3] == 0.0
