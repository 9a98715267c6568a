"""The logistic sigmoid and its derivatives, accurate for every float input.

Every function here is vectorised, accepts Python scalars, lists and numpy
arrays (real or complex), keeps float16/float32/float64 dtypes, and emits no
numpy warning for any float input, including ±inf and NaN.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import as_numeric_array, as_result

__all__ = [
    "sigmoid", "sigmoid_prime", "sigmoid_second", "logit", "softplus", "log_sigmoid",
]

_F64 = np.dtype(np.float64)
_SIGN_BIT = np.uint64(1 << 63)
# 1.0 as a read-only 0-d array: numpy converts it faster than the Python float.
_ONE = np.array(1.0)
_ONE.flags.writeable = False


def _exp_of_left_half(x: np.ndarray):
    """Return ``(right, e)`` with ``e = exp(-x)`` where Re x ≥ 0, else ``exp(x)``.

    The exponent always has a non-positive real part, so ``e`` never
    overflows: this is the whole trick behind the stable sigmoid.
    """
    right = np.real(x) >= 0
    e = np.exp(np.where(right, -x, x))
    return right, e


def _as_input(x: ArrayLike):
    """Return ``(array, result_dtype)`` as ``as_numeric_array`` does, floats unwidened.

    A float16/float32 array is returned as it is: the kernels widen it block
    by block, so no float64 copy of the whole input is made.  A float array
    needs no check, so it skips the shared one.  Everything else (lists,
    scalars, integers, complex, bad input) goes through the shared check,
    with its error messages.
    """
    if type(x) is np.ndarray and x.dtype.kind == "f":
        return x, x.dtype
    return as_numeric_array(x)


def _split_exp(el: np.ndarray, q, eh):
    """Turn ``el`` = −|x| into e^(−|x|) = eh + el; return ``(q, eh)`` with q = 1 + eh.

    e = exp(−|x|) never overflows.  Rounding 1 + e to q loses the low bits of
    e; Fast2Sum (Higham 2002, ch. 4) recovers them without rounding, since
    q − 1 and e − (q − 1) are both exact for 0 ≤ e ≤ 1.  The callers divide by
    the exact q and add el back as a first-order correction.  This is what
    keeps σ within about 2 ulp and σ' within 3 ulp (the largest errors found
    are 2.04 and 2.80 ulp, tests/test_ch6_bounds.py): the plain e/(1 + e) and
    e/(1 + e)² reach 2.4 and 4.1 ulp near x = −2.7, because the rounding of
    1 + e adds up to one more ulp on top of the exponential's own error.
    All three steps are exact, in float64.  ``q`` and ``eh`` are work arrays, or
    None for new ones.
    (Outputs are passed positionally and 1.0 as a 0-d array: at a thousand
    elements numpy's per-call overhead is most of the cost.)
    """
    np.exp(el, el)
    q = np.add(_ONE, el, q)
    eh = np.subtract(q, _ONE, eh)
    np.subtract(el, eh, el)
    return q, eh


def _sigmoid_kernel(x, out, el, q, eh, mask) -> np.ndarray:
    # σ(−|x|) = e/(1 + e) = eh/q + el/q² to first order in el.
    q, eh = _split_exp(el, q, eh)
    np.divide(eh, q, eh)
    np.multiply(q, q, q)
    np.divide(el, q, el)
    s = np.add(eh, el, eh)
    # σ(x) = σ(−|x|) for x < 0 and 1 − σ(−|x|) for x ≥ 0, that is
    # |[x ≥ 0] − σ(−|x|)|, with no branch; NaN stays NaN.  1 − σ(−|x|) is
    # accurate because σ(−|x|) ≤ ½ and carries less than an ulp of error.
    np.subtract(np.greater_equal(x, 0.0, mask), s, s)
    return np.abs(s, out)  # the only rounding to a float16/float32 result


def _sigmoid_prime_kernel(x, out, el, q, eh, mask) -> np.ndarray:
    # σ' is even: σ'(x) = f(e) with f(e) = e/(1 + e)² and e = e^(−|x|) = eh + el,
    # so σ' = f(eh) + el·f'(eh) = eh/q² + el(1 − eh)/q³ to first order.
    q, eh = _split_exp(el, q, eh)
    np.divide(el, q, el)
    np.multiply(q, q, q)
    np.divide(el, q, el)  # el/q³
    d = np.divide(eh, q, q)  # eh/q²
    np.multiply(el, eh, eh)
    np.subtract(el, eh, el)  # el(1 − eh)/q³
    return np.add(d, el, out)  # the only rounding to a float16/float32 result


def _sigmoid_second_kernel(x, out, el, q, eh, mask) -> np.ndarray:
    # σ'' = −σ'(x)·tanh(x/2), all in float64, rounded once to the result dtype.
    d = _sigmoid_prime_kernel(x, q, el, q, eh, mask)
    t = np.divide(x, 2.0, out=el, dtype=_F64)
    np.tanh(t, t)
    np.negative(d, d)
    np.multiply(d, t, d)
    # `+ 0.0` turns the -0.0 that the product gives at x = 0 into 0.0.
    return np.add(d, 0.0, out)


# Elements per block.  The four work arrays (three float64, one bool) take
# 25 bytes per element of a block, about 0.8 MB in all, allocated once per
# call and reused by every block: about 4 % of a float16 input of 10^7
# elements, and few enough blocks that numpy's overhead of about half a
# microsecond per ufunc call stays small per element.  (2^13, 2^14 and 2^16
# timed the same as 2^15 at 10^7 elements, within the noise of a shared
# machine.)
_BLOCK = 1 << 15


def _blockwise(kernel, x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Return an array of ``dtype`` filled by ``kernel(x, out, *work)``, block by block.

    The compensated formulas need three float64 work arrays and a mask.  A
    fresh set of work arrays the size of a large input would cost more than
    the arithmetic (new memory page-faults, and it falls out of the cache
    between passes) and, for float32 input, three times the input's memory.
    So the work arrays have at most ``_BLOCK`` elements, are allocated once
    per call and reused for every block.  An input of at most ``_BLOCK``
    elements is one block: no loop and no slicing.  The first work array
    enters the kernel holding −|x| in float64, which widens a float16/float32
    block exactly; the kernel's last step rounds once into ``out``, in the
    result dtype.
    """
    n = x.size
    out = np.empty(x.shape, dtype=dtype)
    # A native float64 result can serve as the third work array.
    wide = dtype is _F64
    if n <= _BLOCK:  # one block: no reshaping, no loop; numpy allocates the work arrays
        # (A 0-d input is viewed as 1-d: numpy returns scalars for new 0-d results.)
        xv, ov = (x, out) if x.ndim else (x.reshape(1), out.reshape(1))
        el = np.abs(xv) if xv.dtype is _F64 else np.abs(xv, dtype=_F64)
        np.negative(el, el)
        kernel(xv, ov, el, None, ov if wide else None, None)
        return out
    el, q, mask = np.empty(_BLOCK), np.empty(_BLOCK), np.empty(_BLOCK, np.bool_)
    eh = None if wide else np.empty(_BLOCK)
    flat_x, flat_out = x.reshape(-1), out.reshape(-1)
    bits = x.dtype is _F64  # −|x| in one pass instead of two: set the sign bit
    if bits:
        x_bits, el_bits = flat_x.view(np.uint64), el.view(np.uint64)
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        k = stop - start
        xb, o = flat_x[start:stop], flat_out[start:stop]
        if k < _BLOCK:  # the last, shorter block
            work = (el[:k], q[:k], o if wide else eh[:k], mask[:k])
        else:
            work = (el, q, o if wide else eh, mask)
        if bits:  # NaN stays NaN
            np.bitwise_or(x_bits[start:stop], _SIGN_BIT, el_bits[:k])
        else:
            np.abs(xb, work[0])
            np.negative(work[0], work[0])
        kernel(xb, o, *work)
    return out


def _result(out: np.ndarray):
    """A 0-d result becomes a numpy scalar, as ``as_result`` does."""
    return out[()] if out.ndim == 0 else out


def sigmoid(x: ArrayLike) -> np.ndarray:
    """Return the logistic sigmoid σ(x) = 1 / (1 + e^(−x)), elementwise.

    Computed from e = exp(−|x|) as σ(−|x|) = e/(1 + e), and as 1 − σ(−|x|)
    for x ≥ 0, so no exponential overflows: σ(−inf) = 0 and σ(+inf) = 1 exactly,
    subnormal results for x < −708 are kept, and NaN maps to NaN.  The naive
    one-liner overflows ``exp`` (with a warning) below x ≈ −709.78.  For real
    input the rounding of 1 + e is compensated, which keeps the result within
    about 2 ulp (units in the last place): the largest error found is 2.04
    ulp on float64 inputs, and subnormal results are correctly rounded.
    float16 results are correctly rounded at every input; float32 results at
    every float32 with |x| ≥ 2⁻¹⁰, but rounding twice (to float64, then to
    float32) misses the nearest float32 at 85 tiny x, such as 11·2⁻²³,
    where the float64 result is exactly halfway between two float32s
    (tests/test_ch6_bounds.py, benchmarks/float32_every_value.py).
    The result is 1.0 from x = 54 ln 2 ≈ 37.43 (float64), where 1.0 is the
    correctly rounded σ.

    >>> float(sigmoid(0.0))
    0.5
    >>> sigmoid([-800.0, 0.0, 800.0])
    array([0. , 0.5, 1. ])

    Explained in: Chapter 1, "The sigmoid function"; the floating-point side
    in Chapter 6, "Computing σ".
    """
    x, dtype = _as_input(x)
    if x.dtype.kind == "f":
        return _result(_blockwise(_sigmoid_kernel, x, dtype))
    with np.errstate(invalid="ignore"):  # complex inf/nan inputs give nan by design
        right, e = _exp_of_left_half(x)
        s = np.where(right, 1.0 / (1.0 + e), e / (1.0 + e))
    return as_result(s, dtype)


def sigmoid_prime(x: ArrayLike) -> np.ndarray:
    """Return the derivative σ'(x) = σ(x)·σ(−x) = σ(x)(1 − σ(x)), elementwise.

    Computes the compensated form e/(1 + e)² with e = exp(−|x|): equal, as
    a real function, to the product form σ(x)·σ(−x), but a different
    computation (Chapter 6 compares the two).  The textbook σ(x)(1 − σ(x))
    cancels to 0 once σ(x) rounds to 1: in float64 from x = 53 ln 2 ≈ 36.74
    with the one-liner 1/(1 + exp(−x)), and from 54 ln 2 ≈ 37.43 with a
    correctly rounded σ, where the true σ' is about 1.1e−16 and 5.6e−17;
    it loses relative accuracy long before.  This form, with the rounding
    of 1 + e compensated for real input, stays within 3 ulp: the largest
    error found is 2.80 ulp on float64 inputs, and subnormal results are
    correctly rounded (tests/test_ch6_bounds.py).

    >>> float(sigmoid_prime(0.0))
    0.25
    >>> print(f"{float(sigmoid_prime(40.0)):.4e}")
    4.2484e-18

    Explained in: Chapter 2, "Three derivations" and "The tails and
    saturation" (the form in |x|); Chapter 6, "The product form and the
    compensated form".
    """
    x, dtype = _as_input(x)
    if x.dtype.kind == "f":
        return _result(_blockwise(_sigmoid_prime_kernel, x, dtype))
    with np.errstate(invalid="ignore"):
        # Complex input (the complex-step derivative): e/(1 + e)² forms 1 − e
        # in its imaginary part, which cancels near 0, so there σ' is
        # ¼/cosh²(x/2), whose parts have no cancellation; far out, where
        # cosh² would overflow and e is tiny, e/(1 + e)² is accurate.
        far = np.abs(x.real) > 700.0
        _, e = _exp_of_left_half(np.where(far, x, 0.0))
        half = np.cosh(np.where(far, 0.0, x) / 2.0)
        d = np.where(far, e / ((1.0 + e) * (1.0 + e)), 0.25 / (half * half))
    return as_result(d, dtype)


def sigmoid_second(x: ArrayLike) -> np.ndarray:
    """Return the second derivative σ''(x) = σ(x)(1 − σ(x))(1 − 2σ(x)) elementwise.

    Computed as −σ'(x)·tanh(x/2), since 1 − 2σ(x) = −tanh(x/2): this avoids
    the cancellation in 1 − 2σ(x) near x = 0 and for large |x|.

    >>> float(sigmoid_second(0.0))
    0.0
    >>> print(f"{float(sigmoid_second(-1.0)):+.6f}")
    +0.090858

    Explained in: Chapter 5, "The second derivative and the inflection point
    of σ".
    """
    x, dtype = _as_input(x)
    if x.dtype.kind == "f":
        return _result(_blockwise(_sigmoid_second_kernel, x, dtype))
    first = np.asarray(sigmoid_prime(x))
    # `+ 0.0` turns the -0.0 that the product gives at x = 0 into 0.0.
    return as_result(-first * np.tanh(x / 2.0) + 0.0, dtype)


def logit(p: ArrayLike) -> np.ndarray:
    """Return the inverse of the sigmoid, logit(p) = ln(p / (1 − p)), elementwise.

    logit(p) is the log-odds of a probability p; logit(0) = −inf and
    logit(1) = +inf, and values outside [0, 1] raise ``ValueError``.  For
    p ≥ ¼ it is computed as 2·artanh(2p − 1), where 2p − 1 is exact: the
    difference ln(p) − ln1p(−p) would cancel near p = ½ (relative errors up
    to 1e−10 there).  Below ¼ that difference has no cancellation and keeps
    full accuracy down to the smallest p.

    >>> float(logit(0.5))
    0.0
    >>> print(f"{float(logit(sigmoid(3.0))):.12f}")
    3.000000000000

    Explained in: Chapter 1, "The sigmoid function" (the log-odds reading).
    """
    p, dtype = as_numeric_array(p, "p", allow_complex=False)
    bad = ~((p >= 0) & (p <= 1)) & ~np.isnan(p)
    if np.any(bad):
        raise ValueError(
            f"p must be a probability in [0, 1], got {float(p[bad].flat[0])}"
        )
    with np.errstate(divide="ignore"):  # logit(0) = -inf and logit(1) = +inf by design
        out = np.where(p >= 0.25, 2.0 * np.arctanh(2.0 * p - 1.0),
                       np.log(p) - np.log1p(-p))
    return as_result(out, dtype)


def softplus(x: ArrayLike) -> np.ndarray:
    """Return softplus(x) = ln(1 + e^x), elementwise, without overflow.

    Computed as max(x, 0) + ln1p(e^(−|x|)): the exponential is at most 1, and
    ln1p keeps full accuracy when e^(−|x|) is tiny.  softplus is the
    antiderivative of σ, and −ln σ(x) = softplus(−x).

    >>> print(f"{float(softplus(0.0)):.6f}")
    0.693147
    >>> float(softplus(1000.0))
    1000.0

    Explained in: Chapter 3, "Logistic regression and cross-entropy".
    """
    x, dtype = as_numeric_array(x, allow_complex=False)
    return as_result(np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x))), dtype)


def log_sigmoid(x: ArrayLike) -> np.ndarray:
    """Return ln σ(x) = −softplus(−x), elementwise, accurate for every float x.

    ``np.log(sigmoid(x))`` returns −inf once σ(x) underflows (x < −745) and
    loses accuracy well before; this form stays finite and accurate.

    >>> float(log_sigmoid(-1000.0))
    -1000.0

    Explained in: Chapter 3, "Logistic regression and cross-entropy".
    """
    x, dtype = as_numeric_array(x, allow_complex=False)
    return as_result(-np.asarray(softplus(-x)), dtype)
