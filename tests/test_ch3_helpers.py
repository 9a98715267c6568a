"""Tests of the two measurements that Chapter 3 adds to the network module.

``fewest_errors_of_a_line`` is compared with a different exact algorithm (a
sweep over every direction between critical angles); ``logit_linearity``
with the closed form R² = corr(x, logit)² of a straight-line fit in 1-D.
"""

import numpy as np
import pytest

from sigmoid_course import init_params, predict, train, two_moons
from sigmoid_course.network import fewest_errors_of_a_line, forward, logit_linearity


def _fewest_errors_by_sweeping_directions(X, labels):
    """Exact reference: project on one direction inside every cell between the
    critical directions (where two points project equally), then try every
    threshold between consecutive projections, with both orientations."""
    i, j = np.triu_indices(len(X), 1)
    d = X[j] - X[i]
    critical = np.sort(np.mod(np.arctan2(d[:, 1], d[:, 0]) + np.pi / 2, np.pi))
    following = np.r_[critical[1:], critical[0] + np.pi]  # the last cell wraps around
    middles = (critical + following) / 2
    best = len(X)
    for angle in middles:
        projection = X @ np.array([np.cos(angle), np.sin(angle)])
        ordered = labels[np.argsort(projection)]
        for cut in range(len(X) + 1):  # points before the cut are predicted 0
            errors = int(ordered[:cut].sum() + (1 - ordered[cut:]).sum())
            best = min(best, errors, len(X) - errors)
    return best


@pytest.mark.parametrize("seed", range(6))
def test_fewest_errors_of_a_line_agrees_with_a_sweep_over_directions(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(14, 2))
    labels = rng.integers(0, 2, size=14)
    expected = _fewest_errors_by_sweeping_directions(X, labels)
    assert fewest_errors_of_a_line(X, labels[:, None]) == expected


def test_fewest_errors_of_a_line_is_zero_on_separable_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    labels = (X @ [1.0, -2.0] > 0.3).astype(int)
    assert fewest_errors_of_a_line(X, labels) == 0


def test_logistic_regression_makes_at_least_the_fewest_errors_on_two_moons():
    X, y = two_moons(60, 0.2, np.random.default_rng(0))
    start = init_params([2, 1], np.random.default_rng(1))
    line, _ = train(start, X, y, learning_rate=0.5, epochs=300)
    errors = int(np.sum(predict(line, X) != y))
    fewest = fewest_errors_of_a_line(X, y)
    assert 0 < fewest <= errors
    assert fewest == _fewest_errors_by_sweeping_directions(X, y[:, 0])


def test_fewest_errors_of_a_line_rejects_bad_input():
    with pytest.raises(ValueError, match="shape"):
        fewest_errors_of_a_line(np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="y must have shape"):
        fewest_errors_of_a_line(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError):
        fewest_errors_of_a_line(np.arange(10.0).reshape(5, 2), np.full(5, 2))
    with pytest.raises(ValueError, match="NaN"):
        fewest_errors_of_a_line(np.full((3, 2), np.nan), np.zeros(3))
    with pytest.raises(TypeError):
        fewest_errors_of_a_line("points", np.zeros(3))


def test_logit_linearity_is_one_without_a_hidden_layer():
    X = np.random.default_rng(0).normal(size=(30, 3))
    params = init_params([3, 1], np.random.default_rng(1))
    assert logit_linearity(params, X) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("init", ["xavier", "unit_normal"])
def test_logit_linearity_is_the_squared_correlation_in_one_dimension(init):
    x = np.linspace(-3.0, 3.0, 61)[:, None]
    params = init_params([1, 8, 1], np.random.default_rng(2), init=init)
    logit = forward(params, x)[0][:, 0]
    expected = np.corrcoef(x[:, 0], logit)[0, 1] ** 2
    assert logit_linearity(params, x) == pytest.approx(expected, rel=1e-10)
    assert logit_linearity(params, x) < 1.0


def test_logit_linearity_rejects_too_few_examples():
    params = init_params([2, 3, 1], np.random.default_rng(0))
    with pytest.raises(ValueError, match="more examples"):
        logit_linearity(params, np.zeros((3, 2)))


def test_fewest_errors_of_a_line_counts_repeated_points_on_one_side():
    # The two copies of (0, 0) carry different labels: no line can split them,
    # so one error is unavoidable, and predicting 0 everywhere makes exactly one.
    X = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0], [2.0, 0.5]])
    assert fewest_errors_of_a_line(X, np.array([0, 1, 0, 0])) == 1
    assert fewest_errors_of_a_line(np.zeros((5, 2)), np.array([1, 1, 0, 1, 0])) == 2


@pytest.mark.parametrize("seed", range(3))
def test_fewest_errors_of_a_line_doubles_when_every_point_is_repeated(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(12, 2))
    labels = rng.integers(0, 2, size=12)
    expected = 2 * _fewest_errors_by_sweeping_directions(X, labels)
    assert fewest_errors_of_a_line(np.vstack([X, X]), np.r_[labels, labels]) == expected


def test_logit_linearity_is_one_for_a_constant_logit():
    # Zero weights: every row gets the same logit, an affine function of X.
    params = [(np.zeros_like(W), b + 0.1)
              for W, b in init_params([2, 3, 1], np.random.default_rng(0))]
    X = np.random.default_rng(0).normal(size=(7, 2))
    assert logit_linearity(params, X) == 1.0
