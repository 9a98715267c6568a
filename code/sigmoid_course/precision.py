"""High-precision reference values and errors measured in units in the last place.

The references use Python's :mod:`decimal` with 50 significant digits, an
algorithm independent of the float code in :mod:`sigmoid_course.activations`,
so they can judge it.  They loop over elements in Python: use them to check,
not to compute.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import check_real_array, check_same_shape

__all__ = ["sigmoid_reference", "sigmoid_prime_reference", "ulp_error"]

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

    Explained in: Chapter 6, "σ and σ′ in floating point".
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

    Explained in: Chapter 2, "Checking the formula numerically".
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

    Explained in: Chapter 6, "σ and σ′ in floating point".
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
