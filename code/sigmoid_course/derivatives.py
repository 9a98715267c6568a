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
    near h ≈ ε^(1/3) ≈ 6e−6 when |f| and |f‴| are of order 1.  The default
    step is ε^(1/3)·max(1, |x|), which scales that optimum with x (x ± h is
    rounded to floats about ε|x| apart).

    >>> from sigmoid_course import sigmoid
    >>> print(f"{float(central_difference(sigmoid, 0.0)):.10f}")
    0.2500000000

    Explained in: Chapter 2, "Checking the formula numerically"; the step in
    Chapter 7, "The step h: a U-shaped error".
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


# Central-difference stencils: the offsets k (in units of h) of the symmetric
# pairs L(p + kh), L(p − kh), the weight of each pair's difference, and the
# divisor of h.  Differencing each pair first makes a loss that does not
# change give exactly 0 (−L + 8L − 8L + L, summed left to right, does not).
_STENCILS = {
    2: ((1.0,), (1.0,), 2.0),
    4: ((1.0, 2.0), (8.0, -1.0), 12.0),
}
_DEFAULT_STEP = {2: 1e-5, 4: 1e-3}


def numerical_gradient(
    loss: Callable[[], float],
    arrays: Sequence[np.ndarray],
    h: float | None = None,
    order: int = 4,
    *,
    stacked: bool = False,
) -> list[np.ndarray]:
    """Return finite-difference gradients of ``loss()`` with respect to each array.

    ``order=4`` (the default) uses the fourth-order central difference
    (8[L(p + h) − L(p − h)] − [L(p + 2h) − L(p − 2h)]) / (12h), with h = 1e−3
    by default; ``order=2`` the two-point (L(p + h) − L(p − h)) / (2h), with
    CS231n's customary h = 1e−5 by default.  Each symmetric pair is
    differenced first, so a parameter the loss does not depend on gets a
    gradient of exactly 0.  The truncation errors are O(h⁴)
    and O(h²), the rounding error of both about ε·|L|/h.  ``loss`` takes no
    arguments and reads the arrays (float64), which are perturbed in place one
    element at a time and restored afterwards, even if ``loss`` raises.  Two
    or four loss evaluations per parameter: use it to check, not to train.

    With ``stacked=True`` the first axis of every array indexes independent
    problems (a stack of networks, one per seed) and ``loss()`` returns one
    value per problem, shape ``(S,)``: element ``[s, ...]`` of each array is
    perturbed for all s at once, so S gradients cost the loss evaluations of
    one, and slice s of the result equals, bit for bit, the gradient of
    problem s computed alone.

    >>> w = np.array([1.0, 2.0])
    >>> cube = lambda: float(np.sum(w ** 3))
    >>> [g.round(9).tolist() for g in numerical_gradient(cube, [w])]
    [[3.0, 12.0]]
    >>> [g.round(6).tolist() for g in numerical_gradient(cube, [w], order=2)]
    [[3.0, 12.0]]
    >>> stack = np.array([[1.0, 2.0], [3.0, 4.0]])  # two problems, one per row
    >>> numerical_gradient(lambda: np.sum(stack ** 2, axis=1), [stack],
    ...                    stacked=True)[0].round(9).tolist()
    [[2.0, 4.0], [6.0, 8.0]]

    Explained in: Chapter 3, "Checking the gradient"; Chapter 7, "Stencils:
    two-point and four-point".
    """
    check_callable(loss, "loss")
    if isinstance(order, bool) or order not in _STENCILS:
        raise ValueError(f"order must be 2 or 4, got {order!r}")
    step = _check_step(_DEFAULT_STEP[order] if h is None else h)
    offsets, weights, divisor = _STENCILS[order]
    if not isinstance(stacked, bool):
        raise TypeError(f"stacked must be True or False, got {type(stacked).__name__}")
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
    problems = _stack_size(arrays) if stacked else None
    grads = []
    for k, array in enumerate(arrays):
        grad = np.zeros_like(array)
        for index in np.ndindex(array.shape[1:] if stacked else array.shape):
            where = (slice(None), *index) if stacked else index
            original = array[where].copy() if stacked else array[where]
            values = []
            try:
                for offset in offsets:
                    for sign in (1.0, -1.0):
                        array[where] = original + sign * offset * step
                        values.append(_loss_value(loss, problems))
            finally:  # a loss that raises must not leave the parameter perturbed
                array[where] = original
            if not all(np.all(np.isfinite(v)) for v in values):
                raise ValueError(
                    f"loss() must return finite values, got {values} around "
                    f"arrays[{k}][{index}]"
                )
            # values holds L(p + kh), L(p − kh) for each offset k in turn.
            total = 0.0
            for j, weight in enumerate(weights):
                total = total + weight * (values[2 * j] - values[2 * j + 1])
            grad[where] = total / (divisor * step)
        grads.append(grad)
    return grads


def _stack_size(arrays: Sequence[np.ndarray]) -> int:
    """The common length S of the arrays' first axis (a stack of S problems)."""
    sizes = {array.shape[0] if array.ndim else 0 for array in arrays}
    if not arrays or len(sizes) != 1 or 0 in sizes:
        shapes = [array.shape for array in arrays]
        raise ValueError(
            "arrays must share a first axis of at least one problem when stacked=True, "
            f"got shapes {shapes}"
        )
    return sizes.pop()


def _loss_value(loss: Callable, problems: int | None):
    """One evaluation of ``loss()``: a float, or S floats for a stack of S problems."""
    if problems is None:
        return float(loss())
    value = np.asarray(loss(), dtype=np.float64)
    if value.shape != (problems,):
        raise ValueError(
            f"loss() must return one value per problem, shape ({problems},), when "
            f"stacked=True, got shape {value.shape}"
        )
    return value


def relative_error(
    analytic: ArrayLike, numeric: ArrayLike, floor: float = 0.0
) -> float:
    """Return max |a − n| / max(|a|, |n|, floor) over all elements (0 where all are 0).

    CS231n's measure for gradient checks, which reads 1e−7 or less as
    "you should be happy" and above 1e−2 as "probably wrong".
    A component far smaller than the rounding noise of the numerical estimate
    has a meaningless relative error; ``floor`` compares such components in
    absolute terms instead (|a − n| ≤ floor × the reported error).  NaN or
    inf in either input raises ``ValueError`` rather than returning a number
    that could pass a check.

    >>> print(f"{relative_error([1.0, 0.0], [1.0 + 1e-9, 0.0]):.1e}")
    1.0e-09

    Explained in: Chapter 3, "Checking the gradient"; Chapter 7, "Reading the
    relative error".
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
