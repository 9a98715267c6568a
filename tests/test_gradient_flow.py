"""Tests of sigmoid_course.gradient_flow: the measurements of Chapter 4.

The references are independent of the code under test: central differences
of a forward pass written out here, Nielsen's closed form and a brute-force
scan for the interval width, and exact values where the derivative is known
(σ'(0) = ¼).
"""

import cmath
import math

import numpy as np
import pytest

from reference import decimal_reference, nielsen_width_exact
from sigmoid_course import (
    accuracy,
    chain_factors,
    forward,
    gaussian_clusters,
    hidden_bias_gradient_norms,
    init_params,
    init_params_stack,
    initial_gradient_norms,
    layer_gains,
    layer_statistics,
    loss_and_grads,
    nielsen_interval_width,
    predict_proba,
    record_training,
    sigmoid,
    train,
)
from sigmoid_course.gradient_flow import TrainingRecord, epochs_until
from sigmoid_course.precision import ulp_error


def _chain_output(w, b, x):
    a = x
    for wj, bj in zip(w, b):
        a = 1.0 / (1.0 + cmath.exp(-(wj * a + bj)))
    return a


@pytest.mark.parametrize("seed", range(5))
def test_chain_factor_product_is_the_derivative_of_the_last_output_by_the_first_bias(
    seed,
):
    # Complex step: d a_L / d b_1 = Im a_L(b_1 + ih) / h, exact to rounding for h =
    # 1e-20.
    rng = np.random.default_rng(seed)
    w, b, x = rng.normal(size=5), rng.normal(size=5), float(rng.uniform())
    h = 1e-20
    shifted = [complex(b[0], h)] + list(b[1:])
    reference = _chain_output(w, shifted, x).imag / h
    assert np.prod(chain_factors(w, b, x)) == pytest.approx(reference, rel=1e-12)


def test_chain_with_weight_100_and_zero_preactivations_multiplies_by_25_per_layer():
    factors = chain_factors(
        np.full(6, 100.0), np.concatenate([[-30.0], np.full(5, -50.0)]), x=0.3
    )
    assert factors.tolist() == [0.25] + [25.0] * 5


@pytest.mark.parametrize("depth", [1, 3, 8])
def test_chain_derivative_is_below_a_quarter_to_the_depth_when_weights_are_below_1(
    depth,
):
    rng = np.random.default_rng(depth)
    w = rng.uniform(-1, 1, size=(1000, depth))
    b = rng.normal(size=(1000, depth))
    products = np.abs(np.prod(chain_factors(w, b, rng.uniform(size=1000)), axis=-1))
    assert np.all(products <= 0.25**depth)


def test_chains_along_leading_axes_are_independent():
    rng = np.random.default_rng(7)
    w, b, x = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.uniform(size=3)
    together = chain_factors(w, b, x)
    for k in range(3):
        np.testing.assert_array_equal(together[k], chain_factors(w[k], b[k], x[k]))


# ---- nielsen_interval_width
# ------------------------------------------------------------------


@pytest.mark.parametrize("w", [4.001, 4.5, 6.9, 10.0, 100.0, 1e6])
def test_interval_width_equals_nielsens_closed_form(w):
    nielsen = (2 / w) * math.log(w * (1 + math.sqrt(1 - 4 / w)) / 2 - 1)
    assert float(nielsen_interval_width(w)) == pytest.approx(nielsen, rel=1e-9)
    assert float(nielsen_interval_width(-w)) == pytest.approx(nielsen, rel=1e-9)


@pytest.mark.parametrize("w, b", [(5.0, 0.0), (6.9, 2.0), (12.0, -3.0), (-8.0, 1.0)])
def test_interval_width_matches_a_scan_over_the_input(w, b):
    step = 1e-5
    a = np.arange(-3.0, 3.0, step)
    z = w * a + b
    slope = np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))) ** 2
    scanned = np.count_nonzero(np.abs(w * slope) >= 1.0) * step
    assert float(nielsen_interval_width(w)) == pytest.approx(scanned, abs=3 * step)


def test_interval_width_peaks_near_045_at_weight_69():
    w = np.linspace(4.0, 30.0, 260001)
    widths = nielsen_interval_width(w)
    best = widths.argmax()
    assert w[best] == pytest.approx(6.9, abs=0.05)
    assert widths[best] == pytest.approx(0.45, abs=0.005)


def test_interval_width_is_zero_where_no_factor_reaches_1_and_nan_stays_nan():
    widths = nielsen_interval_width([0.0, 1.0, -3.9, 4.0, np.inf, -np.inf, np.nan])
    np.testing.assert_array_equal(widths, [0, 0, 0, 0, 0, 0, np.nan])


def test_interval_width_keeps_float32_and_rejects_complex():
    assert nielsen_interval_width(np.float32(6.9)).dtype == np.float32
    with pytest.raises(TypeError, match="real"):
        nielsen_interval_width(6.9 + 0j)


# ---- initial_gradient_norms
# ------------------------------------------------------------------


def _mean_cross_entropy(params, X, y, activation):
    logits, _, _ = forward(params, X, activation)
    p = 1.0 / (1.0 + np.exp(-logits))
    return float(np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p)))


@pytest.mark.parametrize(
    "activation, init", [("sigmoid", "scaled_normal"), ("tanh", "xavier")]
)
def test_initial_gradient_norms_equal_norms_of_central_difference_bias_gradients(
    activation, init
):
    X, y = gaussian_clusters(30, np.random.default_rng(0), dim=4, n_clusters=4)
    norms = initial_gradient_norms(
        X, y, 3, np.random.default_rng(5), width=6, activation=activation, init=init
    )
    params = init_params([4, 6, 6, 6, 1], np.random.default_rng(5), init)
    h = 1e-6
    for layer in range(3):
        numeric = np.empty(6)
        for unit in range(6):
            shifted = []
            for sign in (1, -1):
                b = params[layer][1].copy()
                b[unit] += sign * h
                trial = list(params)
                trial[layer] = (params[layer][0], b)
                shifted.append(_mean_cross_entropy(trial, X, y, activation))
            numeric[unit] = (shifted[0] - shifted[1]) / (2 * h)
        assert norms[layer] == pytest.approx(np.linalg.norm(numeric), rel=1e-5)


def test_sigmoid_gradient_norms_fall_from_the_last_hidden_layer_to_the_first():
    X, y = gaussian_clusters(1000, np.random.default_rng(0))
    for seed in range(3):
        norms = initial_gradient_norms(X, y, 4, np.random.default_rng(seed))
        assert np.all(np.diff(norms) > 0)
        assert norms[-1] / norms[0] > 20


# ---- layer_gains
# -----------------------------------------------------------------------------


def test_layer_gain_at_zero_preactivation_is_root_n_times_weight_rms_over_4():
    # Zero inputs and zero biases put every first-layer unit at z = 0, where σ' = 1/4.
    params = init_params([3, 5, 4, 1], np.random.default_rng(0), "uniform_fan_in")
    gains = layer_gains(params, np.zeros((2, 3)))
    W2 = params[1][0]
    assert gains.tolist() == [
        pytest.approx(math.sqrt(5 * np.mean(W2**2)) / 4, rel=1e-12)
    ]


@pytest.mark.parametrize(
    "activation, init",
    [("sigmoid", "uniform_fan_in"), ("tanh", "xavier"), ("relu", "he")],
)
def test_layer_gain_predicts_the_ratio_of_one_examples_deltas_in_a_wide_network(
    activation, init
):
    rng = np.random.default_rng(1)
    params = init_params([10, 800, 800, 1], rng, init)
    x = rng.normal(size=(1, 10))
    _, grads = loss_and_grads(params, x, np.ones((1, 1)), activation)
    measured = hidden_bias_gradient_norms(grads)
    assert layer_gains(params, x, activation)[0] == pytest.approx(
        measured[0] / measured[1], rel=0.1
    )


@pytest.mark.parametrize("seeds", [range(50), range(50, 100)], ids=["ch4", "others"])
def test_the_few_units_near_zero_carry_the_root_mean_square_of_exploding_layers(seeds):
    # Chapter 4, "Exploding layers": ten 30-unit layers with N(0, 6²) weights
    # and no biases. "The mean σ′ is only 0.018, but the gain takes its root
    # mean square, which the few units near z = 0 dominate": the unit-example
    # pairs with σ′ > 0.1 (within about 2 of z = 0) are few and carry nearly
    # all of Σσ′². On the chapter's 50 networks: 7.3 % of the pairs, 93 %.
    X, _ = gaussian_clusters(1500, np.random.default_rng(0))
    normal = init_params_stack([20] + [30] * 10 + [1], seeds, "unit_normal")
    large = [(6 * W, 0 * b) for W, b in normal]
    _, _, acts = forward(large, X[:1000])
    slopes = np.concatenate([(a * (1 - a)).ravel() for a in acts[1:]])
    near = slopes > 0.1
    assert near.mean() < 0.10
    assert np.sum(slopes[near] ** 2) / np.sum(slopes**2) > 0.90
    assert np.mean(slopes) < 0.5 * np.sqrt(np.mean(slopes**2))


def test_sigmoid_layer_gains_stay_below_root_n_times_weight_rms_over_4():
    X, _ = gaussian_clusters(200, np.random.default_rng(0))
    params = init_params([20, 30, 30, 30, 1], np.random.default_rng(1), "scaled_normal")
    bounds = [math.sqrt(30 * np.mean(W**2)) / 4 for W, _ in params[1:3]]
    assert np.all(layer_gains(params, X) <= bounds)


# ---- layer_statistics and record_training
# -----------------------------------------------------


def test_layer_statistics_agree_with_a_forward_pass_written_out():
    rng = np.random.default_rng(3)
    params = init_params([4, 5, 3, 1], rng, "unit_normal")
    X = rng.normal(size=(40, 4))
    h1 = 1 / (1 + np.exp(-(X @ params[0][0] + params[0][1])))
    z2 = h1 @ params[1][0] + params[1][1]
    h2 = 1 / (1 + np.exp(-z2))
    stats = layer_statistics(params, X)
    np.testing.assert_allclose(stats.mean, [h1.mean(), h2.mean()], rtol=1e-12)
    np.testing.assert_allclose(stats.std, [h1.std(), h2.std()], rtol=1e-12)
    slope2 = (1 / (1 + np.exp(-(z2 + 1e-6))) - 1 / (1 + np.exp(-(z2 - 1e-6)))) / 2e-6
    assert stats.derivative[1] == pytest.approx(slope2.mean(), rel=1e-7)


def test_tanh_layer_derivative_matches_a_central_difference():
    rng = np.random.default_rng(4)
    params = init_params([3, 6, 1], rng, "xavier")
    X = rng.normal(size=(25, 3))
    z = X @ params[0][0] + params[0][1]
    numeric = (np.tanh(z + 1e-6) - np.tanh(z - 1e-6)) / 2e-6
    assert layer_statistics(params, X, "tanh").derivative[0] == pytest.approx(
        numeric.mean(), rel=1e-7
    )


def _small_run(**kwargs):
    X, y = gaussian_clusters(60, np.random.default_rng(0), dim=5, n_clusters=6)
    params = init_params([5, 7, 7, 1], np.random.default_rng(1), "xavier")
    settings = (
        dict(activation="tanh", learning_rate=0.2, epochs=4, batch_size=8) | kwargs
    )
    return X, y, params, settings


def test_recording_does_not_change_the_training_run():
    X, y, params, settings = _small_run()
    record = record_training(params, X, y, rng=np.random.default_rng(2), **settings)
    final, losses = train(params, X, y, rng=np.random.default_rng(2), **settings)
    for (W1, b1), (W2, b2) in zip(record.params, final):
        np.testing.assert_array_equal(W1, W2)
        np.testing.assert_array_equal(b1, b2)
    np.testing.assert_array_equal(record.losses, losses)


def test_record_rows_are_the_probe_measurements_before_each_epoch_and_after_the_last():
    X, y, params, settings = _small_run()
    X_probe, y_probe = X[:10], y[:10]
    record = record_training(
        params,
        X,
        y,
        rng=np.random.default_rng(2),
        X_probe=X_probe,
        y_probe=y_probe,
        **settings,
    )
    assert record.gradient_norms.shape == record.mean.shape == (5, 2)
    _, grads = loss_and_grads(params, X_probe, y_probe, "tanh")
    np.testing.assert_allclose(
        record.gradient_norms[0], hidden_bias_gradient_norms(grads), rtol=1e-12
    )
    assert record.accuracy[-1] == accuracy(record.params, X_probe, y_probe, "tanh")
    np.testing.assert_allclose(
        record.std[-1], layer_statistics(record.params, X_probe, "tanh").std, rtol=1e-12
    )


def test_record_measures_on_the_training_data_without_a_probe():
    X, y, params, settings = _small_run()
    record = record_training(params, X, y, rng=np.random.default_rng(2), **settings)
    assert record.accuracy[-1] == accuracy(record.params, X, y, "tanh")


def test_record_needs_both_halves_of_a_probe():
    X, y, params, settings = _small_run()
    with pytest.raises(ValueError, match="both X_probe and y_probe"):
        record_training(
            params, X, y, rng=np.random.default_rng(2), X_probe=X[:5], **settings
        )


def test_epochs_to_returns_the_first_epoch_reaching_the_level_or_none():
    empty = np.zeros((4, 1))
    record = TrainingRecord(
        [], np.zeros(3), empty, np.array([0.5, 0.8, 0.9, 0.85]), empty, empty, empty
    )
    assert record.epochs_to(0.8) == 1
    assert record.epochs_to(0.9) == 2
    assert record.epochs_to(0.95) is None


def test_record_training_passes_on_trains_errors():
    X, y, params, settings = _small_run(learning_rate=-1.0)
    with pytest.raises(ValueError, match="learning_rate"):
        record_training(params, X, y, rng=np.random.default_rng(2), **settings)


def test_interval_width_is_accurate_for_every_w_above_four_up_to_1e300():
    # Against Nielsen's form evaluated in 80-digit decimal (tests/reference.py): the
    # float
    # code subtracted 1 − 4/|w| and returned inf, with a divide-by-zero warning, at
    # 1e17.
    w = np.concatenate(
        [
            np.nextafter(4.0, 5.0) + np.array([0.0, 1e-15, 1e-12]),
            4.0 + np.logspace(-10, 0, 60),
            np.logspace(np.log10(5.0), 300, 400),
            [6.9, 1e12, 1e17, 1e300],
        ]
    )
    errors = ulp_error(
        nielsen_interval_width(w), decimal_reference(nielsen_width_exact, w)
    )
    assert errors.max() <= 4.0
    np.testing.assert_array_equal(nielsen_interval_width(-w), nielsen_interval_width(w))


# ---- stacks of networks: every measurement per network, in one computation ----------

STACK_SEEDS = [3, 1, 4, 15, 9]


SETUPS = [("sigmoid", "scaled_normal"), ("tanh", "xavier"), ("relu", "he")]


@pytest.mark.parametrize("activation, init", SETUPS)
def test_initial_gradient_norms_over_seeds_are_each_seeds_bit_for_bit(activation, init):
    X, y = gaussian_clusters(120, np.random.default_rng(0))
    norms = initial_gradient_norms(
        X, y, 3, seeds=STACK_SEEDS, width=8, activation=activation, init=init
    )
    assert norms.shape == (5, 3)
    for row, seed in zip(norms, STACK_SEEDS):
        single = initial_gradient_norms(
            X, y, 3, np.random.default_rng(seed), width=8, activation=activation,
            init=init,
        )
        np.testing.assert_array_equal(row, single, strict=True)


@pytest.mark.parametrize("give", [{}, {"both": True}])
def test_initial_gradient_norms_needs_rng_or_seeds_not_both(give):
    X, y = gaussian_clusters(20, np.random.default_rng(0))
    extra = {"seeds": [0, 1]} if give else {}
    rng = np.random.default_rng(0) if give else None
    with pytest.raises(ValueError, match="give rng .* or seeds .*, not "
                       + ("both" if give else "neither")):
        initial_gradient_norms(X, y, 2, rng, **extra)


def test_layer_gains_and_statistics_of_a_stack_are_each_networks():
    X, _ = gaussian_clusters(150, np.random.default_rng(0))
    sizes = [20, 9, 9, 9, 1]
    stack = init_params_stack(sizes, STACK_SEEDS, "uniform_fan_in")
    gains, stats = layer_gains(stack, X), layer_statistics(stack, X)
    assert gains.shape == (5, 2) and stats.mean.shape == (5, 3)
    for s, seed in enumerate(STACK_SEEDS):
        params = init_params(sizes, np.random.default_rng(seed), "uniform_fan_in")
        np.testing.assert_array_equal(gains[s], layer_gains(params, X), strict=True)
        single = layer_statistics(params, X)
        for got, want in zip(
            (stats.mean, stats.std, stats.derivative),
            (single.mean, single.std, single.derivative),
        ):
            np.testing.assert_array_equal(got[s], want, strict=True)


def test_recording_a_stack_makes_each_networks_own_record_bit_for_bit():
    """Bit for bit: worst difference measured 0, for every array of the record,
    over 4 epochs of mini-batches of 8 with a probe of 25 examples."""
    X, y = gaussian_clusters(60, np.random.default_rng(0), dim=5, n_clusters=6)
    sizes = [5, 7, 7, 1]
    stack = init_params_stack(sizes, STACK_SEEDS, "xavier")
    settings = dict(activation="tanh", learning_rate=0.2, epochs=4, batch_size=8,
                    X_probe=X[:25], y_probe=y[:25])
    record = record_training(
        stack, X, y, rng=[np.random.default_rng(s + 1) for s in STACK_SEEDS],
        **settings,
    )
    assert record.gradient_norms.shape == record.mean.shape == (5, 5, 2)
    assert record.accuracy.shape == (5, 5) and record.losses.shape == (5, 4)
    for s, seed in enumerate(STACK_SEEDS):
        single = record_training(
            init_params(sizes, np.random.default_rng(seed), "xavier"), X, y,
            rng=np.random.default_rng(seed + 1), **settings,
        )
        for field in ("losses", "gradient_norms", "accuracy", "mean", "std",
                      "derivative", "probe_loss", "output_mean",
                      "output_weight_norm"):
            np.testing.assert_array_equal(
                getattr(record, field)[s], getattr(single, field), strict=True,
                err_msg=field,
            )
        for (W, b), (W1, b1) in zip(record.params, single.params):
            np.testing.assert_array_equal(W[s], W1, strict=True)
            np.testing.assert_array_equal(b[s], b1, strict=True)
        reached = single.epochs_to(0.7)
        assert record.epochs_to(0.7)[s] == (np.inf if reached is None else reached)


def test_epochs_to_of_a_stack_is_inf_where_a_network_never_got_there():
    accuracies = np.array([[0.5, 0.8, 0.9, 0.85], [0.5, 0.6, 0.6, 0.6], [0.95] * 4])
    empty = np.zeros((3, 4, 1))
    record = TrainingRecord(
        [], np.zeros((3, 3)), empty, accuracies, empty, empty, empty
    )
    np.testing.assert_array_equal(record.epochs_to(0.9), [2.0, np.inf, 0.0])
    np.testing.assert_array_equal(record.epochs_to(0.5), [0.0, 0.0, 0.0])


def test_record_training_of_a_stack_needs_one_generator_per_network():
    X, y = gaussian_clusters(30, np.random.default_rng(0))
    stack = init_params_stack([20, 4, 1], [0, 1])
    with pytest.raises(TypeError, match="rng must be a list of 2 numpy.random.Gen"):
        record_training(stack, X, y, activation="sigmoid", learning_rate=0.1,
                        epochs=1, batch_size=5, rng=np.random.default_rng(0))


def test_measurements_of_a_stack_in_chunks_are_each_networks_bit_for_bit():
    """Bit for bit (worst difference measured 0): 150 examples split a stack of 5
    into chunks of one network each (network._CHUNK_ROWS = 256 rows)."""
    X, y = gaussian_clusters(150, np.random.default_rng(0))
    seeds, sizes = [2, 7, 1, 8, 28], [20, 6, 6, 6, 1]
    stack = init_params_stack(sizes, seeds, "uniform_fan_in")
    norms = initial_gradient_norms(X, y, 3, seeds=seeds, width=6, init="uniform_fan_in")
    gains, stats = layer_gains(stack, X), layer_statistics(stack, X)
    record = record_training(
        stack, X[:40], y[:40], activation="sigmoid", learning_rate=0.5, epochs=2,
        batch_size=10, rng=[np.random.default_rng(s + 1) for s in seeds],
        X_probe=X, y_probe=y,
    )
    for s, seed in enumerate(seeds):
        params = init_params(sizes, np.random.default_rng(seed), "uniform_fan_in")
        np.testing.assert_array_equal(
            norms[s],
            initial_gradient_norms(X, y, 3, np.random.default_rng(seed), width=6,
                                   init="uniform_fan_in"),
            strict=True,
        )
        np.testing.assert_array_equal(gains[s], layer_gains(params, X), strict=True)
        np.testing.assert_array_equal(
            stats.std[s], layer_statistics(params, X).std, strict=True
        )
        single = record_training(
            params, X[:40], y[:40], activation="sigmoid", learning_rate=0.5, epochs=2,
            batch_size=10, rng=np.random.default_rng(seed + 1), X_probe=X, y_probe=y,
        )
        for field in ("gradient_norms", "accuracy", "mean", "std", "derivative"):
            np.testing.assert_array_equal(
                getattr(record, field)[s], getattr(single, field), strict=True
            )


# ---- the output unit's record, and epochs_until ----------------------------------


def test_record_follows_the_output_unit_with_loss_mean_prediction_and_weights():
    # The reference: a train callback that measures with the public functions.
    X, y, params, settings = _small_run()
    X_probe, y_probe = X[:10], y[:10]
    record = record_training(params, X, y, rng=np.random.default_rng(2),
                             X_probe=X_probe, y_probe=y_probe, **settings)
    seen = []

    def measure(epoch, current):
        loss, _ = loss_and_grads(current, X_probe, y_probe, "tanh")
        p = predict_proba(current, X_probe, "tanh")
        seen.append((loss, p.mean(), np.linalg.norm(current[-1][0])))

    train(params, X, y, rng=np.random.default_rng(2), callback=measure, **settings)
    loss, mean, norm = np.array(seen).T
    np.testing.assert_allclose(record.probe_loss, loss, rtol=1e-13)
    np.testing.assert_allclose(record.output_mean, mean, rtol=1e-13)
    np.testing.assert_allclose(record.output_weight_norm, norm, rtol=1e-13)
    assert record.probe_loss.shape == record.accuracy.shape == (5,)


def _first(values, test):
    """The first index whose value passes test, inf if none does."""
    hits = np.flatnonzero(test(np.asarray(values)))
    return float(hits[0]) if hits.size else np.inf


def _moons_stack(seeds, sizes=(2, 6, 6, 1)):
    from sigmoid_course import two_moons

    X, y = two_moons(60, 0.2, np.random.default_rng(0))
    return X, y, init_params_stack(list(sizes), seeds, "xavier")


@pytest.mark.parametrize("criterion", ["accuracy", "loss"])
def test_epochs_until_is_the_first_epoch_a_plain_training_run_gets_there(criterion):
    # Reference: each network trained alone by train, measured by its callback.
    seeds = [0, 3, 5, 8]
    X, y, stack = _moons_stack(seeds)
    level = {"accuracy": 0.85, "loss": 0.4}[criterion]
    settings = dict(learning_rate=0.5, batch_size=8)
    found = epochs_until(stack, X, y, max_epochs=60, **{criterion: level},
                         rng=[np.random.default_rng(s + 1) for s in seeds],
                         **settings)
    for s, seed in enumerate(seeds):
        seen = []

        def measure(epoch, current, seen=seen):
            seen.append(accuracy(current, X, y) if criterion == "accuracy"
                        else loss_and_grads(current, X, y)[0])

        train(init_params(
            [2, 6, 6, 1], np.random.default_rng(seed), "xavier"), X, y,
            epochs=60, rng=np.random.default_rng(seed + 1), callback=measure,
            **settings)
        test = (lambda v: v >= level) if criterion == "accuracy" else (
            lambda v: v < level)
        assert found[s] == _first(seen, test)
    assert np.isfinite(found).sum() >= 2  # the levels are reached, not all inf


def test_epochs_until_gives_each_network_the_epoch_it_gets_alone():
    seeds = range(6)
    X, y, stack = _moons_stack(seeds)
    settings = dict(accuracy=0.85, learning_rate=0.5, batch_size=8, max_epochs=40)
    together = epochs_until(stack, X, y, **settings,
                            rng=[np.random.default_rng(s + 1) for s in seeds])
    for s in seeds:
        alone = epochs_until([(W[s], b[s]) for W, b in stack], X, y, **settings,
                             rng=np.random.default_rng(s + 1))
        assert isinstance(alone, float) and alone == together[s]
    assert len(set(together.tolist())) > 1  # the networks leave at different epochs


def test_epochs_until_is_inf_when_the_level_is_not_reached_in_time():
    X, y, stack = _moons_stack([0, 1])
    found = epochs_until(stack, X, y, accuracy=1.0, max_epochs=3, learning_rate=0.1,
                         batch_size=8, rng=[np.random.default_rng(s) for s in (1, 2)])
    np.testing.assert_array_equal(found, [np.inf, np.inf])
    generators = [np.random.default_rng(s) for s in (1, 2)]
    at_start = epochs_until(stack, X, y, loss=10.0, max_epochs=0, learning_rate=0.1,
                            batch_size=8, rng=generators)
    np.testing.assert_array_equal(at_start, [0.0, 0.0])


def _full_batch_epochs(params, X, y, level, epochs, eta, scale=1.0, top=None):
    """Full-batch gradient descent on a sigmoid network, written out: hidden units
    scale * sigma(z), and the top hidden layer's slope replaced by `top` in the
    backward pass if given. Returns the first epoch with loss below level."""
    params = [(W.copy(), b.copy()) for W, b in params]
    for epoch in range(epochs + 1):
        A, Z = [X], []
        for W, b in params[:-1]:
            Z.append(A[-1] @ W + b)
            A.append(scale * 0.5 * (1 + np.tanh(Z[-1] / 2)))  # scale * sigma
        logit = A[-1] @ params[-1][0] + params[-1][1]
        p = 0.5 * (1 + np.tanh(logit / 2))
        loss = np.mean(np.logaddexp(0, logit) - y * logit)
        if loss < level:
            return float(epoch)
        delta = (p - y) / len(y)
        grads = []
        for k in range(len(params) - 1, -1, -1):
            grads.append((A[k].T @ delta, delta.sum(axis=0)))
            if k > 0:
                s = A[k] / scale
                slope = scale * s * (1 - s)
                if top is not None and k == len(params) - 1:
                    slope = np.full_like(slope, top)
                delta = (delta @ params[k][0].T) * slope
        for (W, b), (dW, db) in zip(params, grads[::-1]):
            W -= eta * dW
            b -= eta * db
    return np.inf


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("scale, top", [(4.0, None), (1.0, 0.25), (1.0, 1.0)])
def test_epochs_until_controls_match_a_backward_pass_written_out(seed, scale, top):
    X, y, stack = _moons_stack([seed])
    one = [(W[0], b[0]) for W, b in stack]
    if scale != 1.0:  # the 4-sigma twin: weights above the hidden units / scale
        one = [one[0], *[(W / scale, b) for W, b in one[1:]]]
    level = 0.33
    expected = _full_batch_epochs(one, X, y, level, 300, eta=1.0, scale=scale, top=top)
    found = epochs_until(one, X, y, loss=level, max_epochs=300, learning_rate=1.0,
                         batch_size=len(y), rng=np.random.default_rng(0),
                         hidden_scale=scale, top_slope=top)
    assert np.isfinite(expected) and found == expected


def test_the_4_sigma_twin_computes_the_same_logits():
    X, y, stack = _moons_stack([0, 1, 2])
    twin = [stack[0], *[(W / 4, b) for W, b in stack[1:]]]
    a = X
    for W, b in twin[:-1]:
        a = 4 * sigmoid(a @ W + b[:, None, :])
    logits = a @ twin[-1][0] + twin[-1][1][:, None, :]
    np.testing.assert_array_equal(logits, forward(stack, X)[0])


@pytest.mark.parametrize(
    "change, error, message",
    [
        ({}, ValueError, "give accuracy .* or loss .*, not neither"),
        ({"accuracy": 0.9, "loss": 0.1}, ValueError, "not both"),
        ({"accuracy": 1.5}, ValueError, r"accuracy must be a fraction in \(0, 1\]"),
        ({"accuracy": 0.0}, ValueError, "accuracy must be a positive"),
        ({"loss": -1.0}, ValueError, "loss must be a positive"),
        ({"accuracy": 0.9, "hidden_scale": 0.0}, ValueError, "hidden_scale must be"),
        ({"accuracy": 0.9, "top_slope": -0.25}, ValueError, "top_slope must be"),
        ({"accuracy": 0.9, "top_slope": "1/4"}, TypeError, "top_slope must be"),
        ({"accuracy": 0.9, "X_probe": np.zeros((3, 2))}, ValueError,
         "both X_probe and y_probe"),
        ({"accuracy": 0.9, "max_epochs": -1}, ValueError, "max_epochs must be"),
        ({"accuracy": 0.9, "rng": None}, TypeError, "rng"),
    ],
)
def test_epochs_until_rejects_bad_arguments(change, error, message):
    X, y, stack = _moons_stack([0, 1])
    arguments = dict(max_epochs=5, learning_rate=0.1, batch_size=8,
                     rng=[np.random.default_rng(s) for s in (1, 2)])
    arguments.update(change)
    with pytest.raises(error, match=message):
        epochs_until(stack, X, y, **arguments)
