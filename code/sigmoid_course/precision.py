"""High-precision reference values and errors measured in units in the last place.

Two references, both independent of the float code in
:mod:`sigmoid_course.activations`, so they can judge it:

- ``sigmoid_reference`` and ``sigmoid_prime_reference`` use Python's
  :mod:`decimal` with 50 significant digits.  They loop over elements in
  Python (about 10⁵ elements a second): use them to check, not to sweep.
- ``sigmoid_reference_fast`` and ``sigmoid_prime_reference_fast`` are
  vectorised in NumPy's ``longdouble``, the x87 extended format with 64
  significant bits on x86-64 Linux: relative error below 2⁻⁶¹ (checked
  against the decimal references in tests/test_precision.py), 2⁸ times
  finer than float64's unit roundoff 2⁻⁵³.  A float64 v is less than 2⁵³
  of its own ulps, so an error in float64 ulp is measured to within
  2⁵³·2⁻⁶¹ = 2⁻⁸ ≈ 0.004 ulp.  They judge sweeps of 10⁶ points in a
  fraction of a second, and refuse to run where ``longdouble`` is only
  float64 (Windows, macOS on ARM).
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import check_float_format, check_real_array, check_same_shape

__all__ = [
    "sigmoid_reference", "sigmoid_prime_reference", "ulp_error",
    "sigmoid_reference_fast", "sigmoid_prime_reference_fast", "ulp_error_fast",
]

_DIGITS = 50


def _reference(x: ArrayLike, formula) -> np.ndarray:
    # Finite inputs only: the references are for finite inputs.  Every float16/32/64
    # is exact in float64, so the conversion loses nothing.
    arr = check_real_array(x, "x")
    out = np.empty(arr.shape, dtype=object)
    with localcontext() as ctx:
        ctx.prec = _DIGITS
        for index, value in np.ndenumerate(arr):
            # Decimal(float) is exact, so the only rounding is at 50 digits.
            out[index] = +formula(Decimal(float(value)))
    return out


def sigmoid_reference(x: ArrayLike) -> np.ndarray:
    """Return σ(x) to 50 significant digits, as an object array of ``Decimal``.

    >>> str(sigmoid_reference(1.0)[()])[:12]
    '0.7310585786'

    Explained in: Chapter 6, "Floating-point numbers".
    """

    def formula(d):
        if d >= 0:
            return 1 / (1 + (-d).exp())
        # e^(−x) would overflow the decimal exponent range below x ≈ −2.3e6.
        e = d.exp()
        return e / (1 + e)

    return _reference(x, formula)


def sigmoid_prime_reference(x: ArrayLike) -> np.ndarray:
    """Return σ'(x) = e^(−|x|) / (1 + e^(−|x|))² to 50 significant digits (``Decimal``).

    >>> str(sigmoid_prime_reference(0.0)[()])
    '0.25'

    Explained in: Chapter 2, "Checking the formula numerically"; Chapter 6,
    "Floating-point numbers".
    """

    def formula(d):
        e = (-abs(d)).exp()
        return e / ((1 + e) * (1 + e))

    return _reference(x, formula)


def ulp_error(computed: ArrayLike, reference: np.ndarray) -> np.ndarray:
    """Return |computed − reference| in units in the last place of ``computed``'s dtype.

    The unit is the spacing of floats of that dtype at the reference value
    (rounded to the dtype), so an error of 0.5 is a correctly rounded result;
    subnormal results are measured in the (fixed) subnormal spacing.  The
    difference is formed in 50-digit decimal arithmetic.

    >>> from decimal import Decimal
    >>> float(ulp_error(np.float64(0.1), np.array(Decimal("0.1"), dtype=object)))
    0.4

    Explained in: Chapter 6, "Floating-point numbers".
    """
    if isinstance(computed, (str, bytes)) or np.asarray(computed).dtype.kind != "f":
        raise TypeError(
            f"computed must be a float array (its dtype sets the ulp), "
            f"got {type(computed).__name__} of dtype {np.asarray(computed).dtype}"
        )
    computed = np.asarray(computed)
    reference = np.asarray(reference, dtype=object)
    check_same_shape(computed, reference, "computed and reference")
    out = np.empty(computed.shape, dtype=np.float64)
    kind = computed.dtype.type
    largest = np.finfo(kind).max
    # Beyond the largest float the unit is the spacing just below it
    # (np.spacing(largest) would overflow).
    top_unit = largest - np.nextafter(largest, kind(0))
    with localcontext() as ctx:
        ctx.prec = _DIGITS
        for index, exact in np.ndenumerate(reference):
            if not isinstance(exact, Decimal):
                raise TypeError(
                    f"reference must hold Decimal values, got {type(exact).__name__}"
                )
            rounded = kind(min(abs(float(exact)), float(largest)))
            unit = top_unit if rounded == largest else np.spacing(rounded)
            diff = abs(Decimal(float(computed[index])) - exact)
            out[index] = float(diff / Decimal(float(unit)))
    return out


_LD = np.dtype(np.longdouble)


def _extended(x: ArrayLike, name: str = "x") -> np.ndarray:
    """Finite float16/bfloat16/float32/float64 input, exactly in ``longdouble``."""
    if np.finfo(_LD).nmant < 63:
        raise RuntimeError(
            "the fast references need an extended longdouble (64 significant bits, "
            f"as on x86-64 Linux); here it has {np.finfo(_LD).nmant + 1}: use "
            "sigmoid_reference and sigmoid_prime_reference instead"
        )
    arr = check_float_format(x, name)
    wide = arr.astype(np.float64).astype(_LD)  # both conversions are exact
    if not np.all(np.isfinite(wide)):
        raise ValueError(f"{name} must hold finite numbers")
    return wide


def sigmoid_reference_fast(x: ArrayLike) -> np.ndarray:
    """Return σ(x) in ``longdouble`` (64 significant bits), vectorised.

    e = e^(−|x|) never overflows; σ(−|x|) = e/(1 + e) and σ(|x|) = 1 − σ(−|x|),
    whose one rounding is half an ulp of ``longdouble`` below 1 (2⁻⁶⁵).
    Relative error below 2⁻⁶¹ for every finite float64 x (tested against the
    50-digit :func:`sigmoid_reference`), subnormal float64 results included:
    ``longdouble`` reaches far below them.

    >>> print(f"{float(sigmoid_reference_fast(np.float64(1.0))):.16f}")
    0.7310585786300049

    Explained in: Chapter 6, "Measured on a million inputs".
    """
    x = _extended(x)
    e = np.exp(-np.abs(x))
    left = e / (1 + e)
    return np.where(x < 0, left, 1 - left)


def sigmoid_prime_reference_fast(x: ArrayLike) -> np.ndarray:
    """Return σ'(x) = e^(−|x|)/(1 + e^(−|x|))² in ``longdouble``, vectorised.

    Relative error below 2⁻⁶¹ for every finite float64 x (tested against
    :func:`sigmoid_prime_reference`).

    >>> print(f"{float(sigmoid_prime_reference_fast(np.float64(0.0))):.2f}")
    0.25

    Explained in: Chapter 6, "Measured on a million inputs".
    """
    x = _extended(x)
    e = np.exp(-np.abs(x))
    return e / ((1 + e) * (1 + e))


def ulp_error_fast(computed: ArrayLike, reference: np.ndarray) -> np.ndarray:
    """Return |computed − reference| in ulp of ``computed``'s format, vectorised.

    As :func:`ulp_error`, for a ``longdouble`` reference: the unit is the
    spacing of the format at the reference rounded to the format (the
    subnormal spacing for subnormal results, the spacing below the largest
    float beyond it).  ``computed`` is float16, bfloat16, float32 or float64;
    NaN in either gives NaN, and an infinite ``computed`` gives inf.

    >>> ref = sigmoid_reference_fast(np.float64(1.0))
    >>> float(ulp_error_fast(np.nextafter(np.float64(ref), 1.0), ref)) > 0.5
    True

    Explained in: Chapter 6, "Measured on a million inputs".
    """
    computed = check_float_format(computed, "computed")
    reference = np.asarray(reference, dtype=_LD)
    check_same_shape(computed, reference, "computed and reference", scalars=True)
    dtype = computed.dtype
    bits = {2: np.uint16, 4: np.uint32, 8: np.uint64}[dtype.itemsize]
    largest = np.array(np.finfo(dtype).max, dtype=dtype)
    below_largest = (largest.view(bits) - bits(1)).view(dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = np.abs(reference).astype(np.float64).astype(dtype)
        rounded = np.where(np.isnan(rounded), rounded, np.minimum(rounded, largest))
        up = (rounded.view(bits) + bits(1)).view(dtype)
        unit = up.astype(np.float64) - rounded.astype(np.float64)
        top = float(largest) - float(below_largest)
        unit = np.where(rounded == largest, top, unit)
        diff = np.abs(computed.astype(np.float64).astype(_LD) - reference)
        out = (diff / unit.astype(_LD)).astype(np.float64)
    return out[()] if out.ndim == 0 else out

