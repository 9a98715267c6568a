"""Unit tests of sigmoid_course.derivatives: numerical derivatives and relative_error.

References: derivatives known in closed form (sin, exp, polynomials), the
50-digit σ' of sigmoid_course.precision, and the error laws of each method
(central difference: h²·f'''/6 truncation plus rounding of order ε/h).
"""

import numpy as np
import pytest

from reference import decimal_reference, sigmoid_second_exact
from sigmoid_course import (
    central_difference,
    complex_step_derivative,
    numerical_gradient,
    relative_error,
    sigmoid,
    sigmoid_prime,
)
from sigmoid_course.precision import sigmoid_prime_reference, ulp_error

EPS = np.finfo(np.float64).eps


def exact_sigmoid_prime(x) -> np.ndarray:
    return np.array([float(v) for v in np.atleast_1d(sigmoid_prime_reference(x))])


# ---- central_difference ---------------------------------------------------


@pytest.mark.parametrize("h", [1e-1, 1e-2, 1e-3])
def test_central_difference_truncation_error_is_h_squared_f_triple_prime_over_6(h):
    # (sin(1+h) - sin(1-h)) / 2h = cos(1)·sin(h)/h = cos(1)(1 - h²/6 + ...)
    error = float(central_difference(np.sin, 1.0, h=h)) - np.cos(1.0)
    assert error == pytest.approx(-np.cos(1.0) * h**2 / 6, rel=1e-2)


def test_central_difference_error_grows_again_for_tiny_steps():
    # Rounding error of order eps/h dominates below h ≈ eps^(1/3): the V shape.
    x = np.linspace(-4, 4, 81)
    exact = exact_sigmoid_prime(x)
    best = np.abs(central_difference(sigmoid, x, h=6e-6) - exact).max()
    tiny = np.abs(central_difference(sigmoid, x, h=1e-13) - exact).max()
    large = np.abs(central_difference(sigmoid, x, h=1e-1) - exact).max()
    assert best < 1e-10
    assert tiny > 100 * best and large > 100 * best


def test_central_difference_default_step_is_accurate_for_sigmoid():
    x = np.linspace(-20, 20, 401)
    exact = exact_sigmoid_prime(x)
    assert np.abs(central_difference(sigmoid, x) - exact).max() < 2e-11


def test_central_difference_default_step_scales_with_x():
    # At x = 1e5 a fixed h = 6e-6 loses ~1e-5 relative accuracy to rounding; the scaled
    # step does not.
    x = 1e5
    scaled = float(central_difference(np.log, x))
    fixed = float(central_difference(np.log, x, h=float(np.cbrt(EPS))))
    assert scaled == pytest.approx(1 / x, rel=1e-8)
    assert abs(fixed - 1 / x) > 100 * abs(scaled - 1 / x)


def test_central_difference_is_exact_for_a_quadratic_up_to_rounding():
    x = np.array([-3.0, 0.5, 2.0])
    np.testing.assert_allclose(
        central_difference(lambda t: t**2 + 3 * t, x, h=0.5), 2 * x + 3, rtol=1e-15
    )


def test_central_difference_keeps_shape_and_dtype():
    x = np.zeros((2, 3), dtype=np.float32)
    out = central_difference(sigmoid, x)
    assert out.shape == (2, 3) and out.dtype == np.float32
    assert isinstance(central_difference(np.sin, 0.0), np.floating)


# ---- complex_step_derivative -----------------------------------------------


def test_complex_step_equals_sigmoid_prime_within_1e_15():
    x = np.concatenate([np.linspace(-745, 745, 2981), np.linspace(-10, 10, 2001)])
    np.testing.assert_allclose(
        complex_step_derivative(sigmoid, x), sigmoid_prime(x), rtol=0, atol=1e-15
    )


def test_complex_step_is_accurate_to_full_relative_precision_for_sigmoid():
    x = np.linspace(-600, 600, 1201)
    np.testing.assert_allclose(
        complex_step_derivative(sigmoid, x), exact_sigmoid_prime(x), rtol=1e-15
    )


def test_complex_step_of_sigmoid_prime_is_accurate_near_zero():
    # sigmoid_prime's complex path used to form 1 - e^(-z) in its imaginary
    # part: at x = -9.875e-20 it returned 0 instead of 1.234375e-20.
    x = np.array([-9.875e-20, 1e-10, 1e-5, -3.0, 30.0])
    exact = decimal_reference(sigmoid_second_exact, x)
    assert ulp_error(complex_step_derivative(sigmoid_prime, x), exact).max() <= 8


@pytest.mark.parametrize(
    "f, fprime",
    [(np.exp, np.exp), (np.sin, np.cos), (lambda z: z**3, lambda t: 3 * t**2)],
)
def test_complex_step_matches_known_derivatives(f, fprime):
    x = np.linspace(-3, 3, 61)
    # atol covers the O(h²) term: Im (ih)³ / h = -h² = -1e-40 for z³ at 0.
    np.testing.assert_allclose(
        complex_step_derivative(f, x), fprime(x), rtol=4e-16, atol=1e-39
    )


def test_complex_step_has_no_cancellation_even_for_a_tiny_step():
    # h = 1e-200 would destroy a central difference; the complex step is unaffected.
    assert float(complex_step_derivative(np.sin, 1.0, h=1e-200)) == pytest.approx(
        np.cos(1.0), rel=1e-16
    )


def test_complex_step_keeps_shape_and_dtype():
    out = complex_step_derivative(sigmoid, np.zeros((3, 1), dtype=np.float32))
    assert out.shape == (3, 1) and out.dtype == np.float32


def test_complex_step_rejects_functions_that_drop_the_imaginary_part():
    with pytest.raises(TypeError, match="must accept complex arguments"):
        complex_step_derivative(lambda z: np.abs(z), 1.0)


# ---- numerical_gradient ----------------------------------------------------


def test_numerical_gradient_matches_the_analytic_gradient_of_a_known_loss():
    w = np.array([[0.5, -1.0], [2.0, 0.25]])
    b = np.array([0.3, -0.7])
    loss = lambda: float(np.sum(np.sin(w)) + np.sum(b**4) + w[0, 0] * b[1])  # noqa: E731
    grad_w, grad_b = numerical_gradient(loss, [w, b])
    expected_w = np.cos(w)
    expected_w[0, 0] += b[1]
    expected_b = 4 * b**3
    expected_b[1] += w[0, 0]
    np.testing.assert_allclose(grad_w, expected_w, rtol=0, atol=1e-11)
    np.testing.assert_allclose(grad_b, expected_b, rtol=0, atol=1e-11)


def test_numerical_gradient_is_fourth_order():
    w = np.array([1.0])
    loss = lambda: float(np.sin(w[0]))  # noqa: E731
    errors = [
        abs(numerical_gradient(loss, [w], h=h)[0][0] - np.cos(1.0)) for h in (0.1, 0.05)
    ]
    # Truncation error h^4·f^(5)/30 shrinks 16-fold when h halves.
    assert errors[0] / errors[1] == pytest.approx(16, rel=0.02)


def test_numerical_gradient_of_order_two_is_second_order():
    w = np.array([1.0])
    loss = lambda: float(np.sin(w[0]))  # noqa: E731
    errors = [
        abs(numerical_gradient(loss, [w], h=h, order=2)[0][0] - np.cos(1.0))
        for h in (0.1, 0.05)
    ]
    # Halving h divides an O(h^2) error by about 4 (an O(h^4) one would drop 16-fold).
    assert 3.5 < errors[0] / errors[1] < 4.5


def test_numerical_gradient_restores_the_arrays():
    w = np.array([0.1, 0.2, 0.3])
    before = w.copy()
    numerical_gradient(lambda: float(np.sum(w**2)), [w])
    np.testing.assert_array_equal(w, before)


def test_numerical_gradient_restores_the_arrays_when_the_loss_raises():
    w = np.array([0.1, 0.2])

    def failing_loss():
        if w[1] != 0.2:
            raise RuntimeError("loss failed")
        return float(np.sum(w))

    with pytest.raises(RuntimeError, match="loss failed"):
        numerical_gradient(failing_loss, [w])
    np.testing.assert_array_equal(w, [0.1, 0.2])


# ---- shared argument checks ------------------------------------------------

# ---- relative_error --------------------------------------------------------


def test_relative_error_is_the_cs231n_measure():
    # |a - n| / max(|a|, |n|), maximised over components.
    assert relative_error([2.0, -1.0], [2.0, -1.1]) == pytest.approx(
        0.1 / 1.1, rel=1e-15
    )
    assert relative_error(3.0, 4.0) == pytest.approx(0.25, rel=1e-15)


def test_relative_error_is_symmetric_and_zero_for_equal_inputs():
    a, n = np.array([1.0, 5.0, -2.0]), np.array([1.5, 4.0, -2.0])
    assert relative_error(a, n) == relative_error(n, a)
    assert relative_error(a, a) == 0.0


def test_relative_error_of_two_zeros_is_zero():
    assert relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert relative_error([], []) == 0.0


def test_relative_error_floor_compares_tiny_components_in_absolute_terms():
    analytic, numeric = [1.0, 1e-20], [1.0, 3e-20]
    assert relative_error(analytic, numeric) == pytest.approx(2 / 3)
    assert relative_error(analytic, numeric, floor=1e-8) == pytest.approx(2e-20 / 1e-8)


@pytest.mark.parametrize("order", [2, 4])
def test_numerical_gradient_is_exactly_zero_where_the_loss_does_not_change(order):
    # A parameter the loss never reads (a dead ReLU unit, say) must get exactly 0:
    # summed as -L + 8L - 8L + L the stencil would leave a rounding residue.
    w = np.array([0.7, 123.456])
    loss = lambda: float(np.log(2.0) + 0.1 * w[0] ** 2)  # noqa: E731
    grad = numerical_gradient(loss, [w], order=order)[0]
    assert grad[1] == 0.0
    assert grad[0] == pytest.approx(0.14, rel=1e-8)


@pytest.mark.parametrize("order", [2, 4])
def test_stacked_numerical_gradient_equals_each_problem_alone(order):
    rng = np.random.default_rng(3)
    stack = rng.normal(size=(5, 3))
    stacked = numerical_gradient(
        lambda: np.sum(np.sin(stack) * stack**2, axis=1), [stack], order=order,
        stacked=True,
    )[0]
    for s in range(5):
        row = stack[s].copy()
        alone = numerical_gradient(
            lambda row=row: float(np.sum(np.sin(row) * row**2)), [row], order=order
        )[0]
        np.testing.assert_array_equal(stacked[s], alone)


def test_stacked_numerical_gradient_checks_the_loss_shape_and_the_stack():
    stack = np.zeros((3, 2))
    with pytest.raises(ValueError, match="one value per problem"):
        numerical_gradient(lambda: 0.0, [stack], stacked=True)
    with pytest.raises(ValueError, match="first axis"):
        numerical_gradient(lambda: np.zeros(3), [stack, np.zeros((2, 2))],
                           stacked=True)
    with pytest.raises(TypeError, match="stacked"):
        numerical_gradient(lambda: 0.0, [stack], stacked=1)
