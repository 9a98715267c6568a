"""Unit tests of sigmoid_course.gates against independent references.

References: SiLU and its derivative in 50-digit decimal arithmetic, the
closed-form minimum of SiLU (x = −1 − W(1/e), Lambert's W solved in decimal),
central differences, and a recurrent forward pass written out here and
differentiated by central differences.
"""

from decimal import Decimal, localcontext

import numpy as np
import pytest

from sigmoid_course import (
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


def test_silu_is_within_three_ulp_everywhere():
    assert ulp_error(silu(GRID), silu_reference(GRID)).max() <= 3.0


def test_silu_prime_is_within_four_ulp_away_from_its_root():
    far = np.abs(GRID - ROOT) > 0.05
    errors = ulp_error(silu_prime(GRID[far]), silu_prime_reference(GRID[far]))
    assert errors.max() <= 4.0


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


def _run(kind, W, b, xs, state):
    """The recurrence written out independently: returns the final state."""
    n = xs.shape[1]
    sig = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
    if kind == "sigmoid":
        h = state
        for x in xs:
            h = sig(W @ np.concatenate([h, x]) + b)
        return h
    c, h = state[:n], state[n:]
    for x in xs:
        z = W @ np.concatenate([h, x]) + b
        f, i, o = sig(z[:n]), sig(z[n:2 * n]), sig(z[3 * n:])
        g = np.tanh(z[2 * n:3 * n])
        c = f * c + i * g
        h = o * np.tanh(c)
    return c


@pytest.mark.parametrize("kind, forget_bias",
                         [("sigmoid", 0.0), ("lstm", 0.0), ("lstm", 1.0)])
def test_jacobian_norms_match_finite_differences_of_the_recurrence(kind, forget_bias):
    n, steps = 3, 6
    norms = recurrent_jacobian_norms(kind, n, steps, np.random.default_rng(5),
                                     forget_bias=forget_bias)
    # The same draws, in the documented order: the weights, then the inputs.
    rng = np.random.default_rng(5)
    gates = 4 if kind == "lstm" else 1
    W = rng.normal(0.0, np.sqrt(1.0 / (2 * n)), size=(gates * n, 2 * n))
    b = np.zeros(gates * n)
    b[:n if kind == "lstm" else 0] = forget_bias
    xs = rng.standard_normal((steps, n))
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


def test_forget_bias_slows_the_decay_of_the_cell_gradient():
    def last(kind, bias):
        rng = np.random.default_rng(1)
        return recurrent_jacobian_norms(kind, 8, 50, rng, forget_bias=bias)[-1]

    assert last("sigmoid", 0.0) < last("lstm", 0.0) < last("lstm", 1.0)


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
    (dict(rng=0), TypeError, "rng must be a numpy.random.Generator"),
    (dict(forget_bias="one"), TypeError, "forget_bias must be"),
    (dict(forget_bias=np.inf), ValueError, "forget_bias must be finite"),
])
def test_recurrent_jacobian_norms_refuses_bad_arguments(kwargs, exc, words):
    args = dict(kind="lstm", n_hidden=2, steps=3, rng=np.random.default_rng(0))
    args.update(kwargs)
    with pytest.raises(exc, match=words):
        recurrent_jacobian_norms(**args)


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
