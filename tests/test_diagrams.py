"""The diagrams draw the numbers the package computes, and nothing else.

Every drawn number is compared with an independent computation (plain
``math`` for the neuron, a hand-written backward pass for the network), with
CS231n's published two-decimal values where they exist, and with the texts
actually placed on the axes.
"""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from sigmoid_course import init_params, loss_and_grads
from sigmoid_course.diagrams import (
    draw_decision_boundary,
    draw_network_backward,
    draw_neuron_graph,
)


def _minus(text):
    return text.replace("-", "\u2212")


def _drawn(diagram):
    return {t.get_text() for t in diagram.ax.texts}


@pytest.fixture
def neuron_graph():
    diagram = draw_neuron_graph([2.0, -3.0, -3.0], [-1.0, -2.0])
    yield diagram
    plt.close(diagram.fig)


def test_neuron_graph_shows_cs231n_published_values(neuron_graph):
    # CS231n, "Backpropagation, Intuitions": the circuit of the sigmoid example.
    published = {
        "w0": ("2.00", "-0.20"),
        "x0": ("-1.00", "0.39"),
        "w1": ("-3.00", "-0.39"),
        "x1": ("-2.00", "-0.59"),
        "w2": ("-3.00", "0.20"),
        "f": ("0.73", "1.00"),
    }
    for key, (value, grad) in published.items():
        assert neuron_graph.texts[key] == _minus(value)
        assert neuron_graph.texts[key + " grad"] == _minus(grad)


def test_neuron_graph_numbers_are_the_chain_rule_computed_independently(neuron_graph):
    w, x = [2.0, -3.0, -3.0], [-1.0, -2.0]
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    f = 1.0 / (1.0 + math.exp(-z))
    dz = f * (1.0 - f)
    u3 = 1.0 + math.exp(-z)
    expected = {
        "z": (z, dz),
        "-z": (-z, -dz),
        "exp(-z)": (math.exp(-z), -1.0 / u3**2),
        "1+exp(-z)": (u3, -1.0 / u3**2),
        "w0x0": (w[0] * x[0], dz),
        "w1x1": (w[1] * x[1], dz),
        "w0x0+w1x1": (w[0] * x[0] + w[1] * x[1], dz),
    }
    for key, (value, grad) in expected.items():
        assert neuron_graph.texts[key] == _minus(f"{value:.2f}"), key
        assert neuron_graph.texts[key + " grad"] == _minus(f"{grad:.2f}"), key
    assert neuron_graph.texts["sigma local"] == f"{dz:.2f}"


def test_every_neuron_graph_number_is_drawn_on_the_axes(neuron_graph):
    drawn = " ".join(_drawn(neuron_graph))
    for text in neuron_graph.texts.values():
        assert text in drawn


def test_neuron_graph_rejects_a_neuron_with_other_than_two_inputs():
    with pytest.raises(ValueError, match="two inputs"):
        draw_neuron_graph([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0])


def _backward_by_hand(params, x, y):
    """Activations and errors of a sigmoid network on one example, written out."""
    a, activations, zs = np.asarray(x, dtype=float), [np.asarray(x, dtype=float)], []
    for W, b in params:
        z = a @ W + b
        zs.append(z)
        a = 1.0 / (1.0 + np.exp(-z))
        activations.append(a)
    deltas = [activations[-1] - y]
    for (W, _), a in zip(params[:0:-1], activations[-2:0:-1]):
        deltas.insert(0, (W @ deltas[0]) * a * (1.0 - a))
    return activations, deltas


@pytest.mark.parametrize("seed", range(4))
def test_network_diagram_shows_the_activations_and_errors_of_the_backward_pass(seed):
    params = init_params([2, 3, 2, 1], np.random.default_rng(seed))
    x, y = np.array([1.0, -0.5]), 1
    diagram = draw_network_backward(params, x, y)
    try:
        activations, deltas = _backward_by_hand(params, x, y)
        _, grads = loss_and_grads(params, x[None, :], np.array([[y]]))
        for layer, (a, delta, (_, db)) in enumerate(
            zip(activations[1:], deltas, grads), start=1
        ):
            np.testing.assert_allclose(db, delta, rtol=1e-12)
            for unit in range(a.size):
                key = f"{layer}.{unit + 1}"
                name = "p" if layer == len(params) else "a"
                assert diagram.texts["a " + key] == _minus(f"{name} = {a[unit]:.3f}")
                text = f"{delta[unit]:+.3f}"
                assert diagram.texts["delta " + key] == "δ = " + _minus(text)
                if layer < len(params):
                    slope = a[unit] * (1 - a[unit])
                    assert diagram.texts["slope " + key] == f"{slope:.3f}"
        for unit, value in enumerate(x):
            assert diagram.texts[f"a 0.{unit + 1}"] == _minus(f"x = {value:.3f}")
        drawn = _drawn(diagram)
        assert set(diagram.texts.values()) <= drawn
    finally:
        plt.close(diagram.fig)


def test_network_diagram_draws_the_error_moving_down_through_each_layer():
    params = init_params([2, 3, 2, 1], np.random.default_rng(0))
    diagram = draw_network_backward(params, [1.0, -0.5], 0)
    try:
        drawn = _drawn(diagram)
        assert "× W$^{(3)\\top}$,\nthen ⊙ a(1 − a)" in drawn
        assert "× W$^{(2)\\top}$,\nthen ⊙ a(1 − a)" in drawn
        assert "δ = p − y" in drawn
    finally:
        plt.close(diagram.fig)


def test_network_diagram_rejects_more_than_one_example_and_wide_layers():
    params = init_params([2, 3, 1], np.random.default_rng(0))
    with pytest.raises(ValueError, match="one example"):
        draw_network_backward(params, np.zeros((2, 2)), 1)
    wide = init_params([2, 8, 1], np.random.default_rng(0))
    with pytest.raises(ValueError, match="at most 5 units"):
        draw_network_backward(wide, [0.0, 0.0], 1)


def test_decision_boundary_shades_the_class_the_network_predicts():
    # One unit with logit x0 - 1: class 1 exactly right of x0 = 1.
    line = [(np.array([[1.0], [0.0]]), np.array([-1.0]))]
    X = np.array([[0.0, 0.0], [2.0, 1.0], [0.5, -1.0], [1.5, 2.0]])
    y = np.array([[0], [1], [0], [1]])
    fig, ax = draw_decision_boundary(line, X, y, posterior=lambda P: P[:, 0] > 1.0)
    try:
        filled = ax.collections[0]
        # Two shaded regions, and their common edge lies at x0 = 1.
        edges = [p.vertices for p in filled.get_paths() if len(p.vertices)]
        assert len(edges) == 2
        right = max(edges, key=lambda v: v[:, 0].mean())
        assert right[:, 0].min() == pytest.approx(1.0, abs=0.05)
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert labels == ["best possible boundary", "y = 0", "y = 1"]
    finally:
        plt.close(fig)


def test_decision_boundary_rejects_data_that_is_not_two_dimensional():
    net = init_params([3, 1], np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        draw_decision_boundary(net, np.zeros((4, 3)), np.zeros((4, 1)))
    with pytest.raises(TypeError, match="posterior"):
        draw_decision_boundary(net, np.zeros((4, 2)), np.zeros((4, 1)), posterior=1)
