"""Speed of a sweep over seeds: one stacked computation against a loop of trainings.

Run by `make bench` (or `.venv/bin/python benchmarks/seeds_speed.py`).

A claim about training quotes the median and spread over at least 20 seeds,
so a chapter trains each setup 20 times or more.  The network module trains
a stack of networks, seeds along a leading axis, in one batched computation
(sigmoid_course.network.init_params_stack).  This script times Chapter 4's
measurement, record_training (mini-batches of 10 on the 1000 training points
of gaussian_clusters, a probe of 500 points measured before every epoch),
and plain train (no probe), for networks of 4 and of 10 hidden sigmoid
layers of 30 units and sweeps of 20 and 50 seeds:

- stacked: one call on the stack of all seeds;
- loop: one call per seed, the same networks and shuffles.

It checks that both give the same numbers, bit for bit, and prints the cost
per network and epoch, the ratio loop / stacked, and what typical Chapter 4
sweeps cost at the stacked rate, next to the budget of 60 s that a whole
chapter has to execute in.

The clock is the process's CPU time (user and system, all threads), so that
waiting for a core on a shared machine does not count; each case is the best
of REPEATS runs.  Timings on a loaded machine are still inflated (cache
sharing), so the script asserts nothing about time: it exits with status 1
only if a stacked result differs from the loop's.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from numpy.random import default_rng

from sigmoid_course import (
    gaussian_clusters,
    init_params,
    init_params_stack,
    record_training,
    train,
)

EPOCHS = 3
REPEATS = 2
BUDGET = 60.0  # seconds: a chapter executes in at most 60 s on a quiet machine
SETTINGS = {"activation": "sigmoid", "learning_rate": 0.5, "batch_size": 10}
DEPTHS = (4, 10)  # hidden layers of 30 units
SWEEPS = (20, 50)


def _data():
    X, y = gaussian_clusters(1500, default_rng(0))  # as Chapter 4 draws it
    return X[:1000], y[:1000]


def _sizes(depth):
    return [20] + [30] * depth + [1]


def _best(run):
    best, result = np.inf, None
    for _ in range(REPEATS):
        start = time.process_time()
        result = run()
        best = min(best, time.process_time() - start)
    return best, result


def _record(params, X, y, rng):
    return record_training(
        params, X, y, rng=rng, epochs=EPOCHS, X_probe=X[:500], y_probe=y[:500],
        **SETTINGS,
    )


def _train(params, X, y, rng):
    return train(params, X, y, rng=rng, epochs=EPOCHS, **SETTINGS)


def _same(stacked, singles, kind):
    """Slice s of the stacked result is seed s's result, bit for bit."""
    for s, single in enumerate(singles):
        if kind == "record":
            pairs = [
                (getattr(stacked, f)[s], getattr(single, f))
                for f in ("losses", "gradient_norms", "accuracy", "mean", "std")
            ]
            params, single_params = stacked.params, single.params
        else:
            pairs = [(stacked[1][s], single[1])]
            params, single_params = stacked[0], single[0]
        pairs += [
            (A[s], B)
            for layer, single_layer in zip(params, single_params)
            for A, B in zip(layer, single_layer)
        ]
        if not all(np.array_equal(a, b) for a, b in pairs):
            return False
    return True


def measure(kind, depth, S, X, y):
    """(stacked seconds, loop seconds, identical) for one sweep."""
    seeds = list(range(S))
    step = _record if kind == "record" else _train
    sizes = _sizes(depth)
    t_stack, stacked = _best(
        lambda: step(
            init_params_stack(sizes, seeds, "xavier_sigmoid"), X, y,
            [default_rng(s + 1) for s in seeds],
        )
    )
    t_loop, singles = _best(
        lambda: [
            step(init_params(sizes, default_rng(s), "xavier_sigmoid"), X, y,
                 default_rng(s + 1))
            for s in seeds
        ]
    )
    return t_stack, t_loop, _same(stacked, singles, kind)


def main() -> int:
    X, y = _data()
    print(f"Sweeps over seeds: {EPOCHS} epochs, mini-batches of 10 on 1000 points, "
          "CPU time, best of", REPEATS)
    print(f"{'':17s}{'':8s}{'seeds':>5s}  {'stacked':>9s}  {'loop':>9s}  "
          f"{'per network-epoch':>17s}  {'loop/stacked':>12s}  identical")
    rate = {}  # stacked seconds per network and epoch
    failed = False
    for kind, label in (("record", "record_training"), ("train", "train")):
        for depth in DEPTHS:
            for S in SWEEPS:
                t_stack, t_loop, same = measure(kind, depth, S, X, y)
                failed |= not same
                per = t_stack / (S * EPOCHS)
                rate[kind, depth] = min(rate.get((kind, depth), np.inf), per)
                print(
                    f"{label:17s}{depth:2d} hidden {S:5d}  {t_stack:8.2f}s  "
                    f"{t_loop:8.2f}s  {per * 1e3:14.2f} ms  "
                    f"{t_loop / t_stack:12.1f}  {'yes' if same else 'NO'}"
                )
    print("\nWhat Chapter 4 sweeps cost at the stacked rate of record_training "
          f"(budget: {BUDGET:.0f} s for the whole chapter):")
    plans = [
        ("one setup, 20 seeds x 100 epochs, 4 hidden layers", 4, 20 * 100),
        ("five setups, 20 seeds x 100 epochs, 4 hidden layers", 4, 5 * 20 * 100),
        ("five setups, 20 seeds x 50 epochs, 4 hidden layers", 4, 5 * 20 * 50),
        ("two setups, 20 seeds x 15 epochs, 10 hidden layers", 10, 2 * 20 * 15),
    ]
    for text, depth, network_epochs in plans:
        cost = rate["record", depth] * network_epochs
        share = 100 * cost / BUDGET
        print(f"  {text:52s} {cost:6.1f} s  ({share:3.0f} % of the budget)")
    if failed:
        print("FAIL: a stacked result differs from the loop's", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
