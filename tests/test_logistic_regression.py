"""Unit tests of sigmoid_course.logistic_regression against independent references.

References: the cross-entropy in 50-digit decimal arithmetic, central
differences of the loss and of the gradient, the Fisher information summed
over both labels by hand, and the closed-form maximum-likelihood weights of
models whose features take one or two values (logits of group frequencies).
"""

from decimal import Decimal, localcontext

import numpy as np
import pytest

from sigmoid_course import (
    fit_logistic_regression,
    logistic_regression_gradient,
    logistic_regression_hessian,
    logistic_regression_loss,
)


def overlapping_data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 2))
    X = np.column_stack([np.ones(n), x])
    p = 1.0 / (1.0 + np.exp(-(X @ np.array([0.3, 1.5, -1.0]))))
    y = (rng.uniform(size=n) < p).astype(float)
    return X, y


def central(f, w, h=1e-6):
    cols = []
    for j in range(w.size):
        step = np.zeros_like(w)
        step[j] = h
        cols.append((np.asarray(f(w + step)) - np.asarray(f(w - step))) / (2 * h))
    return np.stack(cols, axis=-1)


def test_loss_matches_the_50_digit_cross_entropy():
    X, y = overlapping_data(20)
    w = np.array([0.4, -2.0, 3.0])
    with localcontext() as ctx:
        ctx.prec = 50
        total = Decimal(0)
        for xi, yi in zip(X, y):
            z = sum(Decimal(float(a)) * Decimal(float(b)) for a, b in zip(xi, w))
            p = 1 / (1 + (-z).exp())
            total -= p.ln() if yi == 1 else (1 - p).ln()
        exact = float(total / len(y))
    assert logistic_regression_loss(w, X, y) == pytest.approx(exact, rel=1e-14)


def test_loss_stays_finite_for_huge_logits():
    loss = logistic_regression_loss([1000.0], [[1.0], [-1.0]], [0, 1])
    assert loss == pytest.approx(1000.0, rel=1e-15)


def test_gradient_matches_central_differences_of_the_loss():
    X, y = overlapping_data()
    w = np.array([0.2, -0.7, 1.1])
    numeric = central(lambda v: logistic_regression_loss(v, X, y), w)
    np.testing.assert_allclose(logistic_regression_gradient(w, X, y), numeric,
                               atol=1e-9)


def test_hessian_matches_central_differences_of_the_gradient():
    X, y = overlapping_data()
    w = np.array([0.2, -0.7, 1.1])
    numeric = central(lambda v: logistic_regression_gradient(v, X, y), w)
    np.testing.assert_allclose(logistic_regression_hessian(w, X), numeric,
                               atol=1e-8)


def test_hessian_is_the_fisher_information_summed_over_both_labels():
    X, _ = overlapping_data(30)
    w = np.array([0.5, 1.0, -2.0])
    fisher = np.zeros((3, 3))
    for xi in X:
        p = 1.0 / (1.0 + np.exp(-xi @ w))
        for label, prob in ((1.0, p), (0.0, 1.0 - p)):
            score = (p - label) * xi
            fisher += prob * np.outer(score, score)
    np.testing.assert_allclose(logistic_regression_hessian(w, X), fisher / len(X),
                               rtol=1e-12)


def test_hessian_is_positive_semidefinite_and_saturated_points_add_nothing():
    X, _ = overlapping_data()
    w = np.array([0.2, -0.7, 1.1])
    H = logistic_regression_hessian(w, X)
    assert np.linalg.eigvalsh(H).min() > 0
    # One more point with logit 800: its σ' is e^(−800), so n·H is unchanged.
    far = np.array([[1.0, 800.0, 0.0]])
    H_more = logistic_regression_hessian(np.array([0.0, 1.0, 0.0]), np.vstack([X, far]))
    H_base = logistic_regression_hessian(np.array([0.0, 1.0, 0.0]), X)
    np.testing.assert_allclose(H_more * (len(X) + 1), H_base * len(X), rtol=1e-15)


def test_intercept_only_model_gives_the_logit_of_the_frequency():
    y = np.array([1, 1, 1, 0, 0, 1, 0, 1, 1, 1], dtype=float)
    X = np.ones((10, 1))
    for method, rate in (("newton", 1.0), ("gradient", 4.0)):
        fit = fit_logistic_regression(X, y, method=method, learning_rate=rate,
                                      max_iter=10_000, tol=1e-12)
        assert fit.converged
        assert fit.w[0] == pytest.approx(np.log(0.7 / 0.3), rel=1e-10)


def test_binary_feature_gives_the_logits_of_both_groups():
    x = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1], dtype=float)
    y = np.array([1, 0, 0, 0, 1, 1, 0, 1, 1], dtype=float)
    X = np.column_stack([np.ones_like(x), x])
    fit = fit_logistic_regression(X, y, tol=1e-13)
    w0 = np.log(0.25 / 0.75)
    w1 = np.log(0.8 / 0.2) - w0
    np.testing.assert_allclose(fit.w, [w0, w1], rtol=1e-11)


def test_newton_converges_quadratically_and_faster_than_gradient_descent():
    X, y = overlapping_data()
    newton = fit_logistic_regression(X, y, tol=1e-10)
    rate = 4.0 / np.linalg.eigvalsh(X.T @ X / len(y)).max()
    gd = fit_logistic_regression(X, y, "gradient", learning_rate=rate,
                                 max_iter=100_000, tol=1e-10)
    assert newton.converged and gd.converged
    assert newton.iterations < 10 < gd.iterations
    g = newton.gradient_norms
    # Quadratic: each gradient norm is at most a constant times the square of
    # the one before (measured 0.8 to 6.5 here), until rounding takes over.
    big = g[:-1] > 1e-7
    assert np.all(g[1:][big] <= 20 * g[:-1][big] ** 2)
    # Gradient descent is linear: its ratio is a constant far above that.
    assert gd.gradient_norms[-1] / gd.gradient_norms[-2] > 0.5
    np.testing.assert_allclose(newton.w, gd.w, atol=1e-8)
    assert len(newton.losses) == newton.iterations + 1
    assert np.all(np.diff(gd.losses) <= 1e-15)  # falls, up to rounding


def test_iteration_limit_leaves_the_fit_unconverged():
    X, y = overlapping_data()
    fit = fit_logistic_regression(X, y, "gradient", learning_rate=0.1, max_iter=3)
    assert fit.iterations == 3 and not fit.converged


@pytest.mark.parametrize("method", ["newton", "gradient"])
def test_separable_data_raise_instead_of_returning_huge_weights(method):
    X = np.column_stack([np.ones(6), [-3.0, -2.0, -1.0, 1.0, 2.0, 3.0]])
    y = np.array([0, 0, 0, 1, 1, 1])
    with pytest.raises(ValueError, match="no finite maximum-likelihood solution"):
        fit_logistic_regression(X, y, method=method, learning_rate=1.0,
                                max_iter=10_000)


@pytest.mark.parametrize("method", ["newton", "gradient"])
def test_separable_data_raise_when_only_the_separating_coefficient_is_unpenalised(
        method):
    """A penalty on the intercept alone leaves the slope free: on data that the
    slope separates, the penalised loss still falls as the slope grows, and no
    finite minimum exists (the fit once returned a 'converged' slope of 17.8)."""
    X = np.column_stack([np.ones(6), [-3.0, -2.0, -1.0, 1.0, 2.0, 3.0]])
    y = np.array([0, 0, 0, 1, 1, 1])
    with pytest.raises(ValueError, match="unpenalised coefficients alone"):
        fit_logistic_regression(X, y, method=method, learning_rate=1.0,
                                max_iter=10_000, tol=1e-8, l2=[0.1, 0.0])
    # With the slope penalised too, the minimum exists and is found.
    assert fit_logistic_regression(X, y, method=method, learning_rate=1.0,
                                   max_iter=10_000, tol=1e-8, l2=[0.1, 0.1]).converged


def test_one_overlapping_pair_makes_the_data_fit():
    X = np.column_stack([np.ones(6), [-3.0, -2.0, -1.0, 1.0, 2.0, 3.0]])
    y = np.array([0, 0, 1, 0, 1, 1])
    assert fit_logistic_regression(X, y).converged


def test_too_large_a_learning_rate_is_reported():
    X, y = overlapping_data()
    with pytest.raises(ValueError, match="diverged"):
        fit_logistic_regression(X * 1e150, y, "gradient", learning_rate=1e200,
                                max_iter=50)


@pytest.mark.parametrize("kwargs, exc, words", [
    (dict(X=[1.0, 2.0]), ValueError, "X must be a non-empty 2-D array"),
    (dict(X=[[np.inf, 1.0], [0.0, 1.0]]), ValueError, "X must be finite"),
    (dict(X="X"), TypeError, "X must be a number"),
    (dict(y=[0, 1, 0.5]), ValueError, "y must contain only 0 and 1, got 0.5"),
    (dict(y=[0, 1]), ValueError, "y must have shape"),
    (dict(method="lbfgs"), ValueError, "method must be one of"),
    (dict(learning_rate=0.0), ValueError, "learning_rate must be a positive"),
    (dict(learning_rate="fast"), TypeError, "learning_rate must be"),
    (dict(max_iter=0), ValueError, "max_iter must be at least 1"),
    (dict(max_iter=2.5), TypeError, "max_iter must be an integer"),
    (dict(tol=-1.0), ValueError, "tol must be a positive"),
    (dict(X=[[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]]), ValueError, "linearly independent"),
])
def test_bad_arguments_are_refused(kwargs, exc, words):
    args = dict(X=[[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], y=[0, 1, 0])
    args.update(kwargs)
    with pytest.raises(exc, match=words):
        fit_logistic_regression(**args)


def test_bad_weights_are_refused():
    X = [[1.0, 0.0], [1.0, 1.0]]
    with pytest.raises(ValueError, match=r"w must have shape \(2,\)"):
        logistic_regression_hessian([1.0], X)
    with pytest.raises(ValueError, match="w must be finite"):
        logistic_regression_gradient([np.nan, 0.0], X, [0, 1])


def test_float64_overflow_is_reported_instead_of_warned_about():
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
    y = np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match="the loss overflows float64"):
        logistic_regression_loss([1e10, 1e10], X * 1e300, y)
    with pytest.raises(ValueError, match="the Hessian overflows float64"):
        logistic_regression_hessian([0.0, 0.0], X * 1e300)
    big = np.column_stack([np.full(3, 1.5e308), [0.0, 1.0, 2.0]])
    with pytest.raises(ValueError, match="the gradient overflows float64"):
        logistic_regression_gradient([0.0, 0.0], big, [0, 0, 0])
    with pytest.raises(ValueError, match="at the start w = 0 overflows float64"):
        fit_logistic_regression(X * 1e200, y)
    # Finite at w = 0, but the first Newton step overflows: not a learning rate.
    with pytest.raises(ValueError, match="Newton's method overflowed float64"):
        fit_logistic_regression(X * 1e154, y)


def _bisect(f, lo, hi, steps=200):
    """A root of the increasing function f in [lo, hi], by bisection."""
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if f(mid) < 0 else (lo, mid)
    return 0.5 * (lo + hi)


def test_penalised_intercept_solves_its_stationarity_equation():
    # Minimising mean softplus((1 − 2y)w) + ½λw² over one weight: the root of
    # σ(w) − ȳ + λw = 0, found here by bisection.
    y = np.array([1, 1, 1, 1, 1, 0, 1, 1], dtype=float)
    lam = 0.3
    exact = _bisect(lambda w: 1 / (1 + np.exp(-w)) - y.mean() + lam * w, -10, 10)
    fit = fit_logistic_regression(np.ones((8, 1)), y, tol=1e-14, l2=lam)
    assert fit.converged
    assert fit.w[0] == pytest.approx(exact, rel=1e-12)


def test_penalised_loss_gradient_and_hessian_match_central_differences():
    X, y = overlapping_data()
    w, lam = np.array([0.2, -0.7, 1.1]), np.array([0.0, 0.5, 2.0])
    base = logistic_regression_loss(w, X, y)
    assert logistic_regression_loss(w, X, y, l2=lam) == pytest.approx(
        base + 0.5 * (0.5 * 0.49 + 2.0 * 1.21), rel=1e-14)
    numeric = central(lambda v: logistic_regression_loss(v, X, y, l2=lam), w)
    np.testing.assert_allclose(logistic_regression_gradient(w, X, y, l2=lam),
                               numeric, atol=1e-9)
    numeric = central(lambda v: logistic_regression_gradient(v, X, y, l2=lam), w)
    np.testing.assert_allclose(logistic_regression_hessian(w, X, l2=lam), numeric,
                               atol=1e-8)


@pytest.mark.parametrize("method", ["newton", "gradient"])
def test_a_penalty_gives_separable_data_a_finite_solution(method):
    X = np.column_stack([np.ones(6), [-3.0, -2.0, -1.0, 1.0, 2.0, 3.0]])
    y = np.array([0, 0, 0, 1, 1, 1])
    fit = fit_logistic_regression(X, y, method, learning_rate=1.0, max_iter=10_000,
                                  tol=1e-10, l2=[0.0, 0.1])
    assert fit.converged
    # At the minimum the penalised gradient vanishes, entry by entry: the
    # slope's loss gradient is balanced by the penalty 0.1·w.
    g = logistic_regression_gradient(fit.w, X, y)
    np.testing.assert_allclose(g, [0.0, -0.1 * fit.w[1]], atol=1e-10)
    assert 0 < fit.w[1] < 10


# scikit-learn 1.9.1 (numpy 2.4.6), LogisticRegression with its default
# penalty (L2, C = 1, intercept not penalised) and a tight tolerance, on the
# separable data of Chapter 9's "Separable data" section:
#   rng = np.random.default_rng(2)
#   x = np.concatenate([rng.normal(-1.5, 0.7, 20), rng.normal(1.5, 0.7, 20)])
#   y = np.repeat([0, 1], 20)
#   m = LogisticRegression(solver="newton-cholesky", tol=1e-10).fit(x[:, None], y)
#   print(repr(m.intercept_[0]), repr(m.coef_[0, 0]))
# (lbfgs and newton-cg agree to 1e-8; with the defaults' tol=1e-4, lbfgs
# stops at 0.13365, 2.21213.)
SKLEARN_C1 = (0.13450029473150535, 2.2118993089182024)


def test_penalty_of_one_over_n_reproduces_scikit_learns_default_fit():
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.normal(-1.5, 0.7, 20), rng.normal(1.5, 0.7, 20)])
    y = np.repeat([0.0, 1.0], 20)
    X = np.column_stack([np.ones(40), x])
    fit = fit_logistic_regression(X, y, tol=1e-12, l2=[0.0, 1 / 40])
    np.testing.assert_allclose(fit.w, SKLEARN_C1, rtol=1e-6)


def test_a_stack_is_fitted_member_by_member():
    data = [overlapping_data(seed=s) for s in range(4)]
    X, y = np.array([d[0] for d in data]), np.array([d[1] for d in data])
    rates = 4.0 / np.linalg.eigvalsh(np.swapaxes(X, 1, 2) @ X / X.shape[1]).max(-1)
    for method in ("newton", "gradient"):
        stack = fit_logistic_regression(X, y, method, learning_rate=rates,
                                        max_iter=20_000, tol=1e-9)
        for k in range(4):
            alone = fit_logistic_regression(X[k], y[k], method,
                                            learning_rate=rates[k],
                                            max_iter=20_000, tol=1e-9)
            assert stack.iterations[k] == alone.iterations and stack.converged[k]
            np.testing.assert_allclose(stack.w[k], alone.w, rtol=1e-13)
            np.testing.assert_allclose(
                stack.gradient_norms[k, :alone.iterations + 1],
                alone.gradient_norms, rtol=1e-12)
            assert np.all(np.isnan(stack.losses[k, alone.iterations + 1:]))
        assert stack.losses.shape == (4, stack.iterations.max() + 1)


def test_separation_in_a_stack_names_the_member():
    X = np.column_stack([np.ones(6), [-3.0, -2.0, -1.0, 1.0, 2.0, 3.0]])
    X = np.array([X, X])
    y = np.array([[0, 0, 1, 0, 1, 1], [0, 0, 0, 1, 1, 1]])
    with pytest.raises(ValueError, match="member 1 of the stack: the data are "
                                         "linearly separable"):
        fit_logistic_regression(X, y)


@pytest.mark.parametrize("kwargs, exc, words", [
    (dict(l2=-1.0), ValueError, "l2 must be non-negative"),
    (dict(l2=[0.1, 0.2, 0.3]), ValueError, r"l2 must be a number or have shape \(2,\)"),
    (dict(l2="much"), TypeError, "l2 must be"),
    (dict(learning_rate=[0.1, 0.2]), ValueError, "learning_rate must be a positive"),
    (dict(X=np.ones((2, 3, 2)), y=np.ones(3)), ValueError,
     r"y must have shape \(2, 3\)"),
    (dict(X=np.ones((1, 1, 3, 2))), ValueError, "X must be a non-empty 2-D array"),
])
def test_bad_penalties_and_stacks_are_refused(kwargs, exc, words):
    args = dict(X=[[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], y=[0, 1, 0])
    args.update(kwargs)
    with pytest.raises(exc, match=words):
        fit_logistic_regression(**args)
