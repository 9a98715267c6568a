"""Unit tests of sigmoid_course.network against independent references.

References: fourth-order central differences of the loss (numerical_gradient),
central differences of each activation, a one-example forward and backward
pass written out by hand with the math module, 50-digit decimal values of the
loss, and the known moments of the initialisers' distributions.
Warnings are errors (pyproject.toml), so any numpy warning fails a test.
"""

import math
from decimal import Decimal, localcontext

import numpy as np
import pytest

from sigmoid_course import (
    accuracy,
    central_difference,
    forward,
    hidden_bias_gradient_norms,
    init_params,
    loss_and_grads,
    numerical_gradient,
    predict,
    predict_proba,
    relative_error,
    train,
    xor,
)
from sigmoid_course.network import ACTIVATIONS, INITIALISERS

# Components of the gradient below this size are compared in absolute terms:
# the fourth-order difference with h = 1e-3 has an absolute rounding error
# near 1e-13, so a relative error means nothing for components much smaller
# than 1e-5 (relative_error's floor).
FLOOR = 1e-5

# ReLU has a kink at 0, where the finite difference straddles two slopes.
# The check perturbs one parameter by at most 2h = 2e-3; that moves a
# pre-activation by 2e-3 times an input of order 1 (a few units at most for
# standard-normal data and these initialisers), so data whose every hidden
# pre-activation is at least KINK_MARGIN away from 0 never crosses a kink.
KINK_MARGIN = 5e-2

# (layer sizes, batch, seed, initialiser, hidden activation): depths 0 to 4
# hidden layers, batches of 1 to 16, every initialiser and activation.
GRADIENT_CASES = [
    ([3, 1], 5, 0, "xavier", "sigmoid"),
    ([2, 3, 1], 1, 1, "xavier", "sigmoid"),
    ([2, 4, 1], 4, 2, "unit_normal", "sigmoid"),
    ([5, 7, 1], 16, 3, "scaled_normal", "sigmoid"),
    ([3, 5, 4, 1], 7, 4, "uniform_fan_in", "sigmoid"),
    ([4, 6, 6, 6, 1], 9, 5, "xavier", "sigmoid"),
    ([2, 3, 3, 3, 3, 1], 3, 6, "unit_normal", "sigmoid"),
    ([2, 5, 1], 6, 7, "xavier", "tanh"),
    ([4, 3, 6, 1], 11, 8, "unit_normal", "tanh"),
    ([3, 4, 4, 4, 1], 2, 9, "uniform_fan_in", "tanh"),
    ([2, 6, 1], 8, 10, "he", "relu"),
    ([3, 5, 5, 1], 12, 11, "he", "relu"),
    ([4, 4, 3, 4, 1], 5, 12, "xavier", "relu"),
]


def _data_away_from_kinks(params, rng, batch, n_in):
    """Standard-normal rows whose hidden ReLU pre-activations all satisfy |z| ≥
    KINK_MARGIN."""
    candidates = rng.standard_normal((40 * batch, n_in))
    _, zs, _ = forward(params, candidates, "relu")
    keep = np.all([np.all(np.abs(z) >= KINK_MARGIN, axis=1) for z in zs], axis=0)
    assert keep.sum() >= batch, "not enough rows away from the kinks; change the seed"
    return candidates[keep][:batch]


def _worst_gradient_error(params, X, y, activation):
    _, grads = loss_and_grads(params, X, y, activation)
    arrays = [array for layer in params for array in layer]
    numeric = numerical_gradient(
        lambda: loss_and_grads(params, X, y, activation)[0], arrays
    )
    analytic = [g for layer in grads for g in layer]
    return max(relative_error(a, n, floor=FLOOR) for a, n in zip(analytic, numeric))


@pytest.mark.parametrize("sizes, batch, seed, init, activation", GRADIENT_CASES)
def test_loss_and_grads_agrees_with_central_differences(
    sizes, batch, seed, init, activation
):
    rng = np.random.default_rng(seed)
    params = init_params(sizes, rng, init)
    if activation == "relu":
        X = _data_away_from_kinks(params, rng, batch, sizes[0])
    else:
        X = rng.standard_normal((batch, sizes[0]))
    y = rng.integers(0, 2, size=(batch, 1))
    assert _worst_gradient_error(params, X, y, activation) < 1e-7


def test_the_gradient_check_would_catch_a_gradient_off_by_one_part_in_a_million():
    # The comparison above is only worth something if it can fail.
    rng = np.random.default_rng(0)
    params = init_params([2, 3, 1], rng)
    X, y = rng.standard_normal((4, 2)), np.array([[0], [1], [1], [0]])
    _, grads = loss_and_grads(params, X, y)
    numeric = numerical_gradient(
        lambda: loss_and_grads(params, X, y)[0], [params[0][0]]
    )[0]
    assert relative_error(grads[0][0] * (1 + 1e-6), numeric, floor=FLOOR) > 1e-7


def test_one_example_matches_backpropagation_written_out_by_hand():
    # A 2-2-1 sigmoid network and one example, with the chain rule applied
    # scalar by scalar using the math module: δ_out = σ(z_out) − y and
    # δ_j = δ_out · v_j · a_j (1 − a_j).
    W1 = np.array([[0.5, -1.0], [2.0, 0.25]])
    b1 = np.array([0.1, -0.3])
    W2 = np.array([[1.5], [-2.0]])
    b2 = np.array([0.2])
    x, label = [0.7, -1.2], 1
    sig = lambda t: 1.0 / (1.0 + math.exp(-t))  # noqa: E731
    a = [sig(x[0] * W1[0, j] + x[1] * W1[1, j] + b1[j]) for j in range(2)]
    z_out = a[0] * W2[0, 0] + a[1] * W2[1, 0] + b2[0]
    p = sig(z_out)
    expected_loss = -math.log(p)
    d_out = p - label
    d_hidden = [d_out * W2[j, 0] * a[j] * (1 - a[j]) for j in range(2)]
    loss, grads = loss_and_grads(
        [(W1, b1), (W2, b2)], np.array([x]), np.array([[label]])
    )
    assert loss == pytest.approx(expected_loss, rel=1e-14)
    np.testing.assert_allclose(
        grads[1][0].ravel(), [d_out * a[0], d_out * a[1]], rtol=1e-13
    )
    np.testing.assert_allclose(grads[1][1], [d_out], rtol=1e-13)
    expected_dW1 = [[x[i] * d_hidden[j] for j in range(2)] for i in range(2)]
    np.testing.assert_allclose(grads[0][0], expected_dW1, rtol=1e-13)
    np.testing.assert_allclose(grads[0][1], d_hidden, rtol=1e-13)


@pytest.mark.parametrize(
    "z, label", [(-800.0, 1), (800.0, 0), (-40.0, 0), (35.0, 1), (0.3, 1), (-2.0, 0)]
)
def test_loss_from_the_logit_matches_fifty_digit_cross_entropy(z, label):
    # One input of 1 and weight z makes the logit exactly z.
    with localcontext() as ctx:  # the global context would leak into every later test
        ctx.prec = 50
        exact = (1 + Decimal(z).exp()).ln() - label * Decimal(z)
    loss, _ = loss_and_grads(
        [(np.array([[z]]), np.array([0.0]))], np.ones((1, 1)), np.array([[label]])
    )
    assert loss == pytest.approx(float(exact), rel=1e-15, abs=1e-300)


def test_huge_logits_give_finite_loss_and_gradients_without_warnings():
    params = [
        (np.full((2, 3), 300.0), np.zeros(3)),
        (np.full((3, 1), -900.0), np.zeros(1)),
    ]
    X, y = np.array([[1.0, 2.0], [-3.0, -1.0]]), np.array([[1], [0]])
    for activation in ACTIVATIONS:
        loss, grads = loss_and_grads(params, X, y, activation)
        assert np.isfinite(loss)
        assert all(np.all(np.isfinite(g)) for layer in grads for g in layer)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivative_matches_central_differences(name):
    act = ACTIVATIONS[name]
    z = np.linspace(-6.0, 6.0, 241)
    if name == "relu":
        z = z[np.abs(z) > 1e-2]  # away from the kink at 0
    a = act.forward(z)
    np.testing.assert_allclose(
        act.derivative(z, a), central_difference(act.forward, z), rtol=1e-8, atol=1e-10
    )


def test_sigmoid_derivative_reuses_the_stored_output():
    # It must read σ from `a`, not recompute it from z (z = 0 would give 0.25
    # everywhere); the reference is a(1 − a) worked out by hand.
    a = np.array([0.2, 0.5, 0.9])
    np.testing.assert_allclose(
        ACTIVATIONS["sigmoid"].derivative(np.zeros(3), a),
        [0.16, 0.25, 0.09],
        rtol=1e-15,
    )


def test_forward_matches_a_hand_computed_pass():
    params = [
        (np.array([[1.0, -1.0]]), np.array([0.0, 0.5])),
        (np.array([[2.0], [3.0]]), np.array([-1.0])),
    ]
    logits, zs, acts = forward(params, np.array([[2.0]]), "tanh")
    expected = 2.0 * math.tanh(2.0) + 3.0 * math.tanh(-1.5) - 1.0
    assert logits.shape == (1, 1)
    assert logits[0, 0] == pytest.approx(expected, rel=1e-15)
    assert len(zs) == 1 and len(acts) == 2
    np.testing.assert_allclose(zs[0], [[2.0, -1.5]])


@pytest.mark.parametrize("init", sorted(INITIALISERS))
def test_init_params_gives_the_documented_shapes(init):
    params = init_params([3, 5, 2, 1], np.random.default_rng(0), init)
    assert [(W.shape, b.shape) for W, b in params] == [
        ((3, 5), (5,)),
        ((5, 2), (2,)),
        ((2, 1), (1,)),
    ]
    assert all(W.dtype == np.float64 and b.dtype == np.float64 for W, b in params)


# Weight variance of a 500 × 800 layer: unit_normal N(0, 1), scaled_normal
# N(0, 1/n_in), uniform_fan_in U[±1/√n_in] (variance 1/(3 n_in)), xavier
# U[±√(6/(n_in + n_out))] (variance 2/(n_in + n_out)), xavier_sigmoid
# U[±4√(6/(n_in + n_out))] (variance 32/(n_in + n_out)), he N(0, 2/n_in).
N_IN, N_OUT = 500, 800
WEIGHT_VARIANCE = {
    "unit_normal": 1.0,
    "scaled_normal": 1.0 / N_IN,
    "uniform_fan_in": 1.0 / (3 * N_IN),
    "xavier": 2.0 / (N_IN + N_OUT),
    "xavier_sigmoid": 32.0 / (N_IN + N_OUT),
    "he": 2.0 / N_IN,
}


@pytest.mark.parametrize("init", sorted(WEIGHT_VARIANCE))
def test_weight_variance_matches_the_initialisers_definition(init):
    # 400 000 samples: the standard error of the sample variance is below
    # 0.25 % of it for these distributions, so 2 % is a safe tolerance.
    ((W, _),) = init_params([N_IN, N_OUT], np.random.default_rng(42), init)
    assert W.var() == pytest.approx(WEIGHT_VARIANCE[init], rel=0.02)
    assert abs(W.mean()) < 0.01 * math.sqrt(WEIGHT_VARIANCE[init])


@pytest.mark.parametrize(
    "init, limit",
    [
        ("uniform_fan_in", 1 / math.sqrt(N_IN)),
        ("xavier", math.sqrt(6 / (N_IN + N_OUT))),
        ("xavier_sigmoid", 4 * math.sqrt(6 / (N_IN + N_OUT))),
    ],
)
def test_uniform_initialisers_fill_their_interval(init, limit):
    ((W, _),) = init_params([N_IN, N_OUT], np.random.default_rng(1), init)
    assert np.abs(W).max() <= limit
    assert np.abs(W).max() > 0.999 * limit


@pytest.mark.parametrize(
    "init, variance",
    [
        ("unit_normal", 1.0),
        ("scaled_normal", 1.0),
        ("uniform_fan_in", 0.0),
        ("xavier", 0.0),
        ("xavier_sigmoid", 0.0),
        ("he", 0.0),
    ],
)
def test_biases_follow_the_initialisers_definition(init, variance):
    ((_, b),) = init_params([2, 20000], np.random.default_rng(3), init)
    if variance == 0.0:
        assert np.all(b == 0.0)
    else:
        assert b.var() == pytest.approx(variance, rel=0.05)


def test_init_params_is_reproducible_by_seed():
    a = init_params([4, 6, 1], np.random.default_rng(7))
    b = init_params([4, 6, 1], np.random.default_rng(7))
    c = init_params([4, 6, 1], np.random.default_rng(8))
    assert all(
        np.array_equal(Wa, Wb) and np.array_equal(ba, bb)
        for (Wa, ba), (Wb, bb) in zip(a, b)
    )
    assert not np.array_equal(a[0][0], c[0][0])


@pytest.mark.parametrize("seed", range(5))
def test_xor_is_learned_to_full_accuracy_deterministically(seed):
    X, y = xor()
    runs = [
        train(
            init_params([2, 4, 1], np.random.default_rng(seed)),
            X,
            y,
            learning_rate=2.0,
            epochs=3000,
        )
        for _ in range(2)
    ]
    (params, losses), (again, _) = runs
    assert accuracy(params, X, y) == 1.0
    assert np.all(np.abs(predict_proba(params, X) - y) < 0.1)
    assert losses[-1] < 0.01 < losses[0]
    assert all(
        np.array_equal(W1, W2) and np.array_equal(b1, b2)
        for (W1, b1), (W2, b2) in zip(params, again)
    )


def test_train_does_not_modify_its_inputs():
    X, y = xor()
    params = init_params([2, 3, 1], np.random.default_rng(0))
    saved = [(W.copy(), b.copy()) for W, b in params]
    X_saved, y_saved = X.copy(), y.copy()
    trained, _ = train(params, X, y, learning_rate=1.0, epochs=20)
    assert all(
        np.array_equal(W, Ws) and np.array_equal(b, bs)
        for (W, b), (Ws, bs) in zip(params, saved)
    )
    assert np.array_equal(X, X_saved) and np.array_equal(y, y_saved)
    assert not np.array_equal(trained[0][0], params[0][0])


def test_train_takes_one_gradient_step_per_epoch_on_the_full_batch():
    X, y = xor()
    params = init_params([2, 3, 1], np.random.default_rng(0))
    loss, grads = loss_and_grads(params, X, y)
    stepped, losses = train(params, X, y, learning_rate=0.5, epochs=1)
    assert losses.tolist() == [loss]
    for (W, b), (dW, db), (W1, b1) in zip(params, grads, stepped):
        np.testing.assert_allclose(W1, W - 0.5 * dW, rtol=1e-15)
        np.testing.assert_allclose(b1, b - 0.5 * db, rtol=1e-15)


def test_minibatch_training_is_reproducible_and_calls_back_every_epoch():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 2))
    y = (X[:, :1] > 0).astype(int)
    params = init_params([2, 3, 1], rng)
    seen = []
    first, losses = train(
        params,
        X,
        y,
        learning_rate=0.5,
        epochs=4,
        batch_size=8,
        rng=np.random.default_rng(1),
        callback=lambda epoch, p: seen.append(epoch),
    )
    second, _ = train(
        params,
        X,
        y,
        learning_rate=0.5,
        epochs=4,
        batch_size=8,
        rng=np.random.default_rng(1),
    )
    assert seen == [0, 1, 2, 3, 4]
    assert losses.shape == (4,)
    assert all(np.array_equal(W1, W2) for (W1, _), (W2, _) in zip(first, second))


def test_predictions_threshold_the_probability_at_one_half():
    # A single unit with weight 1 and bias 0 turns each input into its own logit.
    single = [(np.ones((1, 1)), np.zeros(1))]
    logits = np.array([[-2.0], [0.0], [3.0]])
    expected = [[1 / (1 + math.exp(2.0))], [0.5], [1 / (1 + math.exp(-3.0))]]
    np.testing.assert_allclose(predict_proba(single, logits), expected, rtol=1e-15)
    assert predict(single, logits).ravel().tolist() == [0, 1, 1]
    assert accuracy(single, logits, np.array([[0], [0], [0]])) == pytest.approx(1 / 3)


def test_hidden_bias_gradient_norms_has_one_norm_per_hidden_layer():
    rng = np.random.default_rng(0)
    params = init_params([3, 4, 5, 1], rng)
    _, grads = loss_and_grads(
        params, rng.standard_normal((6, 3)), rng.integers(0, 2, (6, 1))
    )
    norms = hidden_bias_gradient_norms(grads)
    assert norms.shape == (2,)
    np.testing.assert_allclose(
        norms, [math.sqrt(sum(v * v for v in db)) for _, db in grads[:2]], rtol=1e-14
    )


def _net():
    return init_params([2, 3, 1], np.random.default_rng(0))


X_OK, Y_OK = np.zeros((4, 2)), np.array([[0], [1], [1], [0]])

BAD_LOSS_INPUTS = [
    # (X, y, exception, message)
    (
        np.zeros((4, 3)),
        Y_OK,
        ValueError,
        "X has 3 features but the first layer expects 2",
    ),
    (np.zeros(4), Y_OK, ValueError, r"X must have shape \(batch, n_in\), got \(4,\)"),
    (
        np.zeros((0, 2)),
        np.zeros((0, 1)),
        ValueError,
        "X must hold at least one example",
    ),
    (
        X_OK,
        np.array([0, 1, 1, 0]),
        ValueError,
        r"y must have shape \(batch, 1\) = \(4, 1\), got \(4,\)",
    ),
    (X_OK, np.zeros((3, 1)), ValueError, r"got \(3, 1\)"),
    (
        X_OK,
        np.array([[0], [1], [2], [0]]),
        ValueError,
        "y must contain only 0 and 1, got 2",
    ),
    (
        X_OK,
        np.array([[0.0], [0.5], [1.0], [0.0]]),
        ValueError,
        "y must contain only 0 and 1, got 0.5",
    ),
    (
        X_OK,
        np.array([[0.0], [np.nan], [1.0], [0.0]]),
        ValueError,
        "y must contain only 0 and 1, got nan",
    ),
    (
        X_OK,
        np.array([["a"], ["b"], ["a"], ["b"]]),
        TypeError,
        "y must be a numeric array",
    ),
    (np.array([[0.0, np.nan]] * 4), Y_OK, ValueError, "X contains NaN or inf"),
    (np.array([[0.0, np.inf]] * 4), Y_OK, ValueError, "X contains NaN or inf"),
    (np.array([["a", "b"]] * 4), Y_OK, TypeError, "X must be a numeric array"),
]


BAD_PARAMS = [
    ([], "params must be a non-empty list"),
    ("W", "params must be a non-empty list"),
    ([(np.zeros((2, 3)),)], r"layer 1 of params must be a \(W, b\) pair"),
    (
        [(np.zeros((2, 3)), np.zeros(2))],
        r"layer 1: W must have shape \(n_in, n_out\) and b shape \(n_out,\)",
    ),
    ([(np.zeros(2), np.zeros(2))], "layer 1: W must have shape"),
    (
        [(np.zeros((2, 3)), np.zeros(3)), (np.zeros((4, 1)), np.zeros(1))],
        "layer 2: W has 4 inputs but layer 1 has 3 outputs",
    ),
]


def test_train_checks_its_arguments_once_not_in_every_mini_batch(monkeypatch):
    # check_labels ran three times per mini-batch inside train (about 25 % of its time).
    import sigmoid_course.network as network_module
    import sigmoid_course.neuron as neuron_module

    calls = []
    for module in (network_module, neuron_module):
        original = module.check_labels
        monkeypatch.setattr(
            module,
            "check_labels",
            lambda y, *a, _f=original, **k: calls.append(1) or _f(y, *a, **k),
        )
    X = np.random.default_rng(0).standard_normal((40, 2))
    y = (X[:, :1] > 0).astype(int)
    train(
        init_params([2, 3, 1], np.random.default_rng(1)),
        X,
        y,
        learning_rate=0.1,
        epochs=3,
        batch_size=4,
        rng=np.random.default_rng(2),
    )
    assert len(calls) == 1


def test_the_params_a_callback_receives_stay_as_they_were_at_that_epoch():
    # train updates its own copies in place; what it hands out must not change
    # afterwards.
    X, y = xor()
    params = init_params([2, 3, 1], np.random.default_rng(0))
    seen = []
    final, _ = train(
        params,
        X,
        y,
        learning_rate=1.0,
        epochs=3,
        callback=lambda epoch, p: seen.append(
            (p, [(W.copy(), b.copy()) for W, b in p])
        ),
    )
    for handed_out, copied in seen:
        assert all(
            np.array_equal(W, Wc) and np.array_equal(b, bc)
            for (W, b), (Wc, bc) in zip(handed_out, copied)
        )
    assert all(np.array_equal(W, Ws) for (W, _), (Ws, _) in zip(seen[0][0], params))
    assert all(np.array_equal(W, Ws) for (W, _), (Ws, _) in zip(seen[-1][0], final))
