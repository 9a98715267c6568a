"""Unit tests of sigmoid_course.softmax against independent references.

References: the softmax and its logarithm in 50-digit decimal arithmetic, the
closed forms for two classes (σ and σ'), central differences for the Jacobian,
and the limits that define the infinite cases.  Warnings are errors.
"""

from decimal import Decimal, localcontext

import numpy as np
import pytest

from sigmoid_course import log_softmax, softmax, softmax_jacobian
from sigmoid_course.precision import (
    sigmoid_prime_reference,
    sigmoid_reference,
    ulp_error,
)


def decimal_softmax(row):
    """Return (p, log p) of a 1-D float row as object arrays of 50-digit Decimals."""
    with localcontext() as ctx:
        ctx.prec = 50
        z = [Decimal(float(v)) for v in row]
        m = max(z)
        total = sum((v - m).exp() for v in z)
        p = np.array([+((v - m).exp() / total) for v in z], dtype=object)
        logp = np.array([+((v - m) - total.ln()) for v in z], dtype=object)
    return p, logp


ROWS = [
    [0.0, 0.0],
    [1.0, 2.0, 3.0],
    [1000.0, 0.0],
    [-1000.0, 0.0],
    [0.1, -700.3, -3.7, 12.5],
    [-745.0, -0.5, 0.25, 3.0, -30.0],
    [1e-9, -1e-9, 3e-10],
    [500.0, 499.9, -200.0, 0.0, 45.5],
]


@pytest.mark.parametrize("row", ROWS, ids=range(len(ROWS)))
def test_softmax_and_log_softmax_are_within_a_few_ulp_of_50_digit_values(row):
    p, logp = decimal_softmax(row)
    computed_p, computed_log = softmax(row), log_softmax(row)
    # Measured at most 1.41 and 0.49 ulp; the uncompensated shift reaches 7
    # and 1e5 ulp on row 4.
    assert ulp_error(computed_p, p).max() <= 2.0
    assert ulp_error(computed_log, logp).max() <= 2.0


def test_softmax_sums_to_one_along_the_chosen_axis():
    z = np.random.default_rng(0).normal(scale=30.0, size=(4, 5, 6))
    for axis in (0, 1, 2, -1):
        np.testing.assert_allclose(softmax(z, axis=axis).sum(axis=axis), 1.0,
                                   rtol=1e-15)


def test_two_classes_give_the_sigmoid():
    z = np.array([-800.0, -40.0, -3.0, 0.0, 2.5, 40.0, 800.0])
    p = softmax(np.column_stack([z, np.zeros_like(z)]))[:, 0]
    assert ulp_error(p, sigmoid_reference(z)).max() <= 4.0


def test_naive_overflow_cases_are_finite_and_exact():
    assert softmax([1000.0, 0.0]).tolist() == [1.0, 0.0]
    assert log_softmax([-1000.0, 0.0]).tolist() == [-1000.0, 0.0]
    assert log_softmax([1e308, -1e308]).tolist() == [0.0, -np.inf]


def test_infinite_rows_follow_their_limits_without_warnings():
    assert softmax([np.inf, 0.0]).tolist() == [1.0, 0.0]
    assert softmax([np.inf, -np.inf, np.inf]).tolist() == [0.5, 0.0, 0.5]
    assert softmax([-np.inf, -np.inf]).tolist() == [0.5, 0.5]
    assert softmax([-np.inf, 0.0]).tolist() == [0.0, 1.0]
    log = log_softmax([np.inf, 3.0, np.inf])
    assert log[1] == -np.inf and log[0] == log[2] == pytest.approx(-np.log(2.0))
    assert log_softmax([-np.inf, -np.inf, -np.inf])[0] == pytest.approx(-np.log(3.0))


def test_nan_in_a_row_makes_that_row_nan_and_leaves_the_others():
    z = np.array([[np.nan, 1000.0], [0.0, 0.0]])
    for f in (softmax, log_softmax):
        out = f(z)
        assert np.all(np.isnan(out[0]))
        assert not np.any(np.isnan(out[1]))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    z = np.array([1.0, -2.0, 3.0], dtype=dtype)
    assert softmax(z).dtype == dtype
    assert log_softmax(z).dtype == dtype
    assert softmax_jacobian(z).dtype == dtype


def test_integer_and_list_input_give_float64():
    assert softmax([1, 2]).dtype == np.float64


def test_jacobian_matches_central_differences():
    z = np.array([0.3, -1.2, 2.0, 0.0])
    h = 1e-6
    numeric = np.empty((4, 4))
    for j in range(4):
        step = np.zeros(4)
        step[j] = h
        numeric[:, j] = (softmax(z + step) - softmax(z - step)) / (2 * h)
    np.testing.assert_allclose(softmax_jacobian(z), numeric, atol=1e-9)


def test_jacobian_of_two_classes_has_an_accurate_sigma_prime_in_both_tails():
    z1 = np.array([-700.0, -40.0, -5.0, 0.0, 5.0, 40.0, 700.0])
    diag = np.array([softmax_jacobian([v, 0.0])[0, 0] for v in z1])
    assert ulp_error(diag, sigmoid_prime_reference(z1)).max() <= 4.0


def test_jacobian_rows_sum_to_zero_and_it_is_symmetric():
    J = softmax_jacobian([0.5, 1.5, -2.0])
    np.testing.assert_allclose(J.sum(axis=1), 0.0, atol=1e-16)
    np.testing.assert_array_equal(J, J.T)


@pytest.mark.parametrize("bad, exc, words", [
    ("abc", TypeError, "z must be a number"),
    ([1 + 2j, 0], TypeError, "z must be real"),
    (3.0, ValueError, "at least one dimension"),
    (np.zeros((2, 0)), ValueError, "at least one entry"),
])
def test_bad_z_is_refused(bad, exc, words):
    with pytest.raises(exc, match=words):
        softmax(bad)
    with pytest.raises(exc, match=words):
        log_softmax(bad)


def test_bad_axis_is_refused():
    with pytest.raises(TypeError, match="axis must be an integer"):
        softmax([1.0, 2.0], axis=0.5)
    with pytest.raises(ValueError, match="axis must be in"):
        log_softmax([[1.0, 2.0]], axis=2)


def test_jacobian_needs_a_vector():
    with pytest.raises(ValueError, match="one-dimensional"):
        softmax_jacobian([[1.0, 2.0]])
    with pytest.raises(ValueError, match="at least one entry"):
        softmax_jacobian([])


def test_float16_log_probabilities_below_its_range_round_to_minus_inf():
    # log p = −131 008 for the entry −65 504 is below float16's range; the
    # 50-digit reference rounds there to −inf too, and no warning is raised.
    z = np.array([65504.0, -65504.0, 0.0], dtype=np.float16)
    _, logp = decimal_softmax(z.astype(np.float64))
    expected = np.array([float(v) for v in logp]).astype(np.float64)
    with np.errstate(over="ignore"):
        expected16 = expected.astype(np.float16)
    out = log_softmax(z)
    assert out.dtype == np.float16
    np.testing.assert_array_equal(out, expected16)
    assert out[1] == -np.inf
