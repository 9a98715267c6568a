"""Unit tests of sigmoid_course.activations against independent references.

References: 50-digit values from Python's decimal module, closed-form values,
the published SciPy test values for expit, and the identities of Chapter 1.
Warnings are errors (pyproject.toml), so any numpy warning fails a test.
"""

from decimal import Decimal, localcontext

import numpy as np
import pytest

from reference import SCIPY_EXPIT, decimal_reference
from sigmoid_course import (
    log_sigmoid,
    logit,
    sigmoid,
    sigmoid_prime,
    sigmoid_second,
    softplus,
)
from sigmoid_course.precision import (
    sigmoid_prime_reference,
    sigmoid_reference,
    ulp_error,
)

EVERY_REGIME = np.concatenate([
    -np.logspace(-20, np.log10(745.0), 400), [0.0],
    np.logspace(-20, np.log10(745.0), 400),
])


def test_sigmoid_matches_published_scipy_values():
    np.testing.assert_allclose(sigmoid(np.linspace(-4, 4, 10)), SCIPY_EXPIT, atol=5e-9)


def test_sigmoid_of_zero_is_exactly_one_half():
    assert sigmoid(0.0) == 0.5
    assert sigmoid_prime(0.0) == 0.25
    assert sigmoid_second(0.0) == 0.0


@pytest.mark.parametrize("x", [-40.0, -3.5, -1e-8, 0.5, 7.0, 100.0])
def test_sigmoid_matches_its_definition_by_hand(x):
    # Python's math-free definition, with e computed by the decimal module.
    exact = 1 / (1 + (-Decimal(x)).exp())
    assert float(sigmoid(x)) == pytest.approx(float(exact), rel=4e-16)


def test_sigmoid_is_within_two_ulp_in_every_regime():
    errors = ulp_error(sigmoid(EVERY_REGIME), sigmoid_reference(EVERY_REGIME))
    assert errors.max() <= 2.0


def test_sigmoid_prime_is_within_four_ulp_in_every_regime():
    errors = ulp_error(
        sigmoid_prime(EVERY_REGIME), sigmoid_prime_reference(EVERY_REGIME)
    )
    assert errors.max() <= 4.0


def test_ulp_targets_hold_on_a_dense_grid_where_rounding_is_hardest():
    # For -5 < x < -0.5, sigma = e/(1 + e) sits just below a power of two while
    # e sits just above one, so relative errors weigh double in ulp; the
    # uncompensated e/(1 + e) reaches 2.1 ulp on this grid.
    x = np.linspace(-5.0, -0.5, 30001)
    assert ulp_error(sigmoid(x), sigmoid_reference(x)).max() <= 2.0
    assert ulp_error(sigmoid_prime(x), sigmoid_prime_reference(x)).max() <= 4.0


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_low_precision_results_are_within_one_ulp(dtype):
    finite = np.finfo(dtype).max
    x = np.linspace(-min(120.0, float(finite)), min(120.0, float(finite)), 2001).astype(
        dtype
    )
    for f, ref in (
        (sigmoid, sigmoid_reference),
        (sigmoid_prime, sigmoid_prime_reference),
    ):
        assert ulp_error(f(x), ref(x)).max() <= 1.0


def test_sigmoid_prime_is_accurate_in_the_right_tail():
    # sigma*(1 - sigma) returns exactly 0 here; the true value is about e^-x.
    for x in (37.0, 40.0, 100.0, 700.0):
        exact = float(sigmoid_prime_reference(x)[()])
        assert exact > 0
        assert float(sigmoid_prime(x)) == pytest.approx(exact, rel=1e-15)


def test_sigmoid_keeps_subnormal_results_in_the_left_tail():
    x = np.array([-710.0, -740.0, -744.0])
    expected = [float(v) for v in sigmoid_reference(x)]
    assert all(0 < e < np.finfo(np.float64).tiny for e in expected)
    np.testing.assert_array_equal(sigmoid(x), expected)


def test_infinities_give_the_limits():
    np.testing.assert_array_equal(sigmoid([-np.inf, np.inf]), [0.0, 1.0])
    np.testing.assert_array_equal(sigmoid_prime([-np.inf, np.inf]), [0.0, 0.0])
    np.testing.assert_array_equal(np.abs(sigmoid_second([-np.inf, np.inf])), [0.0, 0.0])


def test_nan_in_gives_nan_out_without_warning():
    for f in (sigmoid, sigmoid_prime, sigmoid_second):
        out = f([np.nan, 1.0])
        assert np.isnan(out[0]) and np.isfinite(out[1])


def test_extreme_finite_inputs_emit_no_warning():
    big = np.finfo(np.float64).max
    x = np.array([-big, -1e308, -800.0, 800.0, 1e308, big])
    for f in (sigmoid, sigmoid_prime, sigmoid_second):
        assert np.all(np.isfinite(f(x)))


def test_symmetry_and_the_product_form_hold():
    x = np.linspace(-30, 30, 6001)
    np.testing.assert_allclose(sigmoid(-x), 1 - sigmoid(x), atol=2e-16)
    np.testing.assert_allclose(sigmoid_prime(x), sigmoid(x) * sigmoid(-x), rtol=1e-15)
    np.testing.assert_allclose(sigmoid_prime(x), sigmoid_prime(-x), rtol=0)


def test_tanh_identity_holds():
    x = np.linspace(-20, 20, 4001)
    np.testing.assert_allclose(sigmoid(x), (1 + np.tanh(x / 2)) / 2, atol=2e-16)


def test_second_derivative_is_within_six_ulp_of_fifty_digits_in_every_regime():
    # σ'' = σ(1 − σ)(1 − 2σ) = sign(x)·e(e − 1)/(1 + e)³ with e = exp(−|x|),
    # in decimal.
    # The bound: σ' (4 ulp) times tanh(x/2) (about 1 ulp), plus the rounding of
    # the product.
    def exact(d):
        e = (-abs(d)).exp()
        value = e * (e - 1) / (1 + e) ** 3
        return value if d >= 0 else -value

    x = np.concatenate([EVERY_REGIME, np.linspace(-5.0, 5.0, 2001)])
    x = x[x != 0]  # σ''(0) = 0 exactly, checked above
    assert ulp_error(sigmoid_second(x), decimal_reference(exact, x)).max() <= 6.0


def test_second_derivative_matches_the_textbook_formula_where_it_is_accurate():
    x = np.linspace(-5, 5, 1001)
    s = sigmoid(x)
    np.testing.assert_allclose(sigmoid_second(x), s * (1 - s) * (1 - 2 * s), atol=1e-16)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_float_dtypes_are_kept(dtype):
    x = np.array([-1.0, 0.0, 2.0], dtype=dtype)
    for f in (sigmoid, sigmoid_prime, sigmoid_second):
        assert f(x).dtype == dtype
        assert f(dtype(0.5)).dtype == dtype


@pytest.mark.parametrize("value", [3, True, [1, 2], np.arange(3), np.uint8(7)])
def test_integers_and_bools_become_float64(value):
    assert np.asarray(sigmoid(value)).dtype == np.float64


def test_shapes_are_preserved_and_scalars_stay_scalars():
    x = np.zeros((2, 3, 4))
    assert sigmoid(x).shape == (2, 3, 4)
    assert sigmoid_prime(x).shape == (2, 3, 4)
    assert np.ndim(sigmoid(1.0)) == 0
    assert isinstance(sigmoid(1.0), np.floating)
    assert sigmoid([]).shape == (0,)


@pytest.mark.parametrize("bad", ["1.0", None, b"1", object(), [1, "a"], {"x": 1}])
def test_non_numeric_input_raises_type_error(bad):
    for f in (sigmoid, sigmoid_prime, sigmoid_second, logit, softplus, log_sigmoid):
        with pytest.raises(TypeError, match="must be"):
            f(bad)


def test_ragged_input_raises_value_error():
    with pytest.raises(ValueError, match="rectangular"):
        sigmoid([[1.0, 2.0], [3.0]])


def test_logit_inverts_sigmoid():
    x = np.linspace(-8, 8, 801)
    np.testing.assert_allclose(logit(sigmoid(x)), x, atol=1e-12)
    np.testing.assert_array_equal(logit([0.0, 1.0]), [-np.inf, np.inf])


def test_logit_is_within_two_ulp_of_fifty_digits_including_near_one_half():
    # ln(p) − ln1p(−p) cancels near p = ½ (errors of about 1e−10 relative,
    # millions of ulp).
    rng = np.random.default_rng(5)
    p = np.concatenate(
        [
            rng.uniform(0.0, 1.0, 4000),
            0.5 + rng.uniform(-1e-6, 1e-6, 1000),
            np.logspace(-300, -1, 300),
            1.0 - np.logspace(-16, -1, 300),
            [0.25, 0.75],
        ]
    )
    p = p[(p > 0) & (p < 1)]
    exact = decimal_reference(lambda d: (d / (1 - d)).ln(), p)
    assert ulp_error(logit(p), exact).max() <= 2.0


@pytest.mark.parametrize("p", [-0.1, 1.5, [0.5, 2.0]])
def test_logit_rejects_values_outside_the_unit_interval(p):
    with pytest.raises(ValueError, match=r"probability in \[0, 1\]"):
        logit(p)


def test_logit_rejects_complex_input():
    with pytest.raises(TypeError, match="real"):
        logit(0.5 + 0j)


def _softplus_exact(d: Decimal) -> Decimal:
    # ln(1 + e^x) for x < 0 needs about |x|/2.3 more digits than the answer,
    # or 1 + e^x rounds to 1 in decimal too: the context is widened for it.
    if d >= 0:
        return d + (1 + (-d).exp()).ln()
    with localcontext() as ctx:
        ctx.prec += int(-d / 2) if d > -1e4 else 0
        return (1 + d.exp()).ln()


SOFTPLUS_GRID = np.concatenate(
    [
        -np.logspace(-20, np.log10(745.0), 400),
        [0.0],
        np.logspace(-20, 300, 400),
        np.linspace(-5.0, 5.0, 2001),
    ]
)


def test_softplus_is_within_two_ulp_of_fifty_digits_in_every_regime():
    exact = decimal_reference(_softplus_exact, SOFTPLUS_GRID)
    assert ulp_error(softplus(SOFTPLUS_GRID), exact).max() <= 2.0


def test_log_sigmoid_is_within_two_ulp_of_fifty_digits_in_every_regime():
    exact = decimal_reference(lambda d: -_softplus_exact(-d), SOFTPLUS_GRID)
    assert ulp_error(log_sigmoid(SOFTPLUS_GRID), exact).max() <= 2.0


def test_softplus_and_log_sigmoid_give_the_limits_without_warning():
    np.testing.assert_array_equal(
        softplus([-np.inf, 0.0, np.inf]), [0.0, np.log(2.0), np.inf]
    )
    np.testing.assert_array_equal(log_sigmoid([-np.inf, np.inf]), [-np.inf, 0.0])
    assert np.isnan(softplus(np.nan)) and np.isnan(log_sigmoid(np.nan))
    assert softplus(np.float32(1.0)).dtype == np.float32


@pytest.mark.parametrize("f", [softplus, log_sigmoid])
def test_softplus_and_log_sigmoid_reject_complex_input(f):
    with pytest.raises(TypeError, match="x must be real"):
        f(1.0 + 0j)


def test_complex_input_is_accepted_and_matches_the_real_line():
    x = np.linspace(-50, 50, 101)
    np.testing.assert_allclose(sigmoid(x + 0j).real, sigmoid(x), rtol=1e-15)
    np.testing.assert_allclose(sigmoid_prime(x + 0j).real, sigmoid_prime(x), rtol=1e-15)
    # sigma(i*pi/2) = 1/(1 - i) = (1 + i)/2
    np.testing.assert_allclose(sigmoid(1j * np.pi / 2), 0.5 + 0.5j, rtol=1e-15)
    assert sigmoid(np.complex64(1j)).dtype == np.complex64


def test_results_do_not_depend_on_layout_or_block_boundaries():
    # Real input is processed in blocks of 2**15 elements; a strided, transposed
    # input larger than several blocks must give each element its own value.
    rng = np.random.default_rng(3)
    x = rng.uniform(-50, 50, size=(7, 3 * 2**15 + 11)).T[::-2]
    for f in (sigmoid, sigmoid_prime):
        out = f(x)
        assert out.shape == x.shape
        for index in [(0, 0), (2**15 - 1, 3), (2**15, 6), (x.shape[0] - 1, 1)]:
            assert out[index] == f(float(x[index]))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
def test_large_inputs_need_little_more_memory_than_the_result(dtype):
    # Work arrays of a few blocks, not of the input's size: one call may allocate the
    # result plus at most a tenth of the input's bytes.  Widening a whole float32
    # input to float64 first would take 3x (2x for the copy, 1x for the result).
    import tracemalloc

    x = np.linspace(-60.0, 60.0, (16 << 20) // np.dtype(dtype).itemsize).astype(dtype)
    for f in (sigmoid, sigmoid_prime, sigmoid_second):
        tracemalloc.start()
        try:
            start = tracemalloc.get_traced_memory()[0]
            out = f(x)
            peak = tracemalloc.get_traced_memory()[1] - start
        finally:
            tracemalloc.stop()
        assert out.dtype == dtype and out.shape == x.shape
        assert peak <= 1.1 * x.nbytes, (f.__name__, peak / x.nbytes)


def _second_exact(d: Decimal) -> Decimal:
    # σ''(x) = sign(x)·e(e − 1)/(1 + e)³ with e = exp(−|x|), in decimal.
    e = (-abs(d)).exp()
    value = e * (e - 1) / (1 + e) ** 3
    return value if d >= 0 else -value


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
def test_every_block_of_a_large_strided_input_is_accurate(dtype):
    # Real input is processed in blocks of _BLOCK elements with work arrays reused
    # from block to block; a transposed, strided input of several blocks, checked
    # against 50 digits on both sides of every block boundary and at both ends.
    from sigmoid_course.activations import _BLOCK

    rng = np.random.default_rng(11)
    bound = 10.0 if dtype == np.float16 else 60.0
    x = rng.uniform(-bound, bound, size=(7, 6 * _BLOCK + 11)).astype(dtype).T[::-2]
    flat = x.reshape(-1)  # the order in which the blocks run
    boundaries = range(_BLOCK, flat.size, _BLOCK)
    picks = np.concatenate(
        [np.arange(b - 40, b + 40) for b in boundaries]
        + [np.arange(40), np.arange(flat.size - 40, flat.size)]
    )
    # float16/float32 results are rounded once from float64: within 1 ulp (see above).
    bounds = {"sigmoid": 2.0, "sigmoid_prime": 4.0, "sigmoid_second": 6.0}
    if dtype != np.float64:
        bounds = dict.fromkeys(bounds, 1.0)
    picked = flat[picks]
    for f, exact in (
        (sigmoid, sigmoid_reference(picked)),
        (sigmoid_prime, sigmoid_prime_reference(picked)),
        (sigmoid_second, decimal_reference(_second_exact, picked)),
    ):
        out = f(x)
        assert out.dtype == dtype and out.shape == x.shape
        assert ulp_error(out.reshape(-1)[picks], exact).max() <= bounds[f.__name__]


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_low_precision_limits_and_nan_without_warning(dtype):
    big = np.finfo(dtype).max
    x = np.array([-np.inf, -big, 0.0, big, np.inf, np.nan], dtype=dtype)
    np.testing.assert_array_equal(sigmoid(x)[:5], [0.0, 0.0, 0.5, 1.0, 1.0])
    np.testing.assert_array_equal(sigmoid_prime(x)[:5], [0.0, 0.0, 0.25, 0.0, 0.0])
    np.testing.assert_array_equal(np.abs(sigmoid_second(x)[:5]), np.zeros(5))
    for f in (sigmoid, sigmoid_prime, sigmoid_second):
        assert np.isnan(f(x)[5]) and f(x).dtype == dtype
