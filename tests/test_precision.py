"""Unit tests of sigmoid_course.precision: the 50-digit references and ulp_error.

The references are checked against closed forms built from a literal value of
e (so that no decimal exp is involved), against the published SciPy test
values for expit, and against each other through σ(x) + σ(−x) = 1 and
σ'(x) = σ(x)σ(−x).  ulp_error is checked on values whose errors are known
exactly by hand.
"""

from decimal import Decimal, localcontext

import numpy as np
import pytest

from reference import SCIPY_EXPIT
from sigmoid_course import (
    sigmoid,
    sigmoid_prime_reference,
    sigmoid_reference,
    ulp_error,
)
from sigmoid_course.precision import (
    sigmoid_prime_reference_fast,
    sigmoid_reference_fast,
    ulp_error_fast,
)

# e to 60 significant digits, typed in rather than computed with Decimal.exp.
E = Decimal("2.71828182845904523536028747135266249775724709369995957496696762772")


def close(a: Decimal, b: Decimal, rel: str = "1e-45") -> bool:
    with localcontext() as ctx:
        ctx.prec = 60
        return abs(a - b) <= Decimal(rel) * abs(b)


def test_sigmoid_reference_is_exactly_one_half_at_zero():
    assert sigmoid_reference(0.0)[()] == Decimal("0.5")
    assert sigmoid_prime_reference(0.0)[()] == Decimal("0.25")


@pytest.mark.parametrize("n", [1, 2, 5, -1, -3, -1000])
def test_references_match_closed_forms_in_powers_of_e(n):
    with localcontext() as ctx:
        ctx.prec = 60
        en = E**n  # e^n from the literal digits: no exp involved
        sigma = en / (1 + en)
        sigma_prime = en / ((1 + en) * (1 + en))
    assert close(sigmoid_reference(float(n))[()], sigma)
    assert close(sigmoid_prime_reference(float(n))[()], sigma_prime)


def test_sigmoid_reference_matches_published_scipy_values():
    values = [float(v) for v in sigmoid_reference(np.linspace(-4, 4, 10))]
    np.testing.assert_allclose(values, SCIPY_EXPIT, atol=5e-9)


def test_references_satisfy_the_symmetry_and_product_identities():
    x = np.concatenate([np.linspace(-50, 50, 201), [-745.0, -700.0, 700.0, 745.0]])
    s, s_minus, d = (
        sigmoid_reference(x),
        sigmoid_reference(-x),
        sigmoid_prime_reference(x),
    )
    with localcontext() as ctx:
        ctx.prec = 60  # the default 28 digits would hide a difference
        for a, b, p in zip(s, s_minus, d):
            assert abs(a + b - 1) < Decimal("1e-49")
            assert abs(p - a * b) <= Decimal("1e-48") * p


def test_references_are_fifty_digits_long():
    digits = sigmoid_reference(1.0)[()].as_tuple().digits
    assert len(digits) == 50


def test_references_keep_the_shape_and_accept_integers_and_float32():
    x = np.array([[0, 1], [2, 3]])
    assert sigmoid_reference(x).shape == (2, 2)
    assert sigmoid_prime_reference(x).dtype == object
    assert sigmoid_reference(np.float32(0.5))[()] == sigmoid_reference(0.5)[()]


def test_sigmoid_reference_handles_the_largest_negative_inputs():
    # e^(-x) would overflow the decimal exponent range; the result underflows to 0.
    for x in (-1e7, -1e308, -np.finfo(np.float64).max):
        value = sigmoid_reference(x)[()]
        assert value >= 0 and float(value) == 0.0
    assert float(sigmoid_reference(1e308)[()]) == 1.0
    assert float(sigmoid_prime_reference(-1e308)[()]) == 0.0


def test_sigmoid_reference_is_subnormal_where_the_float_answer_is():
    value = float(sigmoid_reference(-740.0)[()])
    assert 0 < value < np.finfo(np.float64).tiny


def ref(value) -> np.ndarray:
    return np.array(Decimal(value), dtype=object)


def test_ulp_error_is_zero_for_an_exact_value():
    assert ulp_error(np.float64(0.5), ref("0.5"))[()] == 0.0


def test_ulp_error_counts_one_unit_for_the_next_float_above():
    assert ulp_error(np.nextafter(1.0, 2.0), ref(1))[()] == 1.0


def test_ulp_error_uses_the_spacing_at_the_reference():
    # The float below 1 is 2**-53 away, half the spacing 2**-52 at 1.0.
    assert ulp_error(np.nextafter(1.0, 0.0), ref(1))[()] == 0.5


@pytest.mark.parametrize(
    "dtype, expected", [(np.float64, 0.4), (np.float32, 0.2), (np.float16, 0.4)]
)
def test_ulp_error_of_one_tenth_in_each_dtype(dtype, expected):
    # 0.1 rounds to 0.1 + 0.4 ulp (float64), 0.1 + 0.2 ulp (float32), 0.1 - 0.4 ulp
    # (float16).
    assert ulp_error(dtype(0.1), ref("0.1"))[()] == pytest.approx(expected, rel=1e-12)


def test_ulp_error_measures_subnormals_in_the_subnormal_spacing():
    smallest = Decimal(float(np.nextafter(0.0, 1.0)))
    assert ulp_error(np.float64(0.0), np.array(3 * smallest, dtype=object))[()] == 3.0


def test_ulp_error_beyond_the_dtype_range_uses_the_largest_spacing():
    # float16's largest value is 65504, where floats are 32 apart.
    assert ulp_error(np.float16(65504), ref(65536))[()] == 1.0


def test_ulp_error_keeps_the_shape_and_propagates_nan():
    computed = np.array([[0.5, np.nan]])
    reference = np.array([[Decimal("0.5"), Decimal("0.5")]], dtype=object)
    out = ulp_error(computed, reference)
    assert out.shape == (1, 2) and out.dtype == np.float64
    assert out[0, 0] == 0.0 and np.isnan(out[0, 1])


# ---- the fast longdouble references -------------------------------------------------

FAST_POINTS = np.concatenate([
    np.random.default_rng(11).uniform(-750.0, 750.0, 400),
    np.random.default_rng(12).uniform(-40.0, 40.0, 400),
    [0.0, 5e-324, -1e-300, 1e-8, 36.7368, 37.43, -745.0, 744.0, 1e300, -1e300],
])


@pytest.mark.parametrize("fast, slow", [
    (sigmoid_reference_fast, sigmoid_reference),
    (sigmoid_prime_reference_fast, sigmoid_prime_reference),
])
def test_fast_references_agree_with_the_decimal_ones_to_two_to_minus_61(fast, slow):
    values = fast(FAST_POINTS)
    exact = slow(FAST_POINTS)
    worst = Decimal(0)
    for value, reference in zip(values, exact):
        if reference == 0:
            assert value == 0
            continue
        as_decimal = Decimal(np.format_float_scientific(value, precision=24))
        worst = max(worst, abs(as_decimal - reference) / reference)
    assert worst < Decimal(2) ** -61
    assert worst > Decimal(2) ** -66  # a longdouble result, not a float64 one


def test_ulp_error_fast_matches_ulp_error():
    x = np.concatenate([FAST_POINTS, -np.abs(FAST_POINTS)])
    for dtype in (np.float64, np.float32, np.float16):
        x = x[np.abs(x) < np.finfo(dtype).max]
        computed = sigmoid(x.astype(dtype))
        fast = ulp_error_fast(computed, sigmoid_reference_fast(x.astype(dtype)))
        slow = ulp_error(computed, sigmoid_reference(x.astype(dtype)))
        np.testing.assert_allclose(fast, slow, rtol=1e-3, atol=1e-3)


def test_ulp_error_fast_counts_the_next_float_as_one_unit():
    one = np.float64(1.0)
    assert float(ulp_error_fast(np.nextafter(one, 2.0), np.longdouble(1))) == 1.0
    largest = np.finfo(np.float32).max
    assert np.isinf(ulp_error_fast(np.float32(np.inf), np.longdouble(largest)))


def test_fast_references_reject_what_they_cannot_judge():
    with pytest.raises(TypeError, match="x must be a NumPy array or scalar"):
        sigmoid_reference_fast([1.0])
    with pytest.raises(ValueError, match="x must hold finite numbers"):
        sigmoid_prime_reference_fast(np.array([np.inf]))
