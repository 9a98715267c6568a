"""Accuracy, speed and memory of the package's σ and σ' against the naive one-liners.

Run by `make bench` (or `.venv/bin/python benchmarks/accuracy_speed.py`; the
speed part needs scipy, pinned in benchmarks/requirements.txt).

Accuracy: the largest error, in units in the last place (ulp), against the
50-digit decimal reference of sigmoid_course.precision, on a dense grid over
[-745, 710] in float64 and over the float32 range, with the regions where
floating point goes wrong sampled densely (tiny |x|, the point where σ rounds
to 1, the overflow of exp, subnormal results) and a sparse sample of the rest
of each dtype's finite range.  Targets: sigmoid ≤ 2.1 ulp and sigmoid_prime
≤ 4 ulp everywhere, subnormal results included (the largest errors found in
tests/test_ch6_bounds.py's sweeps are 2.04 and 2.80 ulp).

Speed: nanoseconds per element for n = 10^3, 10^5 and 10^7 elements drawn
uniformly from [-50, 50] (where the one-liner does not overflow), float64 and
float32 (float16 for memory only, from [-10, 10]), for the package's σ and
σ', the naive one-liners 1/(1 + np.exp(-x)) and s*(1 - s) in the input's
dtype, scipy.special.expit, torch.sigmoid on one thread when torch is
installed, and the exp floor: np.exp alone, writing into an output allocated
beforehand.  Every case runs in a process of its own, forked from a server
that has only imported the modules (multiprocessing's forkserver), so no case
inherits the heap or the freed memory of another.  Inside it the call is
warmed up (at least 2 calls and 50 ms), then timed in SAMPLES samples of at
least 20 ms each, and the case reports the median.  Each result is dropped
before the next call, as in a loop that uses it, so a form that allocates
fresh arrays pays for their page faults on every call, whichever form it is.
The clock is the process's CPU time (user and system, page faults included),
so that waiting for a core on a loaded machine does not count.  All cases run
in ROUNDS rounds, in alternating order; a ratio is the median over the rounds
of the ratio within a round, and a time is the median over the rounds.

Memory: the peak of memory allocated during one call (tracemalloc, which sees
numpy's buffers), the result included, as a multiple of the input's bytes;
the larger of a process's first and second call, in a process of its own.
torch's allocator is invisible to tracemalloc, so its memory is not shown.

Targets: float64 σ and σ' at most 1.0× the naive one-liner at n = 10^7, 1.3×
at 10^5 and 3× at 10^3; float32 σ and σ' at most 2× the naive float32
one-liner at 10^7; peak memory of σ and σ' at most 1.1× the input at 10^7
for float64, float32 and float16.  At 10^3 and 10^5 the memory is printed for
information: there the package's work arrays, like the one-liner's
temporaries, are larger than a tenth of the input (see activations._BLOCK).

The script exits with status 1 if an accuracy or memory target fails.  A
failed speed target is printed as FAIL but does not change the exit status,
because timings on a shared machine are noisy and accuracy and memory figures
are not.

The full sweeps behind the bounds Chapter 6 states (10⁶ float32 and float64
inputs, every float16 and bfloat16 value, with a fast longdouble reference)
are in tests/test_ch6_bounds.py, which `make test` runs; this script adds the
timing and the memory, and the 50-digit reference on its own grid.

Explained in: Chapter 6, "Measured on a million inputs".
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import statistics
import sys
import time
import tracemalloc

import numpy as np

from sigmoid_course import sigmoid, sigmoid_prime
from sigmoid_course.precision import (
    sigmoid_prime_reference,
    sigmoid_reference,
    ulp_error,
)

SEED = 20260
ACCURACY_TARGETS = {"sigmoid": 2.1, "sigmoid_prime": 4.0}
SIZES = (10**3, 10**5, 10**7)
TIMED_DTYPES = ("float64", "float32")
MEMORY_DTYPES = ("float64", "float32", "float16")
ROUNDS = 5
SAMPLES = 7
SAMPLE_SECONDS = 0.02
# (dtype, n): largest ratio of the package to the naive one-liner, for σ and σ'.
SPEED_TARGETS = {("float64", 10**7): 1.0, ("float64", 10**5): 1.3,
                 ("float64", 10**3): 3.0, ("float32", 10**7): 2.0}
MEMORY_TARGET = 1.1  # peak memory of one call / input bytes, at n = MEMORY_TARGET_SIZE
MEMORY_TARGET_SIZE = 10**7
HAVE_TORCH = importlib.util.find_spec("torch") is not None
# Forms timed: (form, function) -> label.  "exp" is the floor, np.exp alone.
FORMS = [("package", "sigmoid"), ("package", "sigmoid_prime"),
         ("naive", "sigmoid"), ("naive", "sigmoid_prime"),
         ("expit", "sigmoid"), *([("torch", "sigmoid")] if HAVE_TORCH else []),
         ("exp floor", "exp")]


def naive_sigmoid(x: np.ndarray) -> np.ndarray:
    """The textbook 1/(1 + exp(−x)) in the dtype of x; overflows below ln(max float)."""
    with np.errstate(over="ignore"):  # the overflow is what is being measured
        return 1 / (1 + np.exp(-x))


def naive_sigmoid_prime(x: np.ndarray) -> np.ndarray:
    """The textbook σ(1 − σ) from the naive σ, in the dtype of x."""
    s = naive_sigmoid(x)
    return s * (1 - s)


def grid(dtype: type, lo: float, hi: float, one_threshold: float,
         rng: np.random.Generator) -> np.ndarray:
    """Return sorted, distinct inputs of ``dtype``: a grid and the delicate regions."""
    tiny = np.logspace(-30, 0, 2001)
    finfo = np.finfo(dtype)
    parts = [
        np.linspace(lo, hi, 100_001),  # dense over the whole interesting range
        rng.uniform(-40.0, 40.0, 30_000),  # where σ and σ' have all their digits
        -tiny, [0.0], tiny,  # tiny |x|: σ near 1/2, σ' near 1/4
        np.linspace(one_threshold - 3, one_threshold + 3, 4001),  # σ rounds to 1
        np.linspace(lo, lo + 40, 8001),  # subnormal results on the left
        np.linspace(hi - 40, hi, 8001),  # subnormal σ' on the right, exp overflow
        # far tails, up to the largest float
        -np.geomspace(-lo, float(finfo.max) / 2, 200),
        np.geomspace(hi, float(finfo.max) / 2, 200), [-finfo.max, finfo.max],
    ]
    x = np.concatenate([np.asarray(p, dtype=np.float64) for p in parts]).astype(dtype)
    return np.unique(x)


def accuracy_rows(x: np.ndarray) -> list[tuple[str, str, float, float, int, float]]:
    """Return rows (function, form, max ulp, its x, subnormal results, their ulp)."""
    tiny = np.finfo(x.dtype).tiny
    rows = []
    for name, package, naive, naive_label, reference in (
        ("sigmoid", sigmoid, naive_sigmoid, "1/(1 + exp(-x))", sigmoid_reference),
        ("sigmoid_prime", sigmoid_prime, naive_sigmoid_prime, "s*(1 - s)",
         sigmoid_prime_reference),
    ):
        exact = reference(x)
        subnormal = np.array([0 < v < tiny for v in exact])
        for label, f in ((f"{name} (package)", package),
                         (f"{naive_label} (naive)", naive)):
            errors = ulp_error(np.asarray(f(x)), exact)
            worst = int(errors.argmax())
            sub_max = float(errors[subnormal].max()) if subnormal.any() else 0.0
            rows.append((name, label, float(errors[worst]), float(x[worst]),
                         int(subnormal.sum()), sub_max))
    return rows


def _callable(form: str, function: str, x: np.ndarray):
    """Return a function of no arguments that computes ``form``'s ``function`` of x."""
    if form == "package":
        f = sigmoid if function == "sigmoid" else sigmoid_prime
        return lambda: f(x)
    if form == "naive":
        if function == "sigmoid":
            return lambda: 1 / (1 + np.exp(-x))

        def naive_prime():
            s = 1 / (1 + np.exp(-x))
            return s * (1 - s)
        return naive_prime
    if form == "expit":
        from scipy.special import expit
        return lambda: expit(x)
    if form == "torch":
        import torch
        torch.set_num_threads(1)
        t = torch.from_numpy(x)
        return lambda: torch.sigmoid(t)
    out = np.empty_like(x)  # the exp floor writes into memory it owns already
    return lambda: np.exp(x, out=out)


def _case(form: str, function: str, n: int, dtype: str, what: str, conn) -> None:
    """Measure one case in this (new) process and send the figure through ``conn``.

    ``what`` is "time" (median ns per element) or "memory" (peak bytes of one
    call over the input's bytes).
    """
    bound = 10.0 if dtype == "float16" else 50.0  # where exp(-x) does not overflow
    x = np.random.default_rng(SEED).uniform(-bound, bound, n).astype(dtype)
    if what == "memory":
        peaks = []
        tracemalloc.start()
        f = _callable(form, function, x)
        for _ in range(2):
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            f()
            peaks.append(tracemalloc.get_traced_memory()[1] - base)
        tracemalloc.stop()
        conn.send(max(peaks) / x.nbytes)
        return
    f = _callable(form, function, x)
    calls, start = 0, time.process_time()
    while calls < 2 or time.process_time() - start < 0.05:  # warm-up
        f()
        calls += 1
    per_call = (time.process_time() - start) / calls
    number = max(1, int(np.ceil(SAMPLE_SECONDS / per_call)))
    samples = []
    for _ in range(SAMPLES):
        start = time.process_time()
        for _ in range(number):
            f()
        samples.append((time.process_time() - start) / number)
    conn.send(statistics.median(samples) * 1e9 / n)


def _in_new_process(context, *case):
    """Run ``_case(*case)`` in a process of its own and return what it sends."""
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_case, args=(*case, sender))
    process.start()
    sender.close()
    try:
        value = receiver.recv()
    except EOFError:
        value = float("nan")  # the case failed; its traceback is on stderr
    process.join()
    return value


def speed_and_memory() -> bool:
    """Print the speed and memory table and the targets; return True if memory holds."""
    context = multiprocessing.get_context("forkserver")
    preload = ["numpy", "sigmoid_course", "scipy.special"]
    preload += ["torch"] if HAVE_TORCH else []
    context.set_forkserver_preload(preload)
    cases = [(form, function, n, dtype) for dtype in TIMED_DTYPES for n in SIZES
             for form, function in FORMS]
    times: dict[tuple, list[float]] = {case: [] for case in cases}
    for round_ in range(ROUNDS):
        for case in (cases if round_ % 2 == 0 else cases[::-1]):
            times[case].append(_in_new_process(context, *case, "time"))
    memory = {}
    for dtype in MEMORY_DTYPES:
        for n in SIZES:
            for form, function in FORMS:
                if form != "torch":
                    memory[form, function, n, dtype] = _in_new_process(
                        context, form, function, n, dtype, "memory")

    def ratio(form, function, n, dtype):
        """Median over the rounds of the ratio to the naive form within a round."""
        naive = times["naive", "sigmoid" if function == "exp" else function, n, dtype]
        pairs = zip(times[form, function, n, dtype], naive)
        return statistics.median(t / t0 for t, t0 in pairs)

    print(f"Speed and memory: CPU time per element (median over {ROUNDS} rounds of new"
          f" processes), ratio to the naive one-liner,\n  peak memory of a call / input"
          f" bytes")
    print(f"{'dtype':8} {'n':>5}  {'form':10} {'σ ns':>7} {'×naive':>6}  {'σ′ ns':>7}"
          f" {'×naive':>6}  {'mem σ':>6} {'mem σ′':>6}")

    def cells(form, function, n, dtype):
        if (form, function, n, dtype) not in times:
            return f"{'—':>7} {'—':>6}"
        t = statistics.median(times[form, function, n, dtype])
        return f"{t:7.2f} {ratio(form, function, n, dtype):6.2f}"

    def mem(form, function, n, dtype):
        value = memory.get((form, function, n, dtype))
        return f"{'—':>6}" if value is None else f"{value:6.2f}"

    for dtype in MEMORY_DTYPES:
        for n in SIZES:
            for form in dict.fromkeys(form for form, _ in FORMS):
                first = "exp" if form == "exp floor" else "sigmoid"
                second = "sigmoid_prime" if form in ("package", "naive") else None
                row = f"{dtype:8} {f'1e{int(np.log10(n))}':>5}  {form:10} "
                row += cells(form, first, n, dtype) + "  "
                row += cells(form, second, n, dtype) if second else f"{'—':>7} {'—':>6}"
                row += "  " + mem(form, first, n, dtype) + " "
                row += mem(form, second, n, dtype) if second else f"{'—':>6}"
                if dtype in TIMED_DTYPES or form != "torch":
                    print(row)
        print()
    print("Targets:")
    for (dtype, n), target in SPEED_TARGETS.items():
        values = [ratio("package", f, n, dtype) for f in ("sigmoid", "sigmoid_prime")]
        ok = all(v <= target for v in values)
        print(f"  {dtype} n = 1e{int(np.log10(n))}: σ {values[0]:.2f}×,"
              f" σ′ {values[1]:.2f}×"
              f" the naive one-liner, target ≤ {target:g}×  {'PASS' if ok else 'FAIL'}")
    memory_ok = True
    for dtype in MEMORY_DTYPES:
        values = [memory["package", f, MEMORY_TARGET_SIZE, dtype]
                  for f in ("sigmoid", "sigmoid_prime")]
        ok = all(v <= MEMORY_TARGET for v in values)
        memory_ok &= ok
        size = int(np.log10(MEMORY_TARGET_SIZE))
        print(f"  {dtype} n = 1e{size}: peak memory σ {values[0]:.2f}×,"
              f" σ′ {values[1]:.2f}× the input, target ≤ {MEMORY_TARGET:g}×"
              f"  {'PASS' if ok else 'FAIL'}")
    return memory_ok


def main() -> int:
    memory_ok = speed_and_memory()
    print()
    rng = np.random.default_rng(SEED)
    failed = False
    print("Accuracy: largest error in ulp against the 50-digit decimal reference")
    print(f"{'dtype':8} {'points':>7}  {'form':28} {'max ulp':>10} {'at x':>11}"
          f"  {'subnormal results':>17} {'their max ulp':>13}  target")
    for dtype, lo, hi, one in ((np.float64, -745.0, 710.0, np.log(2.0**53)),
                               (np.float32, -105.0, 105.0, np.log(2.0**24))):
        x = grid(dtype, lo, hi, one, rng)
        for name, label, worst, at, n_sub, sub_max in accuracy_rows(x):
            line = (f"{np.dtype(dtype).name:8} {x.size:7d}  {label:28} {worst:10.3g}"
                    f" {at:11.4g}"
                    f"  {n_sub:17d} {sub_max:13.3g}")
            if label.endswith("(package)"):
                target = ACCURACY_TARGETS[name]
                ok = worst <= target
                failed |= not ok
                line += f"  <= {target:g} ulp {'PASS' if ok else 'FAIL'}"
            print(line)
    print()
    print("accuracy targets:", "FAIL" if failed else "PASS")
    print("memory targets:", "PASS" if memory_ok else "FAIL")
    return 1 if failed or not memory_ok else 0


if __name__ == "__main__":
    sys.exit(main())
