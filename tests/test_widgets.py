"""Tests of sigmoid_course.widgets: the explorers and their drawing functions."""

import re

import ipywidgets as widgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from sigmoid_course import make_explorer, sigmoid_explorer, tangent_explorer
from sigmoid_course import gaussian_clusters, gradient_norm_explorer, initial_gradient_norms
from sigmoid_course.precision import sigmoid_prime_reference, sigmoid_reference
from sigmoid_course.widgets import draw_scaled_sigmoid, draw_tangent
from sigmoid_course.widgets import draw_gradient_norms

matplotlib.use("Agg")


def test_make_explorer_calls_draw_once_with_the_initial_values():
    seen = []
    box = make_explorer(lambda a, b: seen.append((a, b)),
                        {"a": widgets.IntSlider(value=3), "b": widgets.FloatSlider(value=0.5)})
    assert seen == [(3, 0.5)]
    controls, output = box.children
    assert isinstance(output, widgets.Output)
    controls.children[0].value = 4
    assert seen[-1] == (4, 0.5)


def test_make_explorer_needs_controls():
    with pytest.raises(ValueError, match="at least one control"):
        make_explorer(lambda: None, {})


def test_sigmoid_explorer_has_steepness_and_shift_sliders():
    box = sigmoid_explorer(steepness=2.0, shift=1.0)
    sliders = box.children[0].children
    assert [s.description for s in sliders] == ["steepness a", "shift b"]
    assert [s.value for s in sliders] == [2.0, 1.0]
    plt.close("all")


@pytest.mark.parametrize("a, b", [(0.5, -1.0), (2.0, 1.0), (5.0, 3.25)])
def test_scaled_sigmoid_drawing_reports_the_measured_midpoint_slope(a, b, capsys):
    draw_scaled_sigmoid(a, b)
    line = capsys.readouterr().out
    reported = float(re.search(r"slope there = a/4 = ([0-9.]+)", line).group(1))
    ax = plt.gcf().axes[0]
    x, y = ax.get_lines()[1].get_data()
    i = abs(x - b).argmin()
    measured = (y[i + 1] - y[i - 1]) / (x[i + 1] - x[i - 1])
    assert reported == pytest.approx(measured, rel=1e-2)
    plt.close("all")


def test_tangent_explorer_has_an_x0_slider():
    box = tangent_explorer(x0=-2.0)
    (slider,) = box.children[0].children
    assert slider.description == "tangent point x0" and slider.value == -2.0
    plt.close("all")


@pytest.mark.parametrize("x0", [-4.0, 0.0, 1.0, 3.5])
def test_tangent_drawing_touches_sigma_with_slope_sigma_prime(x0, capsys):
    draw_tangent(x0)
    reported = float(re.search(r"slope sigma'\(x0\) = .* = ([0-9.]+)", capsys.readouterr().out).group(1))
    exact = float(sigmoid_prime_reference(x0)[()])
    assert reported == pytest.approx(exact, abs=5e-7)
    x, y = plt.gcf().axes[0].get_lines()[1].get_data()
    drawn_slope = (y[-1] - y[0]) / (x[-1] - x[0])
    assert drawn_slope == pytest.approx(exact, rel=1e-12)
    # The straight line passes through (x0, sigma(x0)).
    assert np.interp(x0, x, y) == pytest.approx(float(sigmoid_reference(x0)[()]), abs=1e-14)
    plt.close("all")


def _cluster_data():
    return gaussian_clusters(200, np.random.default_rng(0))


def test_gradient_norm_explorer_has_depth_activation_and_initialisation_controls():
    X, y = _cluster_data()
    box = gradient_norm_explorer(X, y, depth=6, activation="tanh", init="xavier")
    controls = box.children[0].children
    assert [c.description for c in controls] == ["hidden layers", "activation", "initialisation"]
    assert [c.value for c in controls] == [6, "tanh", "xavier"]
    assert set(controls[1].options) == {"sigmoid", "tanh", "relu"}
    plt.close("all")


@pytest.mark.parametrize("depth, activation, init", [(4, "sigmoid", "uniform_fan_in"), (2, "relu", "he"),
                                                     (6, "tanh", "xavier")])
def test_gradient_norm_drawing_prints_and_plots_the_measured_norms(depth, activation, init, capsys):
    X, y = _cluster_data()
    draw_gradient_norms(depth, activation, init, X=X, y=y, seed=3)
    lines = capsys.readouterr().out.splitlines()
    printed = np.array([float(v) for v in lines[1].split()[1:]])
    expected = initial_gradient_norms(X, y, depth, np.random.default_rng(3), activation=activation, init=init)
    np.testing.assert_allclose(printed, expected, rtol=5e-3)
    ratio = float(re.search(r"first / last = (\S+)", lines[2]).group(1))
    assert ratio == pytest.approx(expected[0] / expected[-1], rel=5e-3)
    np.testing.assert_array_equal(plt.gcf().axes[0].get_lines()[0].get_ydata(), expected)
    plt.close("all")


def test_gradient_norm_drawing_says_when_the_last_layer_gets_no_gradient(capsys):
    # Zero inputs and zero biases leave every ReLU at z = 0, where its derivative is taken as 0.
    draw_gradient_norms(3, "relu", "he", X=np.zeros((5, 20)), y=np.ones((5, 1)))
    assert "undefined" in capsys.readouterr().out
    plt.close("all")
