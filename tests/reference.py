"""The tests' one independent reference: Python's decimal module at 50 digits, and
SciPy's values.

Every test that judges a float result against an exact value takes it from
here: ``decimal_reference(formula, x)`` evaluates ``formula`` on the exact
``Decimal`` of each float, and the formulas below are written out from the
mathematics, not from the package's float code.  (The package's own
50-digit references, :mod:`sigmoid_course.precision`, are tested against
these and against typed-in constants in tests/test_precision.py.)
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import numpy as np

DIGITS = 50

# Values used by SciPy's own tests of expit at linspace(-4, 4, 10) (8 digits).
SCIPY_EXPIT = [
    0.01798621,
    0.04265125,
    0.0977726,
    0.20860853,
    0.39068246,
    0.60931754,
    0.79139147,
    0.9022274,
    0.95734875,
    0.98201379,
]


def decimal_reference(formula, x, digits: int = DIGITS) -> np.ndarray:
    """formula(Decimal(x)) for each element, at ``digits`` significant digits, as an
    object array."""
    out = np.empty(np.shape(x), dtype=object)
    with localcontext() as ctx:
        ctx.prec = digits
        for index, value in np.ndenumerate(np.asarray(x, dtype=np.float64)):
            # Decimal(float) is exact; the unary plus rounds the result to the context.
            out[index] = +formula(Decimal(float(value)))
    return out


def sigmoid_exact(d: Decimal) -> Decimal:
    """σ(d) = 1/(1 + e^(−d)), with e^(−|d|) only (Decimal.exp overflows below d ≈
    −2.3e6)."""
    e = (-abs(d)).exp()
    return 1 / (1 + e) if d >= 0 else e / (1 + e)


def sigmoid_prime_exact(d: Decimal) -> Decimal:
    """σ'(d) = e/(1 + e)² with e = e^(−|d|)."""
    e = (-abs(d)).exp()
    return e / ((1 + e) * (1 + e))


def sigmoid_second_exact(d: Decimal) -> Decimal:
    """σ''(d) = sign(d)·e(e − 1)/(1 + e)³ with e = e^(−|d|)."""
    e = (-abs(d)).exp()
    value = e * (e - 1) / (1 + e) ** 3
    return value if d >= 0 else -value


def logit_exact(d: Decimal) -> Decimal:
    """ln(p/(1 − p)); 1 − p is exact in decimal for a float p."""
    return (d / (1 - d)).ln()


def softplus_exact(d: Decimal) -> Decimal:
    """ln(1 + e^d) to the context's precision, for every real d."""
    if d >= 0:
        return d + (1 + (-d).exp()).ln()
    if d < -100:
        # ln(1 + u) = u − u²/2 + u³/3 − …: four terms leave u⁴ < e^(−400), far below 50
        # digits.
        u = d.exp()
        return u - u * u / 2 + u**3 / 3 - u**4 / 4
    # 1 + e^d needs about |d|/2.3 more digits than the answer, or it rounds to 1.
    with localcontext() as ctx:
        ctx.prec += int(-d / 2) + 5
        return +(1 + d.exp()).ln()


def log_sigmoid_exact(d: Decimal) -> Decimal:
    """ln σ(d) = −softplus(−d)."""
    return -softplus_exact(-d)


def nielsen_width_exact(d: Decimal) -> Decimal:
    """Nielsen's (2/|w|)·ln(|w|(1 + √(1 − 4/|w|))/2 − 1), in 30 more digits than the
    context.

    Evaluated as written: near |w| = 4 the logarithm's argument is 1 plus
    about √(|w| − 4), which costs at most half the digits of |w| − 4 (about 8
    of the 80 for the float just above 4).
    """
    w = abs(d)
    if w <= 4:
        return Decimal(0)
    with localcontext() as ctx:
        ctx.prec += 30
        t = (1 - 4 / w).sqrt()
        return +((2 / w) * (w * (1 + t) / 2 - 1).ln())
