"""Tests of Chapter 4's plotting helpers: layer_colors and the network colours."""

import re

import pytest

from sigmoid_course.network import ACTIVATIONS, INITIALISERS
from sigmoid_course.plotting import COLORS, layer_colors

HEX = re.compile(r"#[0-9a-f]{6}")
NETWORK_KEYS = ("sigmoid_uniform_fan_in", "sigmoid_xavier", "sigmoid_xavier_sigmoid",
                "tanh_xavier", "relu_he")


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of "#rrggbb", computed without matplotlib."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


@pytest.mark.parametrize("n", [1, 2, 4, 10])
def test_layer_colors_returns_n_hex_colours(n):
    colors = layer_colors(n)
    assert len(colors) == n
    assert all(HEX.fullmatch(c) for c in colors)


def test_layer_colors_darken_from_the_input_to_the_output():
    luminance = [relative_luminance(c) for c in layer_colors(10)]
    assert all(a > b for a, b in zip(luminance, luminance[1:]))


def test_layer_colors_stay_readable_on_white():
    # WCAG contrast (L1 + 0.05) / (L2 + 0.05) against white: 2:1 keeps a line visible.
    lightest = layer_colors(4)[0]
    assert (1.0 + 0.05) / (relative_luminance(lightest) + 0.05) >= 2.0


def test_layer_colors_do_not_reuse_a_network_colour():
    assert not set(layer_colors(10)) & {COLORS[k].lower() for k in NETWORK_KEYS}


def test_network_colours_are_distinct_and_name_real_setups():
    assert len({COLORS[k] for k in NETWORK_KEYS}) == len(NETWORK_KEYS)
    for key in NETWORK_KEYS:
        activation, init = key.split("_", 1)
        assert activation in ACTIVATIONS and init in INITIALISERS


BAD_COUNTS = [(0, ValueError), (-3, ValueError), (2.0, TypeError), ("4", TypeError),
              (True, TypeError)]


@pytest.mark.parametrize("n, error", BAD_COUNTS)
def test_layer_colors_rejects_a_bad_count(n, error):
    with pytest.raises(error, match="n must be"):
        layer_colors(n)
