"""Accuracy and speed of the package's sigmoid and sigmoid_prime against the naive one-liners.

Run by `make bench` (or `.venv/bin/python benchmarks/accuracy_speed.py`).

Accuracy: the largest error, in units in the last place (ulp), against the
50-digit decimal reference of sigmoid_course.precision, on a dense grid over
[-745, 710] in float64 and over the float32 range, with the regions where
floating point goes wrong sampled densely (tiny |x|, the point where σ rounds
to 1, the overflow of exp, subnormal results) and a sparse sample of the rest
of each dtype's finite range.  Targets: sigmoid ≤ 2 ulp and sigmoid_prime
≤ 4 ulp everywhere, subnormal results included.

Speed: the time per 10^6 elements (minimum over repeats, so that background
load inflates it as little as possible) relative to the naive one-liner in the
same run.  Target: at most 3× the naive form in float64, the course's working
dtype.  The float32 ratios are printed for information: the package computes
float32 input in float64 and rounds once, which is what keeps it within 1 ulp,
while the naive one-liner runs in (much faster, much less accurate) float32.

The script exits with status 1 if an accuracy target fails.  A failed speed
target is printed as FAIL but does not change the exit status, because timings
on a shared machine are noisy and accuracy figures are not.

Explained in: Chapter 2, "Computing σ' in floating point".
"""

from __future__ import annotations

import sys
import timeit

import numpy as np

from sigmoid_course import sigmoid, sigmoid_prime
from sigmoid_course.precision import sigmoid_prime_reference, sigmoid_reference, ulp_error

SEED = 20260
ACCURACY_TARGETS = {"sigmoid": 2.0, "sigmoid_prime": 4.0}
SPEED_TARGET = 3.0
TIMING_SIZE = 10**6


def naive_sigmoid(x: np.ndarray) -> np.ndarray:
    """The textbook one-liner 1/(1 + exp(−x)), in the dtype of x; overflows below ln(max float)."""
    with np.errstate(over="ignore"):  # the overflow is what is being measured
        return 1 / (1 + np.exp(-x))


def naive_sigmoid_prime(x: np.ndarray) -> np.ndarray:
    """The textbook σ(1 − σ) from the naive σ, in the dtype of x."""
    s = naive_sigmoid(x)
    return s * (1 - s)


def grid(dtype: type, lo: float, hi: float, one_threshold: float, rng: np.random.Generator) -> np.ndarray:
    """Return sorted, distinct inputs of ``dtype``: a uniform grid plus the delicate regions."""
    tiny = np.logspace(-30, 0, 2001)
    finfo = np.finfo(dtype)
    parts = [
        np.linspace(lo, hi, 100_001),  # dense over the whole interesting range
        rng.uniform(-40.0, 40.0, 30_000),  # where σ and σ' have all their digits
        -tiny, [0.0], tiny,  # tiny |x|: σ near 1/2, σ' near 1/4
        np.linspace(one_threshold - 3, one_threshold + 3, 4001),  # σ rounds to 1
        np.linspace(lo, lo + 40, 8001),  # subnormal results on the left
        np.linspace(hi - 40, hi, 8001),  # subnormal σ' on the right, exp overflow
        -np.geomspace(-lo, float(finfo.max) / 2, 200),  # far tails, up to the largest float
        np.geomspace(hi, float(finfo.max) / 2, 200), [-finfo.max, finfo.max],
    ]
    x = np.concatenate([np.asarray(p, dtype=np.float64) for p in parts]).astype(dtype)
    return np.unique(x)


def accuracy_rows(x: np.ndarray) -> list[tuple[str, str, float, float, int, float]]:
    """Return (function, form, max ulp, x at the max, subnormal results, max ulp on them) rows."""
    tiny = np.finfo(x.dtype).tiny
    rows = []
    for name, package, naive, naive_label, reference in (
        ("sigmoid", sigmoid, naive_sigmoid, "1/(1 + exp(-x))", sigmoid_reference),
        ("sigmoid_prime", sigmoid_prime, naive_sigmoid_prime, "s*(1 - s)", sigmoid_prime_reference),
    ):
        exact = reference(x)
        subnormal = np.array([0 < v < tiny for v in exact])
        for label, f in ((f"{name} (package)", package), (f"{naive_label} (naive)", naive)):
            errors = ulp_error(np.asarray(f(x)), exact)
            worst = int(errors.argmax())
            sub_max = float(errors[subnormal].max()) if subnormal.any() else 0.0
            rows.append((name, label, float(errors[worst]), float(x[worst]), int(subnormal.sum()), sub_max))
    return rows


def per_million(f, x: np.ndarray, repeats: int = 7, number: int = 5) -> float:
    """Return the minimum over ``repeats`` of the seconds f(x) takes, per 10^6 elements."""
    best = min(timeit.repeat(lambda: f(x), number=number, repeat=repeats)) / number
    return best * 1e6 / x.size


def main() -> int:
    rng = np.random.default_rng(SEED)
    failed = False
    print("Accuracy: largest error in ulp against the 50-digit decimal reference")
    print(f"{'dtype':8} {'points':>7}  {'form':28} {'max ulp':>10} {'at x':>11}"
          f"  {'subnormal results':>17} {'their max ulp':>13}  target")
    for dtype, lo, hi, one in ((np.float64, -745.0, 710.0, np.log(2.0**53)),
                               (np.float32, -105.0, 105.0, np.log(2.0**24))):
        x = grid(dtype, lo, hi, one, rng)
        for name, label, worst, at, n_sub, sub_max in accuracy_rows(x):
            line = (f"{np.dtype(dtype).name:8} {x.size:7d}  {label:28} {worst:10.3g} {at:11.4g}"
                    f"  {n_sub:17d} {sub_max:13.3g}")
            if label.endswith("(package)"):
                target = ACCURACY_TARGETS[name]
                ok = worst <= target
                failed |= not ok
                line += f"  <= {target:g} ulp {'PASS' if ok else 'FAIL'}"
            print(line)
    print()
    print("Speed: time per 10^6 elements (minimum of 7 repeats), relative to the naive one-liner")
    print(f"{'dtype':8} {'function':14} {'package':>10} {'naive':>10} {'ratio':>6}  target")
    x64 = rng.uniform(-50.0, 50.0, TIMING_SIZE)
    for dtype in (np.float64, np.float32):
        x = x64.astype(dtype)
        for name, package, naive in (("sigmoid", sigmoid, naive_sigmoid),
                                     ("sigmoid_prime", sigmoid_prime, naive_sigmoid_prime)):
            t_package, t_naive = per_million(package, x), per_million(naive, x)
            ratio = t_package / t_naive
            line = (f"{np.dtype(dtype).name:8} {name:14} {t_package * 1e3:8.2f}ms"
                    f" {t_naive * 1e3:8.2f}ms {ratio:6.2f}")
            if dtype is np.float64:
                line += f"  <= {SPEED_TARGET:g}x {'PASS' if ratio <= SPEED_TARGET else 'FAIL'}"
            else:
                line += "  (information: float32 is computed in float64)"
            print(line)
    print()
    print("accuracy targets:", "FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
