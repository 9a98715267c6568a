"""Unit tests of sigmoid_course.datasets: shapes, balance, reproducibility, geometry, errors.

The geometric references are the defining curves themselves (circles for two
moons, r = t with angle 2π·turns·t + cπ for two spirals) and Python's ``^``
for XOR.
"""

import numpy as np
import pytest

from sigmoid_course import loss_and_grads, init_params, two_moons, two_spirals, xor

GENERATORS = {
    "two_moons": lambda n, noise, rng: two_moons(n, noise, rng),
    "two_spirals": lambda n, noise, rng: two_spirals(n, noise, rng),
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
    assert int(y.sum()) == n // 2  # the classes alternate, so they differ in size by at most one


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
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0, rtol=1e-14)
    assert np.all(lower[:, 1] <= 0.5)


def test_noise_moves_the_moons_off_their_circles_by_about_the_noise_level():
    X, y = two_moons(20000, 0.05, np.random.default_rng(0))
    centres = np.where(y == 0, [0.0, 0.0], [1.0, 0.5])
    radial = np.hypot(*(X - centres).T) - 1.0
    # Isotropic noise of standard deviation s moves a point off a circle of
    # radius 1 by about s in the radial direction.
    assert np.std(radial) == pytest.approx(0.05, rel=0.05)


@pytest.mark.parametrize("turns", [0.5, 1.5, 3.0])
def test_noise_free_spirals_follow_their_defining_curve(turns):
    X, y = two_spirals(300, 0.0, np.random.default_rng(1), turns=turns)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.all((r >= 0.05) & (r <= 1.0))
    angle = 2 * np.pi * turns * r + np.pi * y.ravel()
    np.testing.assert_allclose(X, np.column_stack([r * np.cos(angle), r * np.sin(angle)]), atol=1e-12)


@pytest.mark.parametrize("name", sorted(GENERATORS))
@pytest.mark.parametrize("n, noise, rng, exception, message", [
    (10, 0.1, 0, TypeError, "rng must be a numpy.random.Generator"),
    (10, 0.1, None, TypeError, "rng must be a numpy.random.Generator"),
    (10, 0.1, np.random.RandomState(0), TypeError, "rng must be a numpy.random.Generator"),
    (1, 0.1, np.random.default_rng(0), ValueError, "n must be an integer of at least 2, got 1"),
    (10.0, 0.1, np.random.default_rng(0), ValueError, "n must be an integer of at least 2, got 10.0"),
    (10, -0.1, np.random.default_rng(0), ValueError, "noise must be a non-negative number, got -0.1"),
    (10, np.nan, np.random.default_rng(0), ValueError, "noise must be a non-negative number, got nan"),
    (10, np.inf, np.random.default_rng(0), ValueError, "noise must be a non-negative number, got inf"),
])
def test_bad_arguments_are_rejected_with_a_clear_message(name, n, noise, rng, exception, message):
    with pytest.raises(exception, match=message):
        GENERATORS[name](n, noise, rng)


@pytest.mark.parametrize("name", sorted(GENERATORS))
@pytest.mark.parametrize("noise", ["0.1", None, True])
def test_noise_that_is_not_a_number_raises_type_error(name, noise):
    # Without the check, np.isfinite("0.1") fails with numpy's message about ufunc input types.
    with pytest.raises(TypeError, match="noise must be a non-negative number, got"):
        GENERATORS[name](10, noise, np.random.default_rng(0))


def test_two_spirals_rejects_turns_that_are_not_a_number():
    with pytest.raises(TypeError, match="turns must be a positive number, got str"):
        two_spirals(10, 0.0, np.random.default_rng(0), turns="2")


@pytest.mark.parametrize("turns", [0.0, -1.0, np.nan, np.inf])
def test_two_spirals_rejects_a_bad_number_of_turns(turns):
    with pytest.raises(ValueError, match="turns must be positive"):
        two_spirals(10, 0.0, np.random.default_rng(0), turns=turns)
