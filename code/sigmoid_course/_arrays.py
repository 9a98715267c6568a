"""Input checking shared by every numerical helper in the package.

The helpers accept what a reader naturally types (a float, a list, an array)
and promise numpy results in a predictable dtype.  Doing the conversion in one
place keeps the error messages and dtype rules identical everywhere.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

# Low-precision inputs are computed in a wider type and rounded once at the
# end: that is both simpler and more accurate than working in float16/32.
_WORKING_DTYPE = {
    np.dtype(np.float16): np.dtype(np.float64),
    np.dtype(np.float32): np.dtype(np.float64),
    np.dtype(np.complex64): np.dtype(np.complex128),
}


def as_numeric_array(x: ArrayLike, name: str = "x", *, allow_complex: bool = True):
    """Return ``(array, result_dtype)`` for a numeric input, or raise ``TypeError``.

    Integers and booleans become float64; float16/32/64 (and complex, when
    allowed) keep their dtype as ``result_dtype`` but the returned array is in
    the wider working dtype.

    >>> a, dt = as_numeric_array([1, 2])
    >>> a.dtype, dt
    (dtype('float64'), dtype('float64'))
    """
    if x is None or isinstance(x, (str, bytes)):
        raise TypeError(
            f"{name} must be a number, a list of numbers or a numeric numpy array, "
            f"got {type(x).__name__}"
        )
    try:
        arr = np.asarray(x)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {exc}") from None
    kind = arr.dtype.kind
    if kind in "biu":
        arr = arr.astype(np.float64)
    elif kind == "c" and not allow_complex:
        raise TypeError(f"{name} must be real, got complex dtype {arr.dtype}")
    elif kind not in "fc":
        raise TypeError(
            f"{name} must be a number, a list of numbers or a numeric numpy array, "
            f"got values of dtype {arr.dtype} ({type(x).__name__})"
        )
    result_dtype = arr.dtype
    arr = arr.astype(_WORKING_DTYPE.get(result_dtype, result_dtype), copy=False)
    return arr, result_dtype


def as_result(values: np.ndarray, result_dtype: np.dtype):
    """Round ``values`` to ``result_dtype``; a 0-d result becomes a numpy scalar."""
    out = np.asarray(values).astype(result_dtype, copy=False)
    return out[()] if out.ndim == 0 else out


def is_integer(n) -> bool:
    """Return True for a Python or numpy integer that is not a bool (True is no count or width)."""
    return isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_))


def check_count(value, name: str, minimum: int) -> int:
    """Return ``value`` as an int: ``TypeError`` unless it is an integer, ``ValueError`` below ``minimum``."""
    if not is_integer(value):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def check_real(name: str, value, what: str = "a real number") -> float:
    """Return ``value`` as a float, or raise ``TypeError`` if it is not a real scalar (bools excluded)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")
    return float(value)


def check_rng(rng) -> None:
    """Raise ``TypeError`` unless ``rng`` is a ``numpy.random.Generator``, so that runs repeat by seed."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
                        f"got {type(rng).__name__}")


def check_labels(y: np.ndarray) -> None:
    """Raise ``ValueError`` naming the first entry of ``y`` that is neither 0 nor 1 (NaN included)."""
    bad = (y != 0) & (y != 1)
    if np.any(bad):
        raise ValueError(f"y must contain only 0 and 1, got {y[bad].flat[0]}")
