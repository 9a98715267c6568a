"""Every floating-point bound and threshold that Chapter 6 states, measured by sweeps.

Each claim is measured on every float16 and bfloat16 value and on 2^20
float32 and float64 inputs (2^19 random bit patterns, finite ones kept, and
a dense grid of 2^19 points across the range where σ and σ′ change), against
the fast ``longdouble`` references of sigmoid_course.precision (themselves
checked against the 50-digit decimal references in tests/test_precision.py).
The chapter prints smaller sweeps and quotes the figures asserted here.

Figures that depend on the last bit of NumPy's ``exp`` (the package's
ulp errors, the product form's) are asserted as the bound the chapter states;
the maximum measured here (x86-64, NumPy 2.4) is in the comment beside it.
"""

import ml_dtypes
import numpy as np
import pytest

from sigmoid_course import complex_step_derivative, sigmoid, sigmoid_prime
from sigmoid_course.precision import (
    sigmoid_prime_reference_fast,
    sigmoid_reference_fast,
    ulp_error_fast,
)

LD = np.longdouble
GRID = {"float32": 110.0, "float64": 750.0}  # past the last subnormal σ


def sweep(fmt: str) -> np.ndarray:
    """2^20 inputs of float32/float64, or every finite value of a 16-bit format."""
    if fmt in ("float16", "bfloat16"):
        dtype = np.dtype(ml_dtypes.bfloat16) if fmt == "bfloat16" else np.dtype(fmt)
        x = np.arange(2**16, dtype=np.uint16).view(dtype)
        with np.errstate(invalid="ignore"):
            return x[np.isfinite(x.astype(np.float64))]
    bits = np.uint32 if fmt == "float32" else np.uint64
    rng = np.random.default_rng(2026)
    random = rng.integers(0, np.iinfo(bits).max, 2**19, dtype=bits, endpoint=True)
    random = random.view(fmt)
    grid = np.linspace(-GRID[fmt], GRID[fmt], 2**19).astype(fmt)
    return np.concatenate([random[np.isfinite(random)], grid])


SWEEPS = {fmt: sweep(fmt) for fmt in ("float16", "bfloat16", "float32", "float64")}


def naive_sigmoid(x):
    with np.errstate(over="ignore"):  # the overflow is part of what is measured
        return 1 / (1 + np.exp(-x))


def test_the_sweeps_are_large_enough():
    assert SWEEPS["float16"].size == 2**16 - 2**11  # all but inf and NaN
    assert SWEEPS["bfloat16"].size == 2**16 - 2**8
    assert SWEEPS["float32"].size > 10**6 and SWEEPS["float64"].size > 10**6


# ---- the package's σ and σ′ ------------------------------------------------------

@pytest.mark.parametrize("fmt, sigma_bound, prime_bound", [
    ("float64", 2.0, 4.0),  # measured: 1.58 and 2.38 ulp
    ("float32", 0.5, 0.5),  # correctly rounded everywhere measured
    ("float16", 0.5, 0.5),
])
def test_package_sigmoid_and_prime_stay_within_their_ulp_bounds(fmt, sigma_bound,
                                                                 prime_bound):
    x = SWEEPS[fmt]
    sigma = ulp_error_fast(sigmoid(x), sigmoid_reference_fast(x))
    prime = ulp_error_fast(sigmoid_prime(x), sigmoid_prime_reference_fast(x))
    strict = fmt != "float64"  # below 0.5 ulp: the nearest float every time
    assert sigma.max() < sigma_bound if strict else sigma.max() <= sigma_bound
    assert prime.max() < prime_bound if strict else prime.max() <= prime_bound
    if fmt == "float64":  # not vacuous: well above correct rounding somewhere
        assert sigma.max() > 1.0 and prime.max() > 2.0


def test_package_results_are_correctly_rounded_where_they_are_subnormal():
    x = SWEEPS["float64"]
    tiny = np.finfo(np.float64).tiny
    for f, ref in ((sigmoid, sigmoid_reference_fast),
                   (sigmoid_prime, sigmoid_prime_reference_fast)):
        exact = ref(x)
        subnormal = (exact > 0) & (exact < tiny)
        assert subnormal.sum() > 1000
        assert ulp_error_fast(f(x[subnormal]), exact[subnormal]).max() <= 0.5002


def test_a_subnormal_result_loses_relative_accuracy():
    """σ(−745) = 2.82e−324 rounds to the smallest subnormal, 4.94e−324."""
    exact = sigmoid_reference_fast(np.float64(-745.0))
    assert float(sigmoid(-745.0)) == 5e-324
    assert abs(float((LD(5e-324) - exact) / exact) - 0.751) < 0.001


# ---- thresholds: where σ rounds to 1, where the one-liner overflows ---------------

@pytest.mark.parametrize("fmt, one_liner, package", [
    ("float64", 36.73680056967711, 37.42994775023705),  # 53 ln 2, 54 ln 2
    ("float32", 16.635532, 17.32868),  # 24 ln 2, 25 ln 2
])
def test_sigma_rounds_to_one_and_s_one_minus_s_is_zero_from_the_thresholds(
        fmt, one_liner, package):
    x = SWEEPS[fmt]
    x = x[x > 0]
    for s, threshold in ((naive_sigmoid(x), one_liner), (sigmoid(x), package)):
        t = np.array(threshold, dtype=fmt)
        assert np.array_equal(s == 1, x >= t)
        assert np.array_equal(s * (1 - s) == 0, x >= t)
        # the thresholds are the first floats at or above (t + 1 or t + 2) ln 2
        below = np.nextafter(t, np.array(0, dtype=fmt))
        assert naive_sigmoid(t) == 1 or sigmoid(t) == 1
        assert (sigmoid(below) < 1) if threshold == package else (
            naive_sigmoid(below) < 1)


@pytest.mark.parametrize("fmt, threshold", [("float16", 8.3203125), ("bfloat16", 6.25)])
def test_a_correctly_rounded_s_gives_zero_from_the_format_threshold(fmt, threshold):
    z = SWEEPS[fmt]
    z = z[z.astype(np.float64) > 0]
    s = sigmoid_reference_fast(z.astype(np.float64)).astype(np.float64).astype(z.dtype)
    one = z.dtype.type(1)
    zero = (s * (one - s)).astype(np.float64) == 0
    assert np.array_equal(zero, z.astype(np.float64) >= threshold)


@pytest.mark.parametrize("fmt, edge", [("float64", 709.782712893384),
                                       ("float32", 88.72284)])
def test_the_one_liner_returns_zero_where_exp_overflows(fmt, edge):
    x = SWEEPS[fmt]
    with np.errstate(under="ignore"):
        zero = naive_sigmoid(x) == 0
    assert np.array_equal(zero, x < -edge)
    assert np.all(sigmoid(x[x < -edge][x[x < -edge] > -700 if fmt == "float64"
                                        else x[x < -edge] > -100]) > 0)


# ---- σ′ from σ: the product form and the textbook form ---------------------------

@pytest.mark.parametrize("fmt, bound, zero_from", [
    ("float64", 3.5, 709.782712893384),  # measured 3.46u; 0 from 709.79
    ("float32", 4.9, 88.72284),  # measured 4.82u (41 points above 4u); 0 from 88.72
])
def test_product_form_from_one_liners_is_within_a_few_u_until_exp_overflows(
        fmt, bound, zero_from):
    x = SWEEPS[fmt]
    exact = sigmoid_prime_reference_fast(x)
    product = naive_sigmoid(x) * naive_sigmoid(-x)
    u = LD(np.finfo(fmt).eps) / 2
    normal = exact >= np.finfo(fmt).tiny
    relative = np.abs(product.astype(LD) - exact)[normal] / exact[normal] / u
    assert relative.max() <= bound and relative.max() > bound - 0.5
    assert np.array_equal(product == 0, np.abs(x) > zero_from)
    if fmt == "float32":
        assert np.count_nonzero(relative > 4) > 10  # "within 4u" was false


def test_output_based_form_has_absolute_error_just_above_two_to_minus_54():
    """From a correctly rounded s, s(1 − s) is off by at most 5.554e−17."""
    x = SWEEPS["float64"]
    exact = sigmoid_prime_reference_fast(x)
    s = sigmoid_reference_fast(x).astype(np.float64)  # correctly rounded σ
    error = np.abs((s * (1 - s)).astype(LD) - exact)
    assert 2.0**-54 < error.max() < 5.555e-17
    package_s = sigmoid(x)  # within 2 ulp instead of 0.5
    package_error = np.abs((package_s * (1 - package_s)).astype(LD) - exact)
    assert package_error.max() < 2.0**-53  # measured 6.34e-17


def test_the_symmetry_identity_holds_to_one_rounding():
    x = SWEEPS["float64"]
    gap = np.abs(sigmoid(-x) - (1 - sigmoid(x)))
    assert gap.max() == 2.0**-54


# ---- the complex step ---------------------------------------------------------------

def test_complex_step_is_within_a_few_ulp_until_h_sigma_prime_underflows():
    x = SWEEPS["float64"]
    inside = np.abs(x) <= 662
    estimate = complex_step_derivative(sigmoid, x[inside])
    error = ulp_error_fast(estimate, sigmoid_prime_reference_fast(x[inside]))
    assert 4.0 < error.max() <= 4.5  # measured 4.27 ulp at three points above 4
    # Beyond, h·σ′(x) with h = 1e−20 falls below the subnormal range: the
    # estimate is 0 where σ′ is still a normal or subnormal float64.
    outside = x[(np.abs(x) > 700) & (np.abs(x) < 740)]
    with np.errstate(under="ignore"):
        far = complex_step_derivative(sigmoid, outside)
    assert outside.size > 1000 and np.all(far == 0)
    assert np.all(sigmoid_prime_reference_fast(outside) > 0)
