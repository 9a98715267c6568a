"""Unit tests of sigmoid_course.datasets: shapes, balance, reproducibility, geometry,
errors.

The geometric references are the defining curves themselves (circles for two
moons) and Python's ``^`` for XOR.
"""

import numpy as np
import pytest

from sigmoid_course import (
    gaussian_clusters,
    init_params,
    loss_and_grads,
    two_moons,
    two_moons_posterior,
    xor,
)

GENERATORS = {
    "two_moons": lambda n, noise, rng: two_moons(n, noise, rng),
}


def test_xor_labels_are_the_exclusive_or_of_the_inputs():
    X, y = xor()
    assert X.shape == (4, 2) and y.shape == (4, 1)
    assert sorted(map(tuple, X.tolist())) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert y.ravel().tolist() == [int(a) ^ int(b) for a, b in X]


@pytest.mark.parametrize("name", sorted(GENERATORS))
@pytest.mark.parametrize("n", [2, 7, 200])
def test_shapes_dtypes_and_balanced_labels(name, n):
    X, y = GENERATORS[name](n, 0.1, np.random.default_rng(0))
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n, 1)
    assert set(np.unique(y).tolist()) <= {0, 1}
    assert (
        int(y.sum()) == n // 2
    )  # the classes alternate, so they differ in size by at most one


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_the_data_feed_the_network_directly(name):
    X, y = GENERATORS[name](10, 0.1, np.random.default_rng(0))
    loss, _ = loss_and_grads(init_params([2, 3, 1], np.random.default_rng(1)), X, y)
    assert np.isfinite(loss)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_the_same_seed_gives_the_same_data_and_another_seed_does_not(name):
    X1, y1 = GENERATORS[name](50, 0.2, np.random.default_rng(3))
    X2, y2 = GENERATORS[name](50, 0.2, np.random.default_rng(3))
    X3, _ = GENERATORS[name](50, 0.2, np.random.default_rng(4))
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_noise_free_moons_lie_on_their_half_circles():
    X, y = two_moons(400, 0.0, np.random.default_rng(0))
    upper, lower = X[y.ravel() == 0], X[y.ravel() == 1]
    # Class 0: the upper half of the unit circle about (0, 0).
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, rtol=1e-14)
    assert np.all(upper[:, 1] >= 0)
    # Class 1: the lower half of the unit circle about (1, 0.5).
    np.testing.assert_allclose(
        np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0, rtol=1e-14
    )
    assert np.all(lower[:, 1] <= 0.5)


def test_noise_moves_the_moons_off_their_circles_by_about_the_noise_level():
    X, y = two_moons(20000, 0.05, np.random.default_rng(0))
    centres = np.where(y == 0, [0.0, 0.0], [1.0, 0.5])
    radial = np.hypot(*(X - centres).T) - 1.0
    # Isotropic noise of standard deviation s moves a point off a circle of
    # radius 1 by about s in the radial direction.
    assert np.std(radial) == pytest.approx(0.05, rel=0.05)


# ---- gaussian_clusters
# -----------------------------------------------------------------------


def test_gaussian_clusters_have_the_requested_shapes_and_binary_labels():
    X, y = gaussian_clusters(300, np.random.default_rng(0), dim=7, n_clusters=5)
    assert X.shape == (300, 7) and X.dtype == np.float64
    assert y.shape == (300, 1) and set(y.ravel().tolist()) == {0, 1}


def test_gaussian_clusters_without_noise_are_the_centres_each_with_one_label():
    X, y = gaussian_clusters(
        500, np.random.default_rng(1), dim=3, n_clusters=6, spread=0.0
    )
    centres, which = np.unique(X, axis=0, return_inverse=True)
    assert len(centres) <= 6
    for k in range(len(centres)):
        assert len(set(y[which.ravel() == k].ravel().tolist())) == 1


def test_gaussian_cluster_noise_has_length_about_spread():
    X0, _ = gaussian_clusters(
        2000, np.random.default_rng(3), dim=50, n_clusters=2, spread=0.0
    )
    X1, _ = gaussian_clusters(
        2000, np.random.default_rng(3), dim=50, n_clusters=2, spread=1.5
    )
    assert np.linalg.norm(X1 - X0, axis=1).mean() == pytest.approx(1.5, rel=0.03)


def test_gaussian_clusters_are_reproducible_from_the_seed():
    a = gaussian_clusters(50, np.random.default_rng(4))
    b = gaussian_clusters(50, np.random.default_rng(4))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


# ---- two_moons_posterior -------------------------------------------------------


def _posterior_by_trapezoids(x, noise, n=40001):
    """P(y = 1 | x) from a dense trapezoidal rule in the linear domain (another
    rule than the package's Gauss-Legendre in the log domain)."""
    t = np.linspace(0.0, np.pi, n)
    weights = np.full(n, np.pi / (n - 1))
    weights[[0, -1]] /= 2
    arcs = (
        np.column_stack([np.cos(t), np.sin(t)]),
        np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)]),
    )
    p0, p1 = (
        weights @ np.exp(-((x - arc) ** 2).sum(axis=1) / (2 * noise**2)) for arc in arcs
    )
    return p1 / (p0 + p1)


@pytest.mark.parametrize("noise", [0.1, 0.2, 0.4])
def test_two_moons_posterior_agrees_with_a_dense_trapezoidal_rule(noise):
    X, _ = two_moons(30, noise, np.random.default_rng(7))
    expected = np.array([_posterior_by_trapezoids(x, noise) for x in X])
    np.testing.assert_allclose(two_moons_posterior(X, noise), expected, atol=1e-8)


def test_two_moons_posterior_swaps_the_classes_under_the_point_symmetry():
    # (x0, x1) -> (1 - x0, 0.5 - x1) maps each moon onto the other.
    X = np.random.default_rng(8).uniform(-2.0, 3.0, size=(200, 2))
    mirrored = np.column_stack([1.0 - X[:, 0], 0.5 - X[:, 1]])
    np.testing.assert_allclose(
        two_moons_posterior(mirrored, 0.2), 1.0 - two_moons_posterior(X, 0.2),
        atol=1e-12,
    )


def test_two_moons_posterior_is_calibrated_on_samples_of_two_moons():
    # E[y - P(y=1|x)] = 0 and E[(y - P) g(x)] = 0 for any g: checked on 40 000
    # samples within four standard errors.
    X, y = two_moons(40_000, 0.2, np.random.default_rng(9))
    residual = y[:, 0] - two_moons_posterior(X, 0.2)
    for g in (np.ones(len(X)), X[:, 0], X[:, 1], X[:, 0] * X[:, 1]):
        values = residual * g
        assert abs(values.mean()) < 4 * values.std() / np.sqrt(len(values))


def test_two_moons_posterior_is_finite_far_from_both_moons():
    far = np.array([[1e3, 1e3], [-50.0, 0.0], [0.5, -40.0]])
    p = two_moons_posterior(far, 0.2)
    assert np.all(np.isfinite(p)) and np.all((p >= 0) & (p <= 1))


def test_two_moons_posterior_rejects_bad_input():
    with pytest.raises(ValueError, match="shape"):
        two_moons_posterior(np.zeros((3, 3)), 0.2)
    with pytest.raises(ValueError, match="noise"):
        two_moons_posterior(np.zeros((3, 2)), 0.0)
    with pytest.raises(TypeError):
        two_moons_posterior("points", 0.2)
