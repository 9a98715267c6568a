"""Tests of sigmoid_course.widgets: the explorers and their drawing functions."""

import re

import ipywidgets as widgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from sigmoid_course import make_explorer, sigmoid_explorer, tangent_explorer
from sigmoid_course.precision import sigmoid_prime_reference, sigmoid_reference
from sigmoid_course.widgets import draw_scaled_sigmoid, draw_tangent

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
