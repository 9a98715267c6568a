"""Unit tests of sigmoid_course.neuron against independent references.

References: the published CS231n worked example (values rounded to six
decimals), the fourth-order central difference of the neuron's output,
50-digit decimal losses, Nielsen's one-neuron example, and the network
module's full-batch training for the cross-entropy case.
"""

from decimal import Decimal, localcontext

import numpy as np
import pytest

from sigmoid_course import numerical_gradient, sigmoid, train
from sigmoid_course.neuron import (
    loss_gradient_wrt_logit,
    neuron_loss,
    sigmoid_neuron,
    sigmoid_neuron_by_gates,
    train_neuron,
)
from sigmoid_course.precision import sigmoid_prime_reference

# CS231n, "Backpropagation, Intuitions": f = σ(w0 x0 + w1 x1 + w2).
W_CS231N, X_CS231N = [2.0, -3.0, -3.0], [-1.0, -2.0]
PUBLISHED = {
    "output": 0.731059,
    "dz": 0.196612,
    "dx": [0.393224, -0.589836],
    "dw": [-0.196612, -0.393224, 0.196612],
}

BOTH = [sigmoid_neuron_by_gates, sigmoid_neuron]


@pytest.mark.parametrize("neuron", BOTH)
def test_the_cs231n_worked_example_is_reproduced(neuron):
    r = neuron(W_CS231N, X_CS231N)
    assert round(r.output, 6) == PUBLISHED["output"]
    assert round(r.dz, 6) == PUBLISHED["dz"]
    assert np.round(r.dx, 6).tolist() == PUBLISHED["dx"]
    assert np.round(r.dw, 6).tolist() == PUBLISHED["dw"]


def test_the_gates_carry_the_published_intermediate_values():
    # CS231n's circuit diagram: forward -1.00, 0.37, 1.37, 0.73 and backward
    # gradients 0.20, -0.20, -0.53, -0.53 at the inputs of the four gates.
    steps = sigmoid_neuron_by_gates(W_CS231N, X_CS231N).steps
    assert [s.gate for s in steps] == ["*-1", "exp", "+1", "1/x"]
    assert [round(s.output, 2) for s in steps] == [-1.0, 0.37, 1.37, 0.73]
    assert [round(s.grad, 2) for s in steps] == [0.2, -0.2, -0.53, -0.53]
    assert [s.input for s in steps[1:]] == [s.output for s in steps[:-1]]


@pytest.mark.parametrize("seed", range(6))
def test_both_graphs_agree_with_central_differences(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 5))
    w, x = rng.normal(size=n + 1), rng.normal(size=n)
    numeric_w, numeric_x = numerical_gradient(
        lambda: float(sigmoid(w[:-1] @ x + w[-1])), [w, x]
    )
    for neuron in BOTH:
        r = neuron(w, x)
        np.testing.assert_allclose(r.dw, numeric_w, rtol=1e-9, atol=1e-13)
        np.testing.assert_allclose(r.dx, numeric_x, rtol=1e-9, atol=1e-13)


def test_gate_by_gate_loses_the_left_tail_where_its_intermediates_overflow():
    # (1 + e^-z)^2 overflows below z = -354.89 and e^-z below z = -709.78;
    # the true derivative there is e^z (1 + e^z)^-2, about e^z.
    assert sigmoid_neuron_by_gates([1.0, -354.0], [0.0]).dz == pytest.approx(
        np.exp(-354.0), rel=1e-13
    )
    assert sigmoid_neuron_by_gates([1.0, -400.0], [0.0]).dz == 0.0
    assert np.isnan(sigmoid_neuron_by_gates([1.0, -800.0], [0.0]).dz)
    for z in (-354.0, -400.0, -709.0):
        assert sigmoid_neuron([1.0, z], [0.0]).dz == pytest.approx(np.exp(z), rel=1e-13)
    r = sigmoid_neuron([1.0, -800.0], [0.0])
    assert r.output == 0.0 and r.dz == 0.0  # e^-800 underflows: 0 is the rounded value


def test_reusing_the_output_loses_the_right_tail_as_documented():
    # f(1 - f) against sigma'(z) to 50 digits: relative errors of the orders the
    # docstring states at z = 20 and 30 (1.8e-8 and 1.7e-4), while the gate-by-gate
    # graph keeps 13 digits at both.
    for z, low, high in ((20.0, 1e-8, 3e-8), (30.0, 1e-4, 3e-4)):
        exact = float(sigmoid_prime_reference(z)[()])
        error = abs(sigmoid_neuron([1.0, z], [0.0]).dz / exact - 1)
        assert low < error < high, (z, error)
        gates = sigmoid_neuron_by_gates([1.0, z], [0.0]).dz
        assert gates == pytest.approx(exact, rel=1e-13)


def test_reusing_the_output_gives_zero_from_54_ln_2():
    # The package's sigmoid rounds to 1 once 1 - sigma(z) < 2^-54, from z = 54 ln 2
    # (computed here in 50-digit decimals, then rounded to the nearest double).
    with localcontext() as ctx:
        ctx.prec = 50
        threshold = float(54 * Decimal(2).ln())
    assert f"{threshold:.2f}" == "37.43"
    below = np.nextafter(threshold, 0.0)
    assert sigmoid_neuron([1.0, below], [0.0]).dz > 0.0
    for z in (threshold, 40.0, 700.0):
        assert sigmoid_neuron([1.0, z], [0.0]).dz == 0.0
        assert sigmoid_neuron_by_gates([1.0, z], [0.0]).dz == pytest.approx(
            float(sigmoid_prime_reference(z)[()]), rel=1e-13
        )


@pytest.mark.parametrize("z", [-800.0, -40.0, -3.0, 0.0, 0.5, 35.0, 800.0])
@pytest.mark.parametrize("label", [0, 1])
def test_cross_entropy_from_the_logit_matches_fifty_digits(z, label):
    with localcontext() as ctx:  # the global context would leak into every later test
        ctx.prec = 50
        exact = (1 + Decimal(z).exp()).ln() - label * Decimal(z)
    assert float(neuron_loss(z, label)) == pytest.approx(
        float(exact), rel=1e-15, abs=1e-300
    )


@pytest.mark.parametrize("z", [-3.0, -0.5, 0.0, 1.0, 4.0])
@pytest.mark.parametrize("label", [0, 1])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_gradient_wrt_logit_matches_central_differences(z, label, loss):
    zs = np.array([z])
    (numeric,) = numerical_gradient(
        lambda: float(neuron_loss(zs[0], label, loss)), [zs]
    )
    assert float(loss_gradient_wrt_logit(z, label, loss)) == pytest.approx(
        numeric[0], rel=1e-9, abs=1e-13
    )


def test_mse_gradient_is_the_cross_entropy_gradient_times_sigma_prime():
    z = np.linspace(-10, 10, 201)
    # σ'(z) = σ(z)σ(−z), each factor from its own exponential: 1 − σ(z)
    # would lose digits for z near 10.
    sigma_prime = 1 / (1 + np.exp(-z)) / (1 + np.exp(z))
    np.testing.assert_allclose(
        loss_gradient_wrt_logit(z, 0, "mse"),
        loss_gradient_wrt_logit(z, 0) * sigma_prime,
        rtol=1e-13,
    )


def test_nielsens_saturated_neuron_learns_slowly_with_mse_and_fast_with_cross_entropy():
    # Nielsen, chapter 3: input 1, target 0, w = b = 2, learning rate 0.15.
    # His figures show the output still near 0.2 after 300 epochs with the
    # quadratic cost, while the cross-entropy neuron is close to 0 early on.
    mse = train_neuron(2.0, 2.0, [1.0], [0], loss="mse", learning_rate=0.15, epochs=300)
    ce = train_neuron(
        2.0, 2.0, [1.0], [0], loss="cross_entropy", learning_rate=0.15, epochs=300
    )
    assert mse.output[0, 0] == pytest.approx(0.98, abs=0.005)
    assert mse.output[100, 0] > 0.95  # still saturated after a third of the run
    assert mse.output[300, 0] == pytest.approx(0.20, abs=0.01)
    assert ce.output[50, 0] < 0.1
    assert np.all(np.diff(ce.loss) < 0) and np.all(np.diff(mse.loss) < 0)


def test_cross_entropy_training_equals_the_networks_gradient_descent():
    X = np.array([[1.0], [-0.5], [2.0]])
    y = np.array([[0], [1], [1]])
    history = train_neuron(
        0.3,
        -0.2,
        X.ravel(),
        y.ravel(),
        loss="cross_entropy",
        learning_rate=0.4,
        epochs=25,
    )
    params = [(np.array([[0.3]]), np.array([-0.2]))]
    trained, losses = train(params, X, y, learning_rate=0.4, epochs=25)
    np.testing.assert_allclose(history.loss[:-1], losses, rtol=1e-13)
    assert history.w[-1] == pytest.approx(trained[0][0][0, 0], rel=1e-13)
    assert history.b[-1] == pytest.approx(trained[0][1][0], rel=1e-13)


def test_history_has_one_entry_per_epoch_plus_the_start():
    h = train_neuron(
        1.0, 0.0, [1.0, 2.0], [1, 0], loss="mse", learning_rate=0.1, epochs=7
    )
    assert h.w.shape == h.b.shape == h.loss.shape == (8,)
    assert h.output.shape == (8, 2)
    assert h.w[0] == 1.0 and h.b[0] == 0.0
