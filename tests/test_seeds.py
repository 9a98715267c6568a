"""Unit tests of sigmoid_course.seeds against independent references.

References: the standard library's ``statistics.quantiles(method="inclusive")``
(Hyndman & Fan's type 7, computed its own way) and ``statistics.median``;
quartiles of "never" (inf) values from the same stdlib routine with inf
replaced by a finite stand-in larger than every value; mid-rank percentiles
and counts from plain Python loops over the values; strings worked out by
hand from the sorted values.
"""

import math
import statistics

import numpy as np
import pytest

from sigmoid_course import SeedSummary, over_seeds, summarise


def _stdlib_quartiles(values):
    """(q1, median, q3) by the stdlib's inclusive method (type 7)."""
    if len(values) == 1:
        return (values[0],) * 3
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8, 20, 21, 50, 200])
def test_quartiles_and_range_agree_with_the_standard_librarys_type_7(n):
    rng = np.random.default_rng(n)
    values = rng.lognormal(size=n) * 10.0 ** rng.integers(-3, 4)
    summary = summarise(values)
    expected = _stdlib_quartiles(values.tolist())
    for got, want in zip((summary.q1, summary.median, summary.q3), expected):
        # Two roundings each (different formulas): at most a few ulp apart.
        assert got == pytest.approx(want, rel=4e-16, abs=0)
    assert summary.median == pytest.approx(statistics.median(values), rel=4e-16)
    assert (summary.low, summary.high) == (min(values), max(values))
    assert summary.n == n


def test_quartiles_of_integers_worked_out_by_hand():
    # Sorted 1, 1, 2, 3, 4, 5, 6, 9: h = 7/4, 7/2, 21/4.
    summary = summarise([3, 1, 4, 1, 5, 9, 2, 6])
    assert (summary.q1, summary.median, summary.q3) == (1.75, 3.5, 5.25)
    assert (summary.low, summary.high) == (1.0, 9.0)


def _quartiles_with_never(values):
    """Reference: "never" replaced by a finite number above every value, the stdlib's
    quartiles, and any quartile above the largest finite value is "never"."""
    finite = [v for v in values if v != math.inf]
    stand_in = 4.0 * (max(finite, default=1.0) + 1.0)
    replaced = [stand_in if v == math.inf else v for v in values]
    top = max(finite, default=-math.inf)
    return tuple(
        math.inf if q > top else q for q in _stdlib_quartiles(sorted(replaced))
    )


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 9, 20, 21])
def test_a_quartile_is_never_exactly_when_enough_seeds_never_got_there(n):
    rng = np.random.default_rng(100 + n)
    for never in range(n + 1):
        values = rng.integers(1, 60, size=n).astype(float)
        values[rng.permutation(n)[:never]] = np.inf
        summary = summarise(values)
        got = (summary.q1, summary.median, summary.q3)
        want = _quartiles_with_never(values.tolist())
        for g, w in zip(got, want):
            if w == math.inf:
                assert g == math.inf
            else:
                assert g == pytest.approx(w, rel=4e-16)
        # The documented rule for the median: never when at least n/2 (n even)
        # or more than n/2 (n odd) seeds never got there, as np.median says.
        threshold = n // 2 if n % 2 == 0 else n // 2 + 1
        assert (summary.median == math.inf) == (never >= threshold)
        assert (summary.median == math.inf) == bool(np.isinf(np.median(values)))
        assert summary.never == never
        assert (summary.high == math.inf) == (never > 0)


def test_the_median_of_twenty_seeds_turns_never_at_ten():
    values = np.arange(1.0, 21.0)
    values[10:] = np.inf  # 10 of 20 never
    assert summarise(values).median == math.inf
    values[10] = 11.0  # 9 of 20 never: the middle pair is 10 and 11
    assert summarise(values).median == 10.5
    # q3: h = 14.25, so never as soon as the sorted value at index 15 is.
    assert summarise(values).q3 == math.inf
    values[10:16] = np.arange(11.0, 17.0)  # 4 of 20 never
    assert summarise(values).q3 == 15.25  # x[14] + (x[15] - x[14]) / 4 = 15 + 1/4


@pytest.mark.parametrize("seed", range(5))
def test_percentile_of_a_seed_is_its_mid_rank(seed):
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 8, size=30).astype(float)  # many ties
    values[rng.permutation(30)[:4]] = np.inf
    seeds = (rng.permutation(30) + 1000).tolist()
    summary = summarise(values, seeds)
    for s, v in zip(seeds, values):
        below = sum(1 for w in values if w < v)
        equal = sum(1 for w in values if w == v)
        assert summary.percentile_of(s) == pytest.approx(
            100 * (below + equal / 2) / 30, rel=1e-15
        )


def test_percentiles_of_distinct_values_run_from_half_a_rank_to_the_top():
    summary = summarise(np.linspace(0.0, 1.0, 20)[::-1])
    assert summary.percentile_of(19) == 2.5  # the smallest value
    assert summary.percentile_of(0) == 97.5  # the largest
    assert summarise([5.0]).percentile_of(0) == 50.0


@pytest.mark.parametrize("seed", range(3))
def test_count_agrees_with_a_loop_over_the_values(seed):
    rng = np.random.default_rng(seed)
    values = rng.normal(size=40)
    values[:3] = np.inf
    summary = summarise(values)
    assert summary.count(lambda v: v > 0.5) == sum(1 for v in values if v > 0.5)
    assert summary.count(np.isinf) == 3 == summary.never
    assert summary.count(lambda v: v < -100) == 0


def test_text_says_median_quartiles_range_and_seeds_in_one_format():
    summary = summarise([0.127, 0.089, 0.180, 0.031, 0.412], seeds=[3, 4, 5, 6, 7])
    assert str(summary) == (
        "median 0.127 (quartiles 0.089 to 0.18, range 0.031 to 0.412, 5 seeds)"
    )
    assert f"{summary:.3f}" == (
        "median 0.127 (quartiles 0.089 to 0.180, range 0.031 to 0.412, 5 seeds)"
    )
    assert summary.format(".1e") == format(summary, ".1e")
    assert repr(summary) == f"<SeedSummary: {summary}>"


def test_text_says_never_and_how_many_never_got_there():
    summary = summarise([12, np.inf, 9, 15, np.inf, 30, np.inf])
    # Sorted 9, 12, 15, 30, never x 3: h = 1.5, 3, 4.5.
    assert summary.format(".1f") == (
        "median 30.0 (quartiles 13.5 to never, range 9.0 to never, 7 seeds, 3 never)"
    )
    assert str(summarise([np.inf])) == (
        "median never (quartiles never to never, range never to never, 1 seed, "
        "1 never)"
    )


def test_none_in_a_list_is_never():
    assert summarise([3.0, None, 1.0]).never == 1
    assert summarise([3.0, None, 1.0]).high == math.inf


def test_the_summary_keeps_its_own_read_only_copy():
    values = np.array([1.0, 2.0, 3.0])
    summary = summarise(values)
    values[0] = 100.0
    assert summary.values.tolist() == [1.0, 2.0, 3.0] and summary.low == 1.0
    with pytest.raises(ValueError, match="read-only"):
        summary.values[0] = 5.0
    assert isinstance(summary, SeedSummary)
    assert summary.seeds.tolist() == [0, 1, 2]


def test_over_seeds_calls_the_experiment_once_per_seed_in_order():
    calls = []

    def experiment(seed):
        calls.append(seed)
        return None if seed == 7 else float(seed) ** 2

    summary = over_seeds(experiment, range(5, 9))
    assert calls == [5, 6, 7, 8] and all(type(s) is int for s in calls)
    assert summary.values.tolist() == [25.0, 36.0, math.inf, 64.0]
    assert summary.seeds.tolist() == [5, 6, 7, 8]
    assert summary.percentile_of(7) == 87.5


def test_over_seeds_matches_summarise_of_a_loop():
    def experiment(seed):
        return float(np.random.default_rng(seed).normal())

    seeds = [2, 3, 5, 7, 11, 13]
    by_loop = summarise([experiment(s) for s in seeds], seeds)
    by_helper = over_seeds(experiment, seeds)
    assert str(by_loop) == str(by_helper)
    assert by_loop.values.tolist() == by_helper.values.tolist()


BAD_CALLS = {
    "nan": (
        lambda: summarise([1.0, np.nan], seeds=[4, 9]),
        ValueError,
        "values must be numbers or inf, got NaN (a missing result is not 'never') "
        "at index 1 (seed 9)",
    ),
    "-inf": (
        lambda: summarise([-np.inf, 1.0]),
        ValueError,
        "values must be numbers or inf, got -inf",
    ),
    "empty": (
        lambda: summarise([]),
        ValueError,
        "values must hold one result per seed, got an empty array",
    ),
    "2-d": (
        lambda: summarise(np.ones((2, 3))),
        ValueError,
        "values must be a 1-dimensional array, got shape (2, 3)",
    ),
    "text": (lambda: summarise(["a", "b"]), TypeError, "values must be a number"),
    "complex": (lambda: summarise([1j]), TypeError, "values must be real"),
    "seed count": (
        lambda: summarise([1.0, 2.0], seeds=[1, 2, 3]),
        ValueError,
        "seeds must name one seed per value: 2 values, got 3 seeds",
    ),
    "seed twice": (
        lambda: summarise([1.0, 2.0], seeds=[3, 3]),
        ValueError,
        "seeds must not repeat a seed, got 3 twice",
    ),
    "seed float": (
        lambda: summarise([1.0], seeds=[1.5]),
        TypeError,
        "seeds[0] must be an integer of at least 0, got float 1.5",
    ),
    "seed negative": (
        lambda: summarise([1.0], seeds=[-1]),
        ValueError,
        "seeds[0] must be at least 0, got -1",
    ),
    "seeds int": (
        lambda: summarise([1.0], seeds=5),
        TypeError,
        "seeds must be a list or range of integer seeds, got int",
    ),
    "predicate": (
        lambda: summarise([1.0]).count(2.0),
        TypeError,
        "predicate must be a callable function, got float",
    ),
    "predicate dtype": (
        lambda: summarise([1.0, 2.0]).count(lambda v: v * 2),
        TypeError,
        "predicate must return booleans, one per seed (e.g. lambda v: v > 1), got "
        "dtype float64",
    ),
    "predicate shape": (
        lambda: summarise([1.0, 2.0]).count(lambda v: np.any(v > 1)),
        ValueError,
        "predicate must return one boolean per seed, shape (2,), got shape ()",
    ),
    "unknown seed": (
        lambda: summarise([1.0, 2.0], seeds=[10, 11]).percentile_of(3),
        ValueError,
        "seed must be one of the 2 summarised seeds (10, 11), got 3",
    ),
    "seed as float": (
        lambda: summarise([1.0, 2.0], seeds=[10, 11]).percentile_of(10.0),
        ValueError,
        "seed must be one of the 2 summarised seeds (10, 11), got 10.0",
    ),
    "format": (
        lambda: format(summarise([1.0]), "d"),
        ValueError,
        "format spec must be a float format such as '.3f' or '.3g', got 'd'",
    ),
    "experiment": (
        lambda: over_seeds(3, range(2)),
        TypeError,
        "experiment must be a callable function, got int",
    ),
    "experiment bool": (
        lambda: over_seeds(lambda seed: seed > 0, range(2)),
        TypeError,
        "experiment must return a real number (inf or None for 'never'), got bool "
        "for seed 0",
    ),
    "experiment array": (
        lambda: over_seeds(lambda seed: np.ones(2), range(2)),
        TypeError,
        "experiment must return a real number (inf or None for 'never'), got "
        "ndarray for seed 0",
    ),
    "experiment nan": (
        lambda: over_seeds(lambda seed: math.nan if seed == 4 else 1.0, range(3, 6)),
        ValueError,
        "values must be numbers or inf, got NaN (a missing result is not 'never') "
        "at index 1 (seed 4)",
    ),
    "no seeds": (
        lambda: over_seeds(lambda seed: 1.0, []),
        ValueError,
        "seeds must hold at least one seed, got none",
    ),
}


@pytest.mark.parametrize("call, error, message", BAD_CALLS.values(), ids=BAD_CALLS)
def test_bad_input_names_the_argument_what_was_expected_and_what_arrived(
    call, error, message
):
    with pytest.raises(error) as caught:
        call()
    assert message in str(caught.value)
