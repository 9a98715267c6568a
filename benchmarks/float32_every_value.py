"""Chapter 6's float32 figures on every float32 input, not a sample.

Run by `make bench` (or `.venv/bin/python benchmarks/float32_every_value.py`);
it takes several minutes (2.8·10⁸ + 3.4·10⁸ inputs against the longdouble
references of sigmoid_course.precision, in blocks of 2^22).

1. Every float32 x with 2⁻¹⁰ ≤ |x| < 120 (every σ′ that is not ¼ to within
   float32 rounding, through the overflow of the one-liner's exp at 88.72 and
   the last subnormal σ′ near 103.97):
   - the product form σ(x)·σ(−x) built from one-liners, 1/(1 + exp(−x)) in
     float32: its largest relative error in units u = 2⁻²⁴ where σ′ is a
     normal float32 (|x| ≤ 87.34), where it is, and how many inputs exceed 4u;
   - the package's sigmoid and sigmoid_prime: their largest error in ulp
     (below 0.5 means the nearest float32 every time).
2. Every float32 x with 2⁻³⁰ ≤ |x| < 2⁻¹⁰: how many values of the package's
   float32 sigmoid and sigmoid_prime are not the nearest float32.  They
   compute in float64 and round to float32, that is, round twice; where the
   value lies within a float64 rounding of halfway between two float32
   (σ(11·2⁻²³) is one: its float64 result is exactly halfway, and
   ties-to-even picks the farther float32) the second rounding can miss.
   Below 2⁻³⁰ both round to ½ and ¼ from every side.

Tests/test_ch6_bounds.py keeps the worst input found here in its float32
sweep and the example x = 11·2⁻²³; Chapter 6, "Measured on a million
inputs", quotes what this script prints (x86-64 Linux, NumPy 2.4 with
AVX-512: the product form's digits depend on NumPy's float32 exp).
"""

from __future__ import annotations

import time
from decimal import Decimal

import numpy as np

from sigmoid_course import sigmoid, sigmoid_prime
from sigmoid_course.precision import (
    sigmoid_prime_reference,
    sigmoid_prime_reference_fast,
    sigmoid_reference,
    sigmoid_reference_fast,
    ulp_error_fast,
)

LD = np.longdouble
BLOCK = 2**22
SIGN = np.uint32(1 << 31)


def blocks(low: float, high: float):
    """Every float32 x with low ≤ |x| < high, both signs, in blocks."""
    lo = int(np.float32(low).view(np.uint32))
    hi = int(np.float32(high).view(np.uint32))
    for start in range(lo, hi, BLOCK):
        bits = np.arange(start, min(start + BLOCK, hi), dtype=np.uint32)
        yield bits.view(np.float32)
        yield (bits | SIGN).view(np.float32)


def is_nearest(x: np.ndarray, computed: np.ndarray, fast=sigmoid_reference_fast,
               slow=sigmoid_reference) -> np.ndarray:
    """Whether each float32 ``computed`` is the float32 nearest to σ(x) (σ'(x)
    with the prime references).

    The longdouble reference (relative error below 2⁻⁶¹) decides wherever σ
    is farther than 10⁻⁶ ulp from halfway between two float32; the few
    nearer ones, which the reference cannot resolve, are decided with the
    50-digit decimal reference.
    """
    reference = fast(x)
    up = np.nextafter(computed, np.float32(np.inf))
    down = np.nextafter(computed, np.float32(-np.inf))
    spacing = np.where(reference >= computed, up, down).astype(LD) - computed
    distance = (np.abs(reference - computed) / np.abs(spacing)).astype(np.float64)
    nearest = distance < 0.5
    close = np.flatnonzero(np.abs(distance - 0.5) < 1e-6)
    for i in close:
        exact = slow(x[i : i + 1])[0]
        mine = abs(Decimal(float(computed[i])) - exact)
        other = float(up[i] if exact > Decimal(float(computed[i])) else down[i])
        nearest[i] = mine < abs(Decimal(other) - exact) or (
            mine == abs(Decimal(other) - exact))
    return nearest


def main() -> None:
    started = time.process_time()
    u, tiny = LD(2.0**-24), np.finfo(np.float32).tiny
    count = normal = above_4u = 0
    worst_product, worst_x = 0.0, None
    worst_sigma = worst_prime = 0.0
    for x in blocks(2.0**-10, 120.0):
        count += x.size
        with np.errstate(over="ignore"):
            product = (1 / (1 + np.exp(-x))) * (1 / (1 + np.exp(x)))
        exact = sigmoid_prime_reference_fast(x)
        inside = exact >= tiny
        relative = (np.abs(product.astype(LD) - exact)[inside] / exact[inside]
                    / u).astype(np.float64)
        normal += int(inside.sum())
        above_4u += int(np.count_nonzero(relative > 4))
        if relative.size and relative.max() > worst_product:
            worst_product = float(relative.max())
            worst_x = float(x[inside][relative.argmax()])
        worst_sigma = max(worst_sigma, float(
            ulp_error_fast(sigmoid(x), sigmoid_reference_fast(x)).max()))
        worst_prime = max(worst_prime, float(
            ulp_error_fast(sigmoid_prime(x), exact).max()))
    print(f"every float32 with 2^-10 <= |x| < 120: {count} inputs")
    print(f"  product of one-liners, where sigma' is normal ({normal} inputs): "
          f"largest error {worst_product:.2f} u at x = {worst_x!r}, "
          f"above 4u at {above_4u} inputs")
    print(f"  package sigmoid: largest error {worst_sigma:.10f} ulp; "
          f"sigmoid_prime: {worst_prime:.10f} ulp")

    count, missed, missed_prime = 0, [], 0
    for x in blocks(2.0**-30, 2.0**-10):
        count += x.size
        missed.extend(x[~is_nearest(x, sigmoid(x))].tolist())
        missed_prime += int(np.count_nonzero(~is_nearest(
            x, sigmoid_prime(x), sigmoid_prime_reference_fast,
            sigmoid_prime_reference)))
    missed = np.abs(np.array(missed))
    print(f"every float32 with 2^-30 <= |x| < 2^-10: {count} inputs; the package's "
          f"sigmoid is not the nearest float32 at {missed.size} of them"
          + (f", all with |x| between {missed.min():.4g} and {missed.max():.4g}"
             if missed.size else "")
          + f"; sigmoid_prime is not the nearest at {missed_prime}")
    print(f"CPU time {time.process_time() - started:.0f} s")


if __name__ == "__main__":
    main()
