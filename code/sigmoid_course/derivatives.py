"""Numerical derivatives: the independent checks for every analytic gradient.

Two estimates of f'(x) for scalar functions (central difference and complex
step), and a central-difference gradient of a scalar loss with respect to a
list of parameter arrays, for gradient checks of a network.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import (
    as_numeric_array,
    as_result,
    check_callable,
    check_real_array,
    check_same_shape,
    check_scalar,
)

__all__ = [
    "central_difference",
    "complex_step_derivative",
    "numerical_gradient",
    "relative_error",
]

_EPS = np.finfo(np.float64).eps


def _check_step(h: float) -> float:
    return check_scalar(h, "h", "positive")


def central_difference(f: Callable, x: ArrayLike, h: float | None = None) -> np.ndarray:
    """Return the central-difference estimate (f(x + h) − f(x − h)) / (2h), elementwise.

    The error is O(h²) from truncation plus O(ε/h) from rounding, smallest
    near h ≈ ε^(1/3) ≈ 6e−6 for |x| ≈ 1.  The default step is
    ε^(1/3)·max(1, |x|), which scales that optimum with x.

    >>> from sigmoid_course import sigmoid
    >>> print(f"{float(central_difference(sigmoid, 0.0)):.10f}")
    0.2500000000

    Explained in: Chapter 2, "Checking the formula numerically".
    """
    check_callable(f)
    x, dtype = as_numeric_array(x, allow_complex=False)
    if h is None:
        step = np.cbrt(_EPS) * np.maximum(1.0, np.abs(x))
    else:
        step = _check_step(h)
    estimate = (
        np.asarray(f(x + step), dtype=np.float64)
        - np.asarray(f(x - step), dtype=np.float64)
    ) / (2 * step)
    return as_result(estimate, dtype)


def complex_step_derivative(f: Callable, x: ArrayLike, h: float = 1e-20) -> np.ndarray:
    """Return the complex-step estimate Im f(x + ih) / h of f'(x), elementwise.

    For f analytic and real on the real line, f(x + ih) = f(x) + ih f'(x) +
    O(h²), so the imaginary part gives f'(x) with no subtraction at all: no
    cancellation, and h = 1e−20 gives full precision (Squire & Trapp, 1998).
    ``f`` must accept complex arrays (the package's ``sigmoid`` does).  The
    one limit is range: h·f'(x) must stay a normal float, so with h = 1e−20
    derivatives below about 1e−288 lose digits to underflow (σ' at |x| > 662).

    >>> from sigmoid_course import sigmoid
    >>> float(complex_step_derivative(sigmoid, 0.0))
    0.25

    Explained in: Chapter 6, "The complex step".
    """
    check_callable(f)
    x, dtype = as_numeric_array(x, allow_complex=False)
    step = _check_step(h)
    value = np.asarray(f(x + 1j * step))
    if value.dtype.kind != "c":
        raise TypeError(
            "f returned real values for complex input; it must accept complex arguments"
        )
    return as_result(value.imag / step, dtype)


# Central-difference stencils: (offsets in units of h, weights, divisor of h).
_STENCILS = {
    2: ((1.0, -1.0), (1.0, -1.0), 2.0),
    4: ((2.0, 1.0, -1.0, -2.0), (-1.0, 8.0, -8.0, 1.0), 12.0),
}
_DEFAULT_STEP = {2: 1e-5, 4: 1e-3}


def numerical_gradient(
    loss: Callable[[], float],
    arrays: Sequence[np.ndarray],
    h: float | None = None,
    order: int = 4,
) -> list[np.ndarray]:
    """Return finite-difference gradients of ``loss()`` with respect to each array.

    ``order=4`` (the default) uses the fourth-order central difference
    (−L(p + 2h) + 8L(p + h) − 8L(p − h) + L(p − 2h)) / (12h), with h = 1e−3 by
    default.  Its truncation error is O(h⁴) and its rounding error about
    ε·|L|/h, which leaves an absolute error near 1e−13: roughly a hundred times
    smaller than ``order=2``, the two-point (L(p + h) − L(p − h)) / (2h) with
    its usual step h = 1e−5.  ``loss`` takes no arguments and reads the arrays
    (float64), which are perturbed in place one element at a time and
    restored afterwards, even if ``loss`` raises.  Two or four loss
    evaluations per parameter: use it to check, not to train.

    >>> w = np.array([1.0, 2.0])
    >>> cube = lambda: float(np.sum(w ** 3))
    >>> [g.round(9).tolist() for g in numerical_gradient(cube, [w])]
    [[3.0, 12.0]]
    >>> [g.round(6).tolist() for g in numerical_gradient(cube, [w], order=2)]
    [[3.0, 12.0]]

    Explained in: Chapter 3, "Gradient checking".
    """
    check_callable(loss, "loss")
    if isinstance(order, bool) or order not in _STENCILS:
        raise ValueError(f"order must be 2 or 4, got {order!r}")
    step = _check_step(_DEFAULT_STEP[order] if h is None else h)
    offsets, weights, divisor = _STENCILS[order]
    if isinstance(arrays, np.ndarray) or not isinstance(arrays, Sequence):
        raise TypeError(
            f"arrays must be a list of the numpy arrays that loss() reads, "
            f"got {type(arrays).__name__}"
        )
    for k, array in enumerate(arrays):
        if not isinstance(array, np.ndarray) or array.dtype != np.float64:
            # float32 would round p ± h to 24 bits: an error of 6e-5 relative to h =
            # 1e-3.
            raise TypeError(
                f"arrays[{k}] must be a numpy array of dtype float64 that loss() "
                f"reads, got {getattr(array, 'dtype', type(array).__name__)}"
            )
        if not array.flags.writeable:
            raise ValueError(
                f"arrays[{k}] must be writeable (it is perturbed in place), got a "
                "read-only array"
            )
    grads = []
    for k, array in enumerate(arrays):
        grad = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            original = array[index]
            values = []
            try:
                for offset in offsets:
                    array[index] = original + offset * step
                    values.append(float(loss()))
            finally:  # a loss that raises must not leave the parameter perturbed
                array[index] = original
            if not all(np.isfinite(values)):
                raise ValueError(
                    f"loss() must return finite values, got {values} around "
                    f"arrays[{k}][{index}]"
                )
            grad[index] = sum(w * v for w, v in zip(weights, values)) / (divisor * step)
        grads.append(grad)
    return grads


def relative_error(
    analytic: ArrayLike, numeric: ArrayLike, floor: float = 0.0
) -> float:
    """Return max |a − n| / max(|a|, |n|, floor) over all elements (0 where all are 0).

    The measure used by gradient checks: below about 1e−7 the analytic
    gradient is right; above 1e−2 it is almost certainly wrong (CS231n).
    A component far smaller than the rounding noise of the numerical estimate
    has a meaningless relative error; ``floor`` compares such components in
    absolute terms instead (|a − n| ≤ floor × the reported error).  NaN or
    inf in either input raises ``ValueError`` rather than returning a number
    that could pass a check.

    >>> print(f"{relative_error([1.0, 0.0], [1.0 + 1e-9, 0.0]):.1e}")
    1.0e-09

    Explained in: Chapter 3, "Gradient checking".
    """
    # A NaN would compare as "no error" below (NaN > 0 is False), so a broken gradient
    # would pass:
    # NaN and inf are rejected.
    a = check_real_array(analytic, "analytic")
    n = check_real_array(numeric, "numeric")
    check_same_shape(a, n, "analytic and numeric")
    floor = check_scalar(floor, "floor", "non-negative")
    scale = np.maximum(np.maximum(np.abs(a), np.abs(n)), floor)
    diff = np.abs(a - n)
    ratio = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
    return float(ratio.max()) if ratio.size else 0.0
