"""Tests of sigmoid_course.widgets: the explorers, their frames and their drawings.

The explorers' wiring (which frame sits at which Stack index, which control
drives which Stack) is tested with cheap stand-in drawings; the drawings are
tested on their own against independent references; tests/test_site.py
moves the real explorers in a browser.
"""

import base64
import io
import itertools
import re

import ipywidgets as widgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from ipywidgets.widgets.widget import _instances
from ipywidgets.widgets.widget_link import Link
from PIL import Image

import sigmoid_course.widgets as W
from sigmoid_course import (
    gaussian_clusters,
    gradient_norm_explorer,
    initial_gradient_norms,
    make_explorer,
    sigmoid_explorer,
    tangent_explorer,
)
from sigmoid_course.network import ACTIVATIONS, INITIALISERS
from sigmoid_course.precision import sigmoid_prime_reference, sigmoid_reference
from sigmoid_course.widgets import (
    Frame,
    draw_gradient_norms,
    draw_scaled_sigmoid,
    draw_tangent,
    frame_html,
)

matplotlib.use("Agg")


def _links_to(stack):
    """The (widget, trait) of every jslink whose target is stack.selected_index."""
    return [
        link.source
        for link in list(_instances.values())
        if isinstance(link, Link) and link.target == (stack, "selected_index")
    ]


def _frame_at(stack, indices):
    for i in indices:
        stack = stack.children[i]
    return stack


@pytest.fixture
def stub_frames(monkeypatch):
    """Replace drawing and encoding by frames whose HTML is the values drawn for."""
    monkeypatch.setattr(W, "frame_html", lambda frame: frame.text)

    def stub(name):
        def draw(*args, **kwargs):
            return Frame(None, repr((name, args, kwargs)), "")

        return draw

    for name in ("draw_scaled_sigmoid", "draw_tangent", "draw_gradient_norms"):
        monkeypatch.setattr(W, name, stub(name))
    return stub


def test_make_explorer_puts_the_frame_of_every_combination_at_its_indices():
    calls = []

    def frame(a, b):
        calls.append((a, b))
        fig, _ = W.new_axes("x", "y")
        return Frame(fig, f"a={a} b={b}", f"plot for a={a}, b={b}")

    a = widgets.SelectionSlider(options=[("one", 1), ("two", 2), ("three", 3)], value=2)
    b = widgets.Dropdown(options=["p", "q"], value="q")
    box = make_explorer(frame, {"a": a, "b": b})
    assert sorted(calls) == sorted(itertools.product([1, 2, 3], ["p", "q"]))
    assert plt.get_fignums() == [], "a frame's figure was left open"
    row, outer = box.children
    assert row.children == (a, b)
    assert outer.selected_index == 1 and _links_to(outer) == [(a, "index")]
    for i, value_a in enumerate([1, 2, 3]):
        inner = outer.children[i]
        assert inner.selected_index == 1 and _links_to(inner) == [(b, "index")]
        for j, value_b in enumerate(["p", "q"]):
            markup = _frame_at(outer, (i, j)).value
            assert f"a={value_a} b={value_b}</pre>" in markup
            assert f'alt="plot for a={value_a}, b={value_b}"' in markup


def test_make_explorer_shares_one_layout_and_style_among_its_frames(stub_frames):
    box = make_explorer(stub_frames("f"), {"a": widgets.Dropdown(options=[1, 2, 3])})
    frames = box.children[1].children
    assert (
        len({id(f.layout) for f in frames}) == 1
        and len({id(f.style) for f in frames}) == 1
    )


def test_make_explorer_needs_selection_controls():
    with pytest.raises(ValueError, match="at least one control"):
        make_explorer(lambda: None, {})
    with pytest.raises(
        TypeError, match="control 'k' must be a selection widget.*FloatSlider"
    ):
        make_explorer(lambda k: None, {"k": widgets.FloatSlider()})


def test_a_frame_is_a_small_palette_png_with_its_alt_text_and_escaped_text():
    frame = draw_scaled_sigmoid(2.0, 1.0)
    width, height = (
        (frame.figure.get_size_inches() * frame.figure.dpi).round().astype(int)
    )
    markup = frame_html(Frame(frame.figure, "a < b & c", 'curve "σ" rises'))
    assert plt.get_fignums() == []
    src = re.search(r'<img src="data:image/png;base64,([^"]+)"', markup).group(1)
    png = base64.b64decode(src)
    image = Image.open(io.BytesIO(png))
    assert image.mode == "P" and len(image.getcolors()) <= 16
    assert (
        image.size == (width, height) and f'width="{width}" height="{height}"' in markup
    )
    assert len(png) < 12_000, f"a frame takes {len(png)} bytes"
    assert 'alt="curve &quot;σ&quot; rises"' in markup
    assert markup.endswith('<pre class="explorer-text">a &lt; b &amp; c</pre>')


def test_sigmoid_explorer_offers_its_grid_and_starts_at_the_given_values(stub_frames):
    box = sigmoid_explorer(steepness=2.0, shift=1.0)
    steepness, centre = box.children[0].children
    assert [steepness.description, centre.description] == ["steepness k", "centre c"]
    assert steepness.options == tuple((f"{v:.2f}", v) for v in W.STEEPNESS_VALUES)
    assert centre.options == tuple((f"{v:+.2f}", v) for v in W.CENTRE_VALUES)
    assert (steepness.value, centre.value) == (2.0, 1.0)
    outer = box.children[1]
    assert outer.selected_index == W.STEEPNESS_VALUES.index(2.0)
    for i, k in enumerate(W.STEEPNESS_VALUES):
        assert outer.children[i].selected_index == W.CENTRE_VALUES.index(1.0)
        for j, c in enumerate(W.CENTRE_VALUES):
            assert _frame_at(outer, (i, j)).value == repr(
                ("draw_scaled_sigmoid", (), {"steepness": k, "shift": c})
            )


def test_tangent_explorer_offers_x0_from_minus_6_to_6(stub_frames):
    box = tangent_explorer(x0=-2.0)
    (slider,) = box.children[0].children
    assert slider.description == "tangent point x0" and slider.value == -2.0
    assert [v for _, v in slider.options] == [-6.0 + 0.5 * i for i in range(25)]
    stack = box.children[1]
    assert stack.selected_index == slider.index == 8
    assert stack.children[8].value == repr(("draw_tangent", (), {"x0": -2.0}))


def test_gradient_norm_explorer_draws_every_depth_and_network(stub_frames):
    X, y = gaussian_clusters(50, np.random.default_rng(0))
    box = gradient_norm_explorer(X, y, depth=6, network="tanh, Xavier", seed=5)
    depth, network = box.children[0].children
    assert [c.description for c in (depth, network)] == ["hidden layers", "network"]
    assert [c.value for c in (depth, network)] == [6, "tanh, Xavier"]
    assert [v for _, v in depth.options] == [2, 3, 4, 6, 8, 10]
    assert list(network.options) == list(W.NETWORKS)
    outer = box.children[1]
    i, j = W.DEPTHS.index(6), network.index
    assert (outer.selected_index, outer.children[i].selected_index) == (i, j)
    for a, d in enumerate(W.DEPTHS):
        for b, name in enumerate(W.NETWORKS):
            drawn = _frame_at(outer, (a, b)).value
            activation, init = W.NETWORKS[name]
            drawn_for = f"({d}, '{activation}', '{init}')"
            assert drawn.startswith(f"('draw_gradient_norms', {drawn_for}, {{'X': ")
            assert drawn.endswith("'seed': 5})")


def test_the_explorer_offers_each_activation_with_its_own_initialisation():
    # The networks Chapter 4 compares, and the large N(0, 1) weights of Nielsen's
    # early chapters: every name maps to a known activation and initialisation.
    assert W.NETWORKS == {
        "sigmoid, standard": ("sigmoid", "uniform_fan_in"),
        "sigmoid, Xavier": ("sigmoid", "xavier"),
        "sigmoid, 4 × Xavier": ("sigmoid", "xavier_sigmoid"),
        "sigmoid, N(0, 1)": ("sigmoid", "unit_normal"),
        "tanh, Xavier": ("tanh", "xavier"),
        "ReLU, He": ("relu", "he"),
    }
    assert all(a in ACTIVATIONS and i in INITIALISERS for a, i in W.NETWORKS.values())


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"steepness": 100}, ValueError, r"steepness must be one of .* 5, got 100"),
        (
            {"steepness": float("nan")},
            ValueError,
            "steepness must be one of .* got nan",
        ),
        (
            {"steepness": None},
            TypeError,
            "steepness must be a real number, got NoneType",
        ),
        ({"steepness": True}, TypeError, "steepness must be a real number, got bool"),
        ({"shift": "1"}, TypeError, "shift must be a real number, got str"),
        (
            {"shift": 0.5},
            ValueError,
            r"shift must be one of the explorer's values -4, .*, 4, got 0.5",
        ),
    ],
)
def test_sigmoid_explorer_rejects_values_it_does_not_offer(kwargs, error, message):
    with pytest.raises(error, match=message):
        sigmoid_explorer(**kwargs)


@pytest.mark.parametrize(
    "x0, error, message",
    [
        (None, TypeError, "x0 must be a real number, got NoneType"),
        (
            6.5,
            ValueError,
            r"x0 must be one of the explorer's values -6, -5.5, .*, 6, got 6.5",
        ),
        (np.array([1.0]), TypeError, "x0 must be a real number, got ndarray"),
    ],
)
def test_tangent_explorer_rejects_values_it_does_not_offer(x0, error, message):
    with pytest.raises(error, match=message):
        tangent_explorer(x0=x0)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (
            {"depth": 5},
            ValueError,
            "depth must be one of the explorer's values 2, 3, 4, 6, 8, 10, got 5",
        ),
        (
            {"depth": 2.0},
            TypeError,
            "depth must be an integer of at least 1, got float",
        ),
        (
            {"network": "sigmoid, He"},
            ValueError,
            "network must be one of 'sigmoid, standard', .*, got 'sigmoid, He'",
        ),
        ({"network": None}, TypeError, "network must be a string, got NoneType"),
        ({"seed": -1}, ValueError, "seed must be at least 0, got -1"),
    ],
)
def test_gradient_norm_explorer_rejects_values_it_does_not_offer(
    kwargs, error, message
):
    X, y = gaussian_clusters(20, np.random.default_rng(0))
    with pytest.raises(error, match=message):
        gradient_norm_explorer(X, y, **kwargs)


@pytest.mark.parametrize("k, c", [(0.5, -1.0), (2.0, 1.0), (5.0, 3.0)])
def test_scaled_sigmoid_frame_reports_the_measured_midpoint_slope(k, c):
    frame = draw_scaled_sigmoid(k, c)
    reported = float(re.search(r"slope there = k/4 = ([0-9.]+)", frame.text).group(1))
    x, y = frame.figure.axes[0].get_lines()[1].get_data()
    i = abs(x - c).argmin()
    measured = (y[i + 1] - y[i - 1]) / (x[i + 1] - x[i - 1])
    assert reported == pytest.approx(measured, rel=1e-2)
    assert f"midpoint x = {c:+.2f}" in frame.text
    assert f"slope {reported:.4f} there" in frame.alt
    plt.close("all")


@pytest.mark.parametrize(
    "c, legend, alt",
    [
        (-2.0, r"$\sigma(5.00\,(x + 2.00))$", "σ(5(x + 2))"),
        (0.0, r"$\sigma(5.00\,(x))$", "σ(5(x))"),
        (1.5, r"$\sigma(5.00\,(x - 1.50))$", "σ(5(x − 1.5))"),
    ],
)
def test_scaled_sigmoid_legend_and_alt_write_the_sign_of_the_centre_once(
    c, legend, alt
):
    frame = draw_scaled_sigmoid(5.0, c)
    assert frame.figure.axes[0].get_legend().get_texts()[1].get_text() == legend
    assert frame.alt.startswith(f"The curve {alt}, solid, against σ(x), dashed")
    assert f"it crosses 0.5 at x = {c:g}" in frame.alt
    plt.close("all")


@pytest.mark.parametrize("x0", [-4.0, 0.0, 1.0, 3.5])
def test_tangent_frame_touches_sigma_with_slope_sigma_prime(x0):
    frame = draw_tangent(x0)
    reported = float(
        re.search(r"sigma\(x0\)\(1 - sigma\(x0\)\) = ([0-9.]+)", frame.text).group(1)
    )
    exact = float(sigmoid_prime_reference(x0)[()])
    assert reported == pytest.approx(exact, abs=5e-7)
    x, y = frame.figure.axes[0].get_lines()[1].get_data()
    drawn_slope = (y[-1] - y[0]) / (x[-1] - x[0])
    assert drawn_slope == pytest.approx(exact, rel=1e-12)
    # The straight line passes through (x0, sigma(x0)).
    height = float(sigmoid_reference(x0)[()])
    assert np.interp(x0, x, y) == pytest.approx(height, abs=1e-14)
    assert f"x0 = {x0:g}," in frame.alt
    assert f"height {height:.4f} and has slope {exact:.4f}." in frame.alt
    plt.close("all")


def _cluster_data():
    return gaussian_clusters(200, np.random.default_rng(0))


@pytest.mark.parametrize(
    "depth, activation, init",
    [(4, "sigmoid", "uniform_fan_in"), (2, "relu", "he"), (6, "tanh", "xavier")],
)
def test_gradient_norm_frame_prints_and_plots_the_measured_norms(
    depth, activation, init
):
    X, y = _cluster_data()
    frame = draw_gradient_norms(depth, activation, init, X=X, y=y, seed=3)
    lines = frame.text.splitlines()
    assert [int(v) for v in lines[0].split()[1:]] == list(range(1, depth + 1))
    printed = np.array([float(v) for v in lines[1].split()[1:]])
    expected = initial_gradient_norms(
        X, y, depth, np.random.default_rng(3), activation=activation, init=init
    )
    np.testing.assert_allclose(printed, expected, rtol=5e-3)
    ratio = float(re.search(r"first / last = (\S+)", lines[2]).group(1))
    assert ratio == pytest.approx(expected[0] / expected[-1], rel=5e-3)
    line = frame.figure.axes[0].get_lines()[0]
    np.testing.assert_array_equal(line.get_ydata(), expected)
    assert f"each of the {depth} hidden layers of a {activation} network" in frame.alt
    assert f"with {init} initialisation" in frame.alt
    assert f"{expected[0]:.1e} at layer 1" in frame.alt
    assert f"{expected[-1]:.1e} at layer {depth}, next to the output." in frame.alt
    plt.close("all")


def test_gradient_norm_frame_says_when_the_last_layer_gets_no_gradient():
    # Zero inputs and biases leave every ReLU at z = 0, where its derivative is 0.
    frame = draw_gradient_norms(3, "relu", "he", X=np.zeros((5, 20)), y=np.ones((5, 1)))
    assert "undefined" in frame.text
    plt.close("all")
