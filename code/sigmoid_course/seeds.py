"""Results over many seeds, summarised: median, quartiles, range and counts.

A training or initialisation run depends on its seed, so one run checks
that seed, not a claim.  The course runs each experiment over many seeds
(at least 20) and quotes the median and spread:

- :func:`summarise` takes one result per seed (e.g. a row of a stacked
  computation, see :func:`sigmoid_course.network.init_params_stack`) and
  returns a :class:`SeedSummary`;
- :func:`over_seeds` runs a cheap experiment once per seed and summarises
  what it returns.

A result that never happened, such as the epoch at which a run that never
reaches 90 % accuracy reaches it, is ``inf`` ("never"): it sorts above every
number, so the quartiles stay meaningful (a quartile is "never" only when
enough seeds never got there), and the text says "never".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import check_callable, check_real_array, check_seeds, is_integer

__all__ = ["SeedSummary", "over_seeds", "summarise"]

DEFAULT_FORMAT = ".3g"


def _quantile(ordered: np.ndarray, p: float) -> float:
    """Hyndman & Fan's type 7 quantile of sorted values, with inf sorted last."""
    h = p * (ordered.size - 1)  # exact for p = 1/4, 1/2, 3/4
    j = int(np.floor(h))
    if h == j:
        return float(ordered[j])
    if np.isinf(ordered[j + 1]):
        # Interpolating towards "never" gives "never".  (np.quantile gives inf
        # here too, but nan with a warning where the weight of inf is 0, which
        # the branch above handles.)
        return np.inf
    # Both neighbours are finite: exactly the number np.quantile gives.
    return float(np.quantile(ordered, p))


def _number(value: float, spec: str) -> str:
    return "never" if np.isinf(value) else format(value, spec)


class SeedSummary:
    """One result per seed, and their median, quartiles and range.

    ``values[k]`` is the result of seed ``seeds[k]``; both are read-only
    arrays.  ``inf`` means "never" (a level never reached).

    **Quartiles** ``q1``, ``median``, ``q3`` are Hyndman & Fan's type 7
    quantiles at p = ¼, ½, ¾: over the sorted values x₀ ≤ … ≤ x_{n−1},
    h = p(n − 1) and q = x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋+1 − x_⌊h⌋).  This is the
    default method of NumPy (``np.quantile`` and ``np.percentile`` give the
    same numbers) and of R, so a reader can check every printed quartile;
    the median of an even count is the mean of the two middle values, as
    ``np.median`` computes it (to the last bit or one ulp).
    With "never" (inf) values the rule continues: an interpolation towards
    inf is inf.  So a quantile is "never" exactly when x_⌈h⌉ is: the median
    of n seeds is "never" when at least n/2 of them (n even), or more than
    n/2 (n odd), never got there, just as ``np.median`` gives inf.

    **Percentile of a seed** (:meth:`percentile_of`): the mid-rank
    percentile 100·(#below + ½·#equal)/n, counting the seed itself among
    the equal values.  Of 20 distinct values the smallest sits at 2.5 and the
    largest at 97.5 (of 21, the middle one at 50): symmetric, and never 0
    or 100.

    Eight seeds, 0 to 7, sorted values 1, 1, 2, 3, 4, 5, 6, 9: h = 1.75,
    3.5 and 5.25 give the quartiles 1.75, 3.5 and 5.25; seed 4 (value 5)
    has five values below it, so it sits at 100·5.5/8 = 68.75:

    >>> s = summarise([3, 1, 4, 1, 5, 9, 2, 6])
    >>> print(s)
    median 3.5 (quartiles 1.75 to 5.25, range 1 to 9, 8 seeds)
    >>> s.count(lambda v: v > 2), s.percentile_of(4)
    (5, 68.75)
    >>> print(f"{s:.2f}")
    median 3.50 (quartiles 1.75 to 5.25, range 1.00 to 9.00, 8 seeds)

    Explained in: Chapter 4, "Learning speed per layer".
    """

    __slots__ = ("_sorted", "high", "low", "median", "n", "q1", "q3", "seeds", "values")

    def __init__(self, values: np.ndarray, seeds: np.ndarray):
        # Built by summarise(), which checks the arguments.
        self.values, self.seeds = values, seeds
        self.values.flags.writeable = False
        self.seeds.flags.writeable = False
        self._sorted = np.sort(values)
        self.n = int(values.size)
        self.q1, self.median, self.q3 = (
            _quantile(self._sorted, p) for p in (0.25, 0.5, 0.75)
        )
        self.low, self.high = float(self._sorted[0]), float(self._sorted[-1])

    @property
    def never(self) -> int:
        """How many seeds never got there: the number of ``inf`` values."""
        return int(np.count_nonzero(np.isinf(self.values)))

    def count(self, predicate: Callable[[np.ndarray], ArrayLike]) -> int:
        """Return how many seeds meet a criterion.

        ``predicate`` takes the array of values and returns one boolean per
        seed, e.g. ``lambda v: v > 1`` or ``np.isinf`` (never got there).

        >>> summarise([0.5, 2.0, np.inf]).count(lambda v: v > 1)
        2
        """
        check_callable(predicate, "predicate")
        met = np.asarray(predicate(self.values))
        if met.dtype != np.bool_:
            raise TypeError(
                "predicate must return booleans, one per seed (e.g. lambda v: v > 1), "
                f"got dtype {met.dtype}"
            )
        if met.shape != self.values.shape:
            raise ValueError(
                "predicate must return one boolean per seed, shape "
                f"{self.values.shape}, got shape {met.shape}"
            )
        return int(np.count_nonzero(met))

    def percentile_of(self, seed: int) -> float:
        """Return where the value of ``seed`` sits in the spread, as a percentile.

        The mid-rank percentile 100·(#below + ½·#equal)/n, where #below counts
        the seeds with a smaller value and #equal those with the same value,
        ``seed`` included (see the class).  ``seed`` must be one of ``seeds``.

        >>> summarise([10.0, 30.0, 20.0, 40.0], seeds=[7, 8, 9, 10]).percentile_of(8)
        62.5
        """
        matches = np.flatnonzero(self.seeds == seed) if is_integer(seed) else []
        if len(matches) == 0:
            shown = ", ".join(str(s) for s in self.seeds[:5])
            more = ", ..." if self.n > 5 else ""
            raise ValueError(
                f"seed must be one of the {self.n} summarised seeds ({shown}{more}), "
                f"got {seed!r}"
            )
        value = self.values[matches[0]]
        below = np.count_nonzero(self.values < value)
        equal = np.count_nonzero(self.values == value)
        return float(100.0 * (below + 0.5 * equal) / self.n)

    def __format__(self, spec: str) -> str:
        """The one-line summary with every number formatted by ``spec`` (default
        ``".3g"``), and "never" for inf."""
        spec = spec or DEFAULT_FORMAT
        try:
            format(1.0, spec)
        except ValueError:
            raise ValueError(
                f"format spec must be a float format such as '.3f' or '.3g', got "
                f"{spec!r}"
            ) from None
        q = [_number(v, spec) for v in (self.median, self.q1, self.q3)]
        r = [_number(v, spec) for v in (self.low, self.high)]
        text = (
            f"median {q[0]} (quartiles {q[1]} to {q[2]}, range {r[0]} to {r[1]}, "
            f"{self.n} seed{'s' if self.n != 1 else ''}"
        )
        return text + (f", {self.never} never)" if self.never else ")")

    def format(self, spec: str = DEFAULT_FORMAT) -> str:
        """Return the one-line summary with every number formatted by ``spec``.

        >>> summarise([12, 15, 9, np.inf, 30]).format(".0f")
        'median 15 (quartiles 12 to 30, range 9 to never, 5 seeds, 1 never)'
        """
        return self.__format__(spec)

    def __str__(self) -> str:
        return self.__format__(DEFAULT_FORMAT)

    def __repr__(self) -> str:
        return f"<SeedSummary: {self}>"


def summarise(
    values: ArrayLike, seeds: Sequence[int] | None = None
) -> SeedSummary:
    """Return a :class:`SeedSummary` of one result per seed.

    ``values`` is 1-D, one real number per seed; ``inf`` (or ``None`` in a
    list) stands for "never" (a level never reached).  ``seeds`` names the
    seed of each value (default ``range(len(values))``); they must be
    distinct.  NaN is an error (a result that is missing is not "never"), as
    are -inf and an empty array.

    A stacked run gives the values at once:

    >>> from sigmoid_course import gaussian_clusters, initial_gradient_norms
    >>> X, y = gaussian_clusters(200, np.random.default_rng(0))
    >>> norms = initial_gradient_norms(X, y, 4, seeds=range(20))
    >>> ratio = summarise(norms[:, 0] / norms[:, -1])
    >>> print(f"first/last: {ratio:.3f}")
    first/last: median 0.007 (quartiles 0.006 to 0.009, range 0.004 to 0.012, 20 seeds)

    Explained in: Chapter 4, "Learning speed per layer".
    """
    if isinstance(values, (list, tuple)):
        values = [np.inf if v is None else v for v in values]
    values = check_real_array(values, "values", ndim=1, finite=False)
    if values.size == 0:
        raise ValueError("values must hold one result per seed, got an empty array")
    if seeds is None:
        seeds = list(range(values.size))
    seeds = check_seeds(seeds, "seeds", distinct=True)
    if len(seeds) != values.size:
        raise ValueError(
            f"seeds must name one seed per value: {values.size} values, got "
            f"{len(seeds)} seeds"
        )
    for bad, what in ((np.isnan(values), "NaN (a missing result is not 'never')"),
                      (values == -np.inf, "-inf (inf stands for 'never')")):
        if np.any(bad):
            k = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"values must be numbers or inf, got {what} at index {k} "
                f"(seed {seeds[k]})"
            )
    return SeedSummary(values.copy(), np.array(seeds, dtype=np.int64))


def over_seeds(experiment: Callable[[int], float], seeds: Sequence[int]) -> SeedSummary:
    """Return the :class:`SeedSummary` of ``experiment(seed)`` for every seed.

    For experiments cheap enough to run one seed at a time; a training sweep
    is faster as one stacked computation
    (:func:`sigmoid_course.network.init_params_stack`) passed to
    :func:`summarise`.  ``experiment`` takes an int seed and returns a real
    number; ``inf``, or ``None`` (as :meth:`TrainingRecord.epochs_to
    <sigmoid_course.gradient_flow.TrainingRecord.epochs_to>` returns), means
    "never".

    The first uniform number of each of 1000 seeds has quartiles near ¼, ½, ¾:

    >>> def first_uniform(seed):
    ...     return float(np.random.default_rng(seed).uniform())
    >>> print(f"{over_seeds(first_uniform, range(1000)):.2f}")
    median 0.52 (quartiles 0.27 to 0.75, range 0.00 to 1.00, 1000 seeds)

    Explained in: Chapter 4, "Learning speed per layer".
    """
    check_callable(experiment, "experiment")
    seeds = check_seeds(seeds, "seeds", distinct=True)
    values = []
    for seed in seeds:
        result = experiment(seed)
        if result is None:
            result = np.inf
        if isinstance(result, (bool, np.bool_)) or not isinstance(
            result, (int, float, np.integer, np.floating)
        ):
            raise TypeError(
                "experiment must return a real number (inf or None for 'never'), got "
                f"{type(result).__name__} for seed {seed}"
            )
        values.append(float(result))
    return summarise(values, seeds)
