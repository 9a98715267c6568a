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
