"""Unit tests of sigmoid_course.network against independent references.

References: fourth-order central differences of the loss (numerical_gradient),
central differences of each activation, a one-example forward and backward
pass written out by hand with the math module, 50-digit decimal values of the
loss, and the known moments of the initialisers' distributions.
Warnings are errors (pyproject.toml), so any numpy warning fails a test.
"""

import ast
import inspect
import math
import re
from decimal import Decimal, localcontext

import numpy as np
import pytest

import sigmoid_course.network as network_module
from notebooks import ROOT, load
from sigmoid_course import (
    accuracy,
    central_difference,
    forward,
    hidden_bias_gradient_norms,
    init_params,
    init_params_stack,
    loss_and_grads,
    numerical_gradient,
    predict,
    predict_proba,
    relative_error,
    train,
    xor,
)
from sigmoid_course.network import ACTIVATIONS, INITIALISERS, logit_linearity

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


# ---- stacks of networks: one per seed, trained and measured together ----------------

SEEDS = [3, 0, 17, 5]


def _assert_layers_equal(stacked, singles):
    """Slice s of every stacked W and b is bit for bit network s's."""
    for s, single in enumerate(singles):
        for (W, b), (W1, b1) in zip(stacked, single):
            np.testing.assert_array_equal(W[s], W1, strict=True)
            np.testing.assert_array_equal(b[s], b1, strict=True)


@pytest.mark.parametrize("init", sorted(INITIALISERS))
def test_init_params_stack_slices_are_the_networks_of_their_seeds(init):
    stack = init_params_stack([4, 6, 5, 1], SEEDS, init)
    assert [(W.shape, b.shape) for W, b in stack] == [
        ((4, 4, 6), (4, 6)),
        ((4, 6, 5), (4, 5)),
        ((4, 5, 1), (4, 1)),
    ]
    singles = [init_params([4, 6, 5, 1], np.random.default_rng(s), init) for s in SEEDS]
    _assert_layers_equal(stack, singles)


def _stack_and_singles(sizes, init="xavier"):
    stack = init_params_stack(sizes, SEEDS, init)
    singles = [init_params(sizes, np.random.default_rng(s), init) for s in SEEDS]
    return stack, singles


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("shared", [True, False], ids=["shared X", "X per network"])
def test_a_stacks_loss_and_gradients_are_each_networks_bit_for_bit(activation, shared):
    """Bit for bit: worst difference measured 0 (NumPy computes each slice of a
    stacked @ with the BLAS call of the single product)."""
    rng = np.random.default_rng(1)
    init = "he" if activation == "relu" else "xavier"
    stack, singles = _stack_and_singles([5, 7, 6, 1], init)
    if shared:
        X, y = rng.standard_normal((13, 5)), rng.integers(0, 2, (13, 1))
        data = [(X, y)] * len(SEEDS)
    else:
        X, y = rng.standard_normal((4, 13, 5)), rng.integers(0, 2, (4, 13, 1))
        data = list(zip(X, y))
    losses, grads = loss_and_grads(stack, X, y, activation)
    assert losses.shape == (4,)
    logits, zs, acts = forward(stack, X, activation)
    for s, (params, (X_s, y_s)) in enumerate(zip(singles, data)):
        loss, single_grads = loss_and_grads(params, X_s, y_s, activation)
        assert losses[s] == loss
        for (dW, db), (dW1, db1) in zip(grads, single_grads):
            np.testing.assert_array_equal(dW[s], dW1, strict=True)
            np.testing.assert_array_equal(db[s], db1, strict=True)
        logits1, zs1, acts1 = forward(params, X_s, activation)
        np.testing.assert_array_equal(logits[s], logits1, strict=True)
        for z, z1 in zip(zs, zs1):
            np.testing.assert_array_equal(z[s], z1, strict=True)
        assert accuracy(stack, X, y, activation)[s] == accuracy(
            params, X_s, y_s, activation
        )
        np.testing.assert_array_equal(
            predict_proba(stack, X, activation)[s],
            predict_proba(params, X_s, activation),
        )
        np.testing.assert_array_equal(
            hidden_bias_gradient_norms(grads)[s],
            hidden_bias_gradient_norms(single_grads),
        )


def test_a_stacks_gradient_agrees_with_central_differences_per_network():
    # Independent of the single-network code: network s's loss as a function of
    # all of the stack's arrays, differentiated numerically.
    rng = np.random.default_rng(2)
    stack = init_params_stack([3, 4, 1], [1, 2])
    X, y = rng.standard_normal((6, 3)), rng.integers(0, 2, (6, 1))
    _, grads = loss_and_grads(stack, X, y)
    arrays = [array for layer in stack for array in layer]
    for s in range(2):
        numeric = numerical_gradient(
            lambda s=s: loss_and_grads(stack, X, y)[0][s], arrays
        )
        for g, n in zip((g for layer in grads for g in layer), numeric):
            assert relative_error(g[s], n[s], floor=FLOOR) < 1e-7
            # The other network's arrays do not enter (the stencil's weights
            # leave a residue of order 1e-14 when the values are equal).
            assert np.all(np.abs(np.delete(n, s, axis=0)) < 1e-13)


def test_a_networks_loss_does_not_move_when_another_network_of_the_stack_does():
    rng = np.random.default_rng(5)
    stack = init_params_stack([3, 4, 4, 1], [1, 2, 3])
    X, y = rng.standard_normal((9, 3)), rng.integers(0, 2, (9, 1))
    before, grads = loss_and_grads(stack, X, y)
    moved = [(W.copy(), b.copy()) for W, b in stack]
    for W, b in moved:
        W[1] += rng.standard_normal(W[1].shape)
        b[1] += 1.0
    after, moved_grads = loss_and_grads(moved, X, y)
    assert after[0] == before[0] and after[2] == before[2] and after[1] != before[1]
    for (dW, _), (dW_moved, _) in zip(grads, moved_grads):
        np.testing.assert_array_equal(dW[[0, 2]], dW_moved[[0, 2]])


@pytest.mark.parametrize("batch_size", [None, 7])
def test_training_a_stack_makes_each_networks_own_run_bit_for_bit(batch_size):
    """Bit for bit: worst difference measured 0 over 3 epochs of mini-batches of 7
    (the last batch of each epoch holds 5) and of full batches."""
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((40, 3)), rng.integers(0, 2, (40, 1))
    stack, singles = _stack_and_singles([3, 5, 5, 1])
    rngs = [np.random.default_rng(s + 1) for s in SEEDS] if batch_size else None
    seen = []
    trained, losses = train(
        stack, X, y, learning_rate=0.3, epochs=3, batch_size=batch_size, rng=rngs,
        callback=lambda epoch, p: seen.append(p[0][0].shape),
    )
    assert losses.shape == (4, 3) and seen == [(4, 3, 5)] * 4
    runs = [
        train(
            params, X, y, learning_rate=0.3, epochs=3, batch_size=batch_size,
            rng=np.random.default_rng(seed + 1) if batch_size else None,
        )
        for params, seed in zip(singles, SEEDS)
    ]
    _assert_layers_equal(trained, [params for params, _ in runs])
    for s, (_, single_losses) in enumerate(runs):
        np.testing.assert_array_equal(losses[s], single_losses, strict=True)


def test_a_stack_trains_on_one_data_set_per_network():
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((4, 12, 3)), rng.integers(0, 2, (4, 12, 1))
    stack, singles = _stack_and_singles([3, 4, 1])
    rngs = [np.random.default_rng(s + 1) for s in SEEDS]
    trained, losses = train(
        stack, X, y, learning_rate=0.3, epochs=2, batch_size=5, rng=rngs
    )
    for s, seed in enumerate(SEEDS):
        alone, alone_losses = train(
            singles[s], X[s], y[s], learning_rate=0.3, epochs=2, batch_size=5,
            rng=np.random.default_rng(seed + 1),
        )
        network_s = [(W[s : s + 1], b[s : s + 1]) for W, b in trained]
        _assert_layers_equal(network_s, [alone])
        np.testing.assert_array_equal(losses[s], alone_losses)


def test_a_stack_of_no_epochs_has_a_loss_array_per_network():
    stack = init_params_stack([2, 1], [0, 1, 2])
    X, y = xor()
    trained, losses = train(stack, X, y, learning_rate=1.0, epochs=0)
    assert losses.shape == (3, 0)
    _assert_layers_equal(trained, [[(W[s], b[s]) for W, b in stack] for s in range(3)])


def _bad_stack_calls():
    stack = init_params_stack([2, 3, 1], [0, 1, 2])
    X, y = np.zeros((4, 2)), np.array([[0], [1], [1], [0]])
    rngs = [np.random.default_rng(s) for s in range(3)]
    return {
        "X of another stack": (
            ValueError,
            lambda: forward(stack, np.zeros((5, 4, 2))),
            "X must be a 2-dimensional array (batch, n_in), shared by the 3 networks "
            "of the stack, or 3-dimensional (3, batch, n_in), one batch per network, "
            "got shape (5, 4, 2)",
        ),
        "X 4-d": (
            ValueError,
            lambda: forward(stack, np.zeros((3, 1, 4, 2))),
            "got shape (3, 1, 4, 2)",
        ),
        "X columns": (
            ValueError,
            lambda: loss_and_grads(stack, np.zeros((3, 4, 5)), y),
            "X must have 2 columns, the inputs of the first layer, got shape (3, 4, 5)",
        ),
        "X empty": (
            ValueError,
            lambda: loss_and_grads(stack, np.zeros((3, 0, 2)), np.zeros((0, 1))),
            "X must hold at least one example, got an empty batch of shape (3, 0, 2)",
        ),
        "y of another stack": (
            ValueError,
            lambda: loss_and_grads(stack, X, np.zeros((2, 4, 1))),
            "y must have shape (batch, 1) = (4, 1), shared by the 3 networks of the "
            "stack, or (3, 4, 1), one label per row of X, got (2, 4, 1)",
        ),
        "one rng for a stack": (
            TypeError,
            lambda: train(stack, X, y, learning_rate=0.1, epochs=1, batch_size=2,
                          rng=np.random.default_rng(0)),
            "rng (mini-batches need it to shuffle the examples) must be a list of 3 "
            "numpy.random.Generator objects, one per network of the stack, got "
            "Generator",
        ),
        "too few rngs": (
            ValueError,
            lambda: train(stack, X, y, learning_rate=0.1, epochs=1, batch_size=2,
                          rng=rngs[:2]),
            "must be a list of 3 numpy.random.Generator objects, one per network of "
            "the stack, got 2",
        ),
        "rng twice": (
            ValueError,
            lambda: train(stack, X, y, learning_rate=0.1, epochs=1, batch_size=2,
                          rng=[rngs[0], rngs[1], rngs[0]]),
            "must hold 3 distinct generators, one np.random.default_rng(seed) per "
            "network, got one generator twice",
        ),
        "not a generator": (
            TypeError,
            lambda: train(stack, X, y, learning_rate=0.1, epochs=1, batch_size=2,
                          rng=[0, 1, 2]),
            "rng (mini-batches need it to shuffle the examples)[0] must be a "
            "numpy.random.Generator",
        ),
        "seeds empty": (
            ValueError,
            lambda: init_params_stack([2, 1], []),
            "seeds must hold at least one seed, got none",
        ),
        "seed negative": (
            ValueError,
            lambda: init_params_stack([2, 1], [0, -3]),
            "seeds[1] must be at least 0, got -3",
        ),
        "seeds int": (
            TypeError,
            lambda: init_params_stack([2, 1], 5),
            "seeds must be a list or range of integer seeds, got int",
        ),
        "seeds init": (
            ValueError,
            lambda: init_params_stack([2, 1], [0], "normal"),
            "init must be one of [",
        ),
        "logit_linearity": (
            ValueError,
            lambda: logit_linearity(stack, np.zeros((10, 2))),
            "logit_linearity takes one network, got a stack of 3",
        ),
    }


BAD_STACK_CALLS = _bad_stack_calls()


@pytest.mark.parametrize(
    "error, call, message", BAD_STACK_CALLS.values(), ids=list(BAD_STACK_CALLS)
)
def test_stacks_are_checked_at_the_boundary_with_clear_messages(error, call, message):
    with pytest.raises(error) as caught:
        call()
    assert type(caught.value) is error
    assert message in str(caught.value)


# ---- the backward pass on the page ----------------------------------------------


def _shown_functions():
    """Every function of network.py that Chapter 3 shows with literalinclude
    :pyobject:, as (name, AST)."""
    chapter = load(ROOT / "chapters" / "03-backpropagation.ipynb")
    text = "\n".join(
        "".join(cell["source"]) for cell in chapter["cells"]
        if cell["cell_type"] == "markdown"
    )
    names = re.findall(
        r"```\{literalinclude\}\s+\S*sigmoid_course/network\.py\s*\n"
        r"(?:[^`]*?\n)??:pyobject:\s*(\w+)",
        text,
    )
    tree = ast.parse(inspect.getsource(network_module))
    functions = {
        node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)
    }
    return [(name, functions.get(name)) for name in names]


def _loops_over_layers(function):
    return [node for node in ast.walk(function) if isinstance(node, ast.For)]


def _transposed_products(function):
    """The matrix products with a transposed factor, A.mT @ delta and delta @ W.mT."""
    return [
        node for node in ast.walk(function)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult)
        and any(
            isinstance(side, ast.Attribute) and side.attr in ("mT", "T")
            for side in (node.left, node.right)
        )
    ]


def _updates(function):
    """In-place subtractions W -= ..., b -= ... inside a loop."""
    return [
        node for loop in _loops_over_layers(function) for node in ast.walk(loop)
        if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Sub)
    ]


def test_chapter_3_shows_functions_that_contain_their_loops_not_wrappers():
    shown = _shown_functions()
    assert shown, "Chapter 3 shows no function of network.py"
    for name, function in shown:
        assert function is not None, f"Chapter 3 shows {name}, not in network.py"
        assert _loops_over_layers(function), (
            f"Chapter 3 shows {name}, which has no loop over the layers: the loop it "
            "delegates to is not on the page"
        )
    functions = dict(shown)
    backward_passes = [
        f for f in functions.values() if len(_transposed_products(f)) >= 2
    ]
    assert backward_passes, (
        "no function Chapter 3 shows computes the backward pass's products A.mT @ "
        "delta and delta @ W.mT itself"
    )
    steps = [f for name, f in shown if "step" in name or "train" in name]
    for step in steps:
        assert len(_updates(step)) >= 2, "the training step shown lacks W -= ..."


def test_the_backward_pass_and_the_training_step_hold_their_own_loops():
    # The functions made to be shown: if one became a wrapper, Chapter 3 could not
    # show the algorithm by including it.
    tree = ast.parse(inspect.getsource(network_module))
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert _loops_over_layers(functions["feedforward"])
    assert len(_transposed_products(functions["backward"])) == 2
    assert _loops_over_layers(functions["backward"])
    assert len(_updates(functions["gradient_step"])) == 2


def test_the_shown_function_check_would_catch_a_wrapper():
    wrapper = ast.parse(
        "def loss_and_grads(params, X, y):\n"
        "    act, params, X, y = _checked(params, X, y)\n"
        "    return _loss_and_grads(params, X, y, act)\n"
    ).body[0]
    assert not _loops_over_layers(wrapper) and not _transposed_products(wrapper)


def test_a_stack_on_a_big_batch_runs_in_chunks_with_each_networks_numbers():
    """Bit for bit (worst difference measured 0): a batch of 100 examples splits a
    stack of 5 into chunks of 2, 2 and 1 networks (network._CHUNK_ROWS = 256
    rows), for every public computation and a full-batch training."""
    rng = np.random.default_rng(6)
    seeds = [4, 8, 15, 16, 23]
    X, y = rng.standard_normal((100, 3)), rng.integers(0, 2, (100, 1))
    stack = init_params_stack([3, 6, 6, 1], seeds)
    chunks = network_module._chunks(stack, X.shape[0])
    assert [c.indices(5)[1] - c.indices(5)[0] for c in chunks] == [2, 2, 1]
    losses, grads = loss_and_grads(stack, X, y)
    logits, zs, acts = forward(stack, X)
    trained, train_losses = train(stack, X, y, learning_rate=0.5, epochs=3)
    assert acts[0] is X and logits.shape == (5, 100, 1)
    for s, seed in enumerate(seeds):
        params = init_params([3, 6, 6, 1], np.random.default_rng(seed))
        loss, single_grads = loss_and_grads(params, X, y)
        assert losses[s] == loss
        for (dW, db), (dW1, db1) in zip(grads, single_grads):
            np.testing.assert_array_equal(dW[s], dW1, strict=True)
            np.testing.assert_array_equal(db[s], db1, strict=True)
        single_logits, single_zs, single_acts = forward(params, X)
        np.testing.assert_array_equal(logits[s], single_logits, strict=True)
        for z, a, z1, a1 in zip(zs, acts[1:], single_zs, single_acts[1:]):
            np.testing.assert_array_equal(z[s], z1, strict=True)
            np.testing.assert_array_equal(a[s], a1, strict=True)
        assert accuracy(stack, X, y)[s] == accuracy(params, X, y)
        alone, alone_losses = train(params, X, y, learning_rate=0.5, epochs=3)
        network_s = [(W[s : s + 1], b[s : s + 1]) for W, b in trained]
        _assert_layers_equal(network_s, [alone])
        np.testing.assert_array_equal(train_losses[s], alone_losses, strict=True)
