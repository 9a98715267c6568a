"""The shared argument checks (sigmoid_course._arrays) and every public function's use
of them.

One rule, one check, one exception class: TypeError for a wrong kind of
object, ValueError for a wrong value or shape, and a message that names the
argument, what was expected and what arrived.  The first half tests each
check; the second half is one table of bad calls to the public functions,
each of which must reach the check for its rule.
"""

import re

import numpy as np
import pytest

from sigmoid_course import (
    accuracy,
    central_difference,
    chain_factors,
    complex_step_derivative,
    forward,
    gaussian_clusters,
    hidden_bias_gradient_norms,
    init_params,
    initial_gradient_norms,
    layer_gains,
    layer_statistics,
    loss_and_grads,
    loss_gradient_wrt_logit,
    neuron_loss,
    nielsen_interval_width,
    numerical_gradient,
    predict,
    predict_proba,
    record_training,
    relative_error,
    sigmoid_neuron,
    sigmoid_neuron_by_gates,
    sigmoid_prime_reference,
    sigmoid_reference,
    train,
    train_neuron,
    two_moons,
    ulp_error,
)
from sigmoid_course._arrays import (
    check_callable,
    check_choice,
    check_count,
    check_float_format,
    check_labels,
    check_params,
    check_real_array,
    check_rng,
    check_same_shape,
    check_scalar,
    check_text,
)
from sigmoid_course.frameworks import (
    gradient_zero_from,
    jax_sigmoid_grad,
    sleef_exp,
    torch_bce_autocast,
    torch_sigmoid,
    torch_sigmoid_grad,
)
from sigmoid_course.gradient_flow import TrainingRecord

RNG = np.random.default_rng


# ---- the checks themselves
# -----------------------------------------------------------------


@pytest.mark.parametrize(
    "value, error, message",
    [
        (2.5, TypeError, "n must be an integer of at least 2, got float 2.5"),
        (True, TypeError, "n must be an integer of at least 2, got bool True"),
        ("3", TypeError, "n must be an integer of at least 2, got str '3'"),
        (None, TypeError, "n must be an integer of at least 2, got NoneType None"),
        (1, ValueError, "n must be at least 2, got 1"),
        (np.int64(-3), ValueError, "n must be at least 2, got -3"),
    ],
)
def test_check_count(value, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        check_count(value, "n", 2)


def test_check_count_returns_a_python_int():
    assert type(check_count(np.int32(3), "n", 2)) is int


@pytest.mark.parametrize(
    "value, rule, error, message",
    [
        ("0.1", "positive", TypeError, "h must be a positive finite number, got str"),
        (
            None,
            "positive",
            TypeError,
            "h must be a positive finite number, got NoneType",
        ),
        (True, "finite", TypeError, "h must be a finite real number, got bool"),
        (1j, "finite", TypeError, "h must be a finite real number, got complex"),
        (
            np.array([1.0]),
            "finite",
            TypeError,
            "h must be a finite real number, got ndarray of dtype float64",
        ),
        (0.0, "positive", ValueError, "h must be a positive finite number, got 0.0"),
        (-1, "positive", ValueError, "h must be a positive finite number, got -1"),
        (
            -0.5,
            "non-negative",
            ValueError,
            "h must be a non-negative finite number, got -0.5",
        ),
        (
            float("inf"),
            "positive",
            ValueError,
            "h must be a positive finite number, got inf",
        ),
        (
            float("nan"),
            "non-negative",
            ValueError,
            "h must be a non-negative finite number, got nan",
        ),
        (
            float("-inf"),
            "finite",
            ValueError,
            "h must be a finite real number, got -inf",
        ),
    ],
)
def test_check_scalar(value, rule, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        check_scalar(value, "h", rule)


@pytest.mark.parametrize(
    "value, rule, expected",
    [
        (0.0, "non-negative", 0.0),
        (3, "positive", 3.0),
        (np.float32(-2.5), "finite", -2.5),
    ],
)
def test_check_scalar_accepts_and_returns_a_float(value, rule, expected):
    result = check_scalar(value, "h", rule)
    assert type(result) is float and result == expected


@pytest.mark.parametrize(
    "value, kwargs, error, message",
    [
        (
            "abc",
            {},
            TypeError,
            "X must be a number, a list of numbers or a numeric numpy array, got str",
        ),
        (
            None,
            {},
            TypeError,
            "X must be a number, a list of numbers or a numeric numpy array, got "
            "NoneType",
        ),
        (np.array(["a"]), {}, TypeError, "got values of dtype <U1 (ndarray)"),
        (np.array([object()]), {}, TypeError, "got values of dtype object (ndarray)"),
        ([1 + 2j], {}, TypeError, "X must be real, got complex dtype complex128"),
        (
            [[1.0], [1.0, 2.0]],
            {},
            ValueError,
            "X must be a rectangular array of numbers",
        ),
        (
            [1.0, 2.0],
            {"ndim": 2},
            ValueError,
            "X must be a 2-dimensional array, got shape (2,)",
        ),
        (
            [[0.0, np.nan]],
            {},
            ValueError,
            "X must hold finite numbers, got nan at index (0, 1)",
        ),
        ([np.inf], {}, ValueError, "X must hold finite numbers, got inf at index (0,)"),
    ],
)
def test_check_real_array(value, kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        check_real_array(value, "X", **kwargs)


def test_check_real_array_converts_without_copying_float64_or_modifying_the_input():
    x = np.array([1.0, 2.0])
    assert check_real_array(x, "x") is x
    ints = np.array([1, 2], dtype=np.int8)
    assert check_real_array(ints, "x").dtype == np.float64 and ints.dtype == np.int8
    assert np.isnan(check_real_array([np.nan], "x", finite=False)[0])


def test_check_same_shape():
    check_same_shape(np.zeros(3), np.zeros(3), "z and y")
    check_same_shape(np.zeros(3), np.zeros(()), "z and y", scalars=True)
    with pytest.raises(
        ValueError,
        match=re.escape("z and y must have the same shape, got (3,) and (3, 1)"),
    ):
        check_same_shape(np.zeros(3), np.zeros((3, 1)), "z and y", scalars=True)
    with pytest.raises(ValueError, match="got \\(3,\\) and \\(\\)"):
        check_same_shape(np.zeros(3), np.zeros(()), "z and y")


@pytest.mark.parametrize(
    "value, error, message",
    [
        ([0, 1, 2], ValueError, "y must contain only 0 and 1, got 2.0"),
        ([0.5], ValueError, "y must contain only 0 and 1, got 0.5"),
        ([np.nan, 0], ValueError, "y must contain only 0 and 1, got nan"),
        (
            ["0"],
            TypeError,
            "y must be a number, a list of numbers or a numeric numpy array",
        ),
    ],
)
def test_check_labels(value, error, message):
    with pytest.raises(error, match=re.escape(message)):
        check_labels(value)


def test_check_labels_accepts_bools_and_integers_as_floats():
    np.testing.assert_array_equal(check_labels(np.array([True, False])), [1.0, 0.0])


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_check_float_format_keeps_the_format(dtype):
    import ml_dtypes

    kind = ml_dtypes.bfloat16 if dtype == "bfloat16" else np.dtype(dtype)
    x = np.array([0.5, 2.0], dtype=kind)
    assert check_float_format(x, "z").dtype.name == dtype
    assert check_float_format(x[0], "z").dtype.name == dtype


def test_check_float_format_takes_a_python_float_as_float64():
    assert check_float_format(0.5, "z").dtype == np.float64


@pytest.mark.parametrize(
    "value, formats, message",
    [
        ([1.0], None, "z must be a NumPy array or scalar of float16, bfloat16, "
         "float32 or float64, got list"),
        (np.arange(3), None, "got ndarray of dtype int64"),
        (np.float16(1.0), ("float32", "float64"),
         "z must be a NumPy array or scalar of float32 or float64, got float16"),
        (1.0, ("float16", "bfloat16"), "got float"),
        ("1.0", None, "got str"),
    ],
)
def test_check_float_format_rejects_other_kinds(value, formats, message):
    args = () if formats is None else (formats,)
    with pytest.raises(TypeError, match=re.escape(message)):
        check_float_format(value, "z", *args)


_W = np.ones((2, 3))


@pytest.mark.parametrize(
    "params, error, message",
    [
        ("W", TypeError, "params must be a list of (W, b) pairs, got str"),
        (_W, TypeError, "params must be a list of (W, b) pairs, got ndarray"),
        (
            [],
            ValueError,
            "params must hold at least one (W, b) layer, got an empty list",
        ),
        (
            [_W],
            TypeError,
            "params layer 1 must be a (W, b) pair, got ndarray of dtype float64",
        ),
        (
            [(_W, [0.0, 0.0, 0.0])],
            TypeError,
            "params layer 1: b must be a numpy array, got list",
        ),
        (
            [(_W.astype(str), np.zeros(3))],
            TypeError,
            "params layer 1: W must be a number",
        ),
        (
            [(_W.astype(complex), np.zeros(3))],
            TypeError,
            "params layer 1: W must be real",
        ),
        (
            [(np.ones(3), np.zeros(3))],
            ValueError,
            "params layer 1: W must be a 2-dimensional array (n_in, n_out), or "
            "3-dimensional (networks, n_in, n_out) for a stack, got shape (3,)",
        ),
        (
            [(np.ones((1, 2, 2, 3)), np.zeros((1, 2, 3)))],
            ValueError,
            "params layer 1: W must be a 2-dimensional array (n_in, n_out), or "
            "3-dimensional (networks, n_in, n_out) for a stack, got shape "
            "(1, 2, 2, 3)",
        ),
        # stacks of networks: W (S, n_in, n_out), b (S, n_out)
        (
            [(np.ones((0, 2, 3)), np.zeros((0, 3)))],
            ValueError,
            "params layer 1: a stack must hold at least one network, got W of shape "
            "(0, 2, 3)",
        ),
        (
            [(np.ones((4, 2, 3)), np.zeros(3))],
            ValueError,
            "params layer 1: W of shape (networks, n_in, n_out) = (4, 2, 3) needs b "
            "of shape (4, 3), got (3,)",
        ),
        (
            [
                (np.ones((4, 2, 3)), np.zeros((4, 3))),
                (np.ones((5, 3, 1)), np.zeros((5, 1))),
            ],
            ValueError,
            "params layer 2: W of shape (5, 3, 1) must be a stack of 4 networks like "
            "layer 1, whose W has shape (4, 2, 3)",
        ),
        (
            [(np.ones((4, 2, 3)), np.zeros((4, 3))), (np.ones((3, 1)), np.zeros(1))],
            ValueError,
            "params layer 2: W of shape (3, 1) must be a stack of 4 networks like "
            "layer 1",
        ),
        (
            [(_W, np.zeros(3)), (np.ones((4, 3, 1)), np.zeros((4, 1)))],
            ValueError,
            "params layer 2: W of shape (4, 3, 1) must be one network like layer 1",
        ),
        (
            [
                (np.ones((4, 2, 3)), np.zeros((4, 3))),
                (np.ones((4, 2, 1)), np.zeros((4, 1))),
            ],
            ValueError,
            "params layer 2: W must have 3 rows, the outputs of layer 1, got shape "
            "(4, 2, 1)",
        ),
        (
            [(np.ones((2, 2, 3)), np.array([[0.0, 0.0, 0.0], [0.0, np.nan, 0.0]]))],
            ValueError,
            "params layer 1: b must hold finite numbers, got nan at index (1, 1)",
        ),
        (
            [(_W, np.zeros(2))],
            ValueError,
            "params layer 1: W of shape (n_in, n_out) = (2, 3) needs b of shape (3,), "
            "got (2,)",
        ),
        (
            [(_W, np.zeros(3)), (np.ones((4, 1)), np.zeros(1))],
            ValueError,
            "params layer 2: W must have 3 rows, the outputs of layer 1, got shape "
            "(4, 1)",
        ),
        (
            [(np.where(np.eye(2, 3) > 0, np.nan, 1.0), np.zeros(3))],
            ValueError,
            "params layer 1: W must hold finite numbers, got nan at index (0, 0)",
        ),
        (
            [(_W, np.array([0.0, np.inf, 0.0]))],
            ValueError,
            "params layer 1: b must hold finite numbers, got inf at index (1,)",
        ),
    ],
)
def test_check_params(params, error, message):
    with pytest.raises(error, match=re.escape(message)):
        check_params(params)


def test_check_params_returns_float64_layers_and_leaves_float64_ones_uncopied():
    W, b = np.ones((2, 1)), np.zeros(1)
    ((W2, b2),) = check_params([(W, b)])
    assert W2 is W and b2 is b
    ((W3, _),) = check_params([(np.ones((2, 1), dtype=np.int64), b)])
    assert W3.dtype == np.float64


def test_check_rng_callable_and_choice():
    with pytest.raises(
        TypeError, match=r"^rng must be a numpy.random.Generator .* got int$"
    ):
        check_rng(0)
    with pytest.raises(
        TypeError, match="^loss must be a callable function, got float$"
    ):
        check_callable(1.0, "loss")
    with pytest.raises(
        ValueError, match=r"^init must be one of \['a', 'b'\], got 'c'$"
    ):
        check_choice("c", "init", {"a": 1, "b": 2})
    with pytest.raises(ValueError, match=r"got \['a'\]$"):
        check_choice(["a"], "init", {"a": 1})  # unhashable: in no table


def test_check_text():
    assert check_text("σ′(0) = ?", "prompt") == "σ′(0) = ?"
    with pytest.raises(TypeError, match="^prompt must be a string, got float$"):
        check_text(0.25, "prompt")
    with pytest.raises(TypeError, match="^why must be a string, got NoneType$"):
        check_text(None, "why")
    message = "title must hold some text, got '\\n'"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        check_text("\n", "title")


# ---- every public function reaches the check for its rule
# -----------------------------------


def _net():
    return init_params([2, 3, 1], RNG(0))


X4, Y4 = np.zeros((4, 2)), np.zeros((4, 1))
TWO_OUT = [(np.ones((2, 2)), np.zeros(2))]
NAN_NET = [(np.array([[np.nan], [0.0]]), np.zeros(1))]

BAD_CALLS = {
    # frameworks: the format is the input's dtype, never guessed
    "torch_sigmoid list": (
        lambda: torch_sigmoid([1.0]),
        TypeError,
        "z must be a NumPy array or scalar of float16, bfloat16, float32 or float64",
    ),
    "torch_sigmoid_grad int": (
        lambda: torch_sigmoid_grad(np.arange(2)),
        TypeError,
        "z must be a NumPy array or scalar of",
    ),
    "sleef_exp float16": (
        lambda: sleef_exp(np.float16(1.0)),
        TypeError,
        "x must be a NumPy array or scalar of float32 or float64, got float16",
    ),
    "jax_sigmoid_grad accuracy": (
        lambda: jax_sigmoid_grad(np.float32(1.0), accuracy="high"),
        ValueError,
        "accuracy must be one of ['default', 'highest'], got 'high'",
    ),
    "gradient_zero_from fmt": (
        lambda: gradient_zero_from(torch_sigmoid_grad, "float8"),
        ValueError,
        "fmt must be one of",
    ),
    "torch_bce_autocast float32": (
        lambda: torch_bce_autocast(np.float32(1.0), 0.0),
        TypeError,
        "z must be a NumPy array or scalar of float16 or bfloat16, got float32",
    ),
    # datasets
    "two_moons n=2.5": (
        lambda: two_moons(2.5, 0.1, RNG(0)),
        TypeError,
        "n must be an integer of at least 2",
    ),
    "two_moons n=1": (
        lambda: two_moons(1, 0.1, RNG(0)),
        ValueError,
        "n must be at least 2, got 1",
    ),
    "two_moons noise": (
        lambda: two_moons(4, -0.1, RNG(0)),
        ValueError,
        "noise must be a non-negative finite",
    ),
    "two_moons noise str": (
        lambda: two_moons(4, "0.1", RNG(0)),
        TypeError,
        "noise must be a non-negative",
    ),
    "two_moons rng": (
        lambda: two_moons(4, 0.1, 0),
        TypeError,
        "rng must be a numpy.random.Generator",
    ),
    "clusters n": (
        lambda: gaussian_clusters(0, RNG(0)),
        ValueError,
        "n must be at least 1, got 0",
    ),
    "clusters dim": (
        lambda: gaussian_clusters(5, RNG(0), dim=2.0),
        TypeError,
        "dim must be an integer",
    ),
    "clusters n_clusters": (
        lambda: gaussian_clusters(5, RNG(0), n_clusters=1),
        ValueError,
        "n_clusters must be at least 2, got 1",
    ),
    "clusters spread": (
        lambda: gaussian_clusters(5, RNG(0), spread=np.nan),
        ValueError,
        "spread must be a non-negative finite number, got nan",
    ),
    # derivatives
    "central f": (
        lambda: central_difference(1.0, 0.0),
        TypeError,
        "f must be a callable function, got float",
    ),
    "central h": (
        lambda: central_difference(np.sin, 0.0, h=0.0),
        ValueError,
        "h must be a positive finite",
    ),
    "central x": (
        lambda: central_difference(np.sin, "1"),
        TypeError,
        "x must be a number",
    ),
    "central complex x": (
        lambda: central_difference(np.sin, 1j),
        TypeError,
        "x must be real",
    ),
    "complex step h=None": (
        lambda: complex_step_derivative(np.sin, 0.0, h=None),
        TypeError,
        "h must be a positive finite number, got NoneType",
    ),
    "complex step h": (
        lambda: complex_step_derivative(np.sin, 0.0, h=np.inf),
        ValueError,
        "h must be a positive finite number, got inf",
    ),
    "numerical_gradient loss": (
        lambda: numerical_gradient(None, []),
        TypeError,
        "loss must be a callable",
    ),
    "numerical_gradient order": (
        lambda: numerical_gradient(lambda: 0.0, [], order=3),
        ValueError,
        "order must be 2 or 4, got 3",
    ),
    "numerical_gradient h": (
        lambda: numerical_gradient(lambda: 0.0, [], h=-1.0),
        ValueError,
        "h must be a positive finite number, got -1.0",
    ),
    "numerical_gradient float32": (
        lambda: numerical_gradient(lambda: 0.0, [np.zeros(2, np.float32)]),
        TypeError,
        "arrays[0] must be a numpy array of dtype float64",
    ),
    "numerical_gradient list": (
        lambda: numerical_gradient(lambda: 0.0, [[1.0]]),
        TypeError,
        "arrays[0] must be a numpy array of dtype float64 that loss() reads, got list",
    ),
    "numerical_gradient one array": (
        lambda: numerical_gradient(lambda: 0.0, np.zeros(2)),
        TypeError,
        "arrays must be a list of the numpy arrays",
    ),
    "relative_error shapes": (
        lambda: relative_error([1.0, 2.0], [1.0]),
        ValueError,
        "analytic and numeric must have the same shape, got (2,) and (1,)",
    ),
    "relative_error nan": (
        lambda: relative_error([np.nan], [1.0]),
        ValueError,
        "analytic must hold finite numbers, got nan",
    ),
    "relative_error inf": (
        lambda: relative_error([1.0], [np.inf]),
        ValueError,
        "numeric must hold finite numbers, got inf",
    ),
    "relative_error floor": (
        lambda: relative_error([1.0], [1.0], floor=-1.0),
        ValueError,
        "floor must be a non-negative finite number, got -1.0",
    ),
    "relative_error floor type": (
        lambda: relative_error([1.0], [1.0], floor=None),
        TypeError,
        "floor must be a non-negative finite number, got NoneType",
    ),
    "relative_error text": (
        lambda: relative_error("1", [1.0]),
        TypeError,
        "analytic must be a number",
    ),
    # precision
    "reference nan": (
        lambda: sigmoid_reference([np.nan]),
        ValueError,
        "x must hold finite numbers, got nan",
    ),
    "reference complex": (
        lambda: sigmoid_prime_reference(1j),
        TypeError,
        "x must be real",
    ),
    "reference text": (
        lambda: sigmoid_reference("1.0"),
        TypeError,
        "x must be a number",
    ),
    "ulp_error ints": (
        lambda: ulp_error(np.array([1]), sigmoid_reference([1.0])),
        TypeError,
        "computed must be a float array",
    ),
    "ulp_error shapes": (
        lambda: ulp_error(np.zeros(2), sigmoid_reference([1.0])),
        ValueError,
        "computed and reference must have the same shape, got (2,) and (1,)",
    ),
    "ulp_error floats": (
        lambda: ulp_error(np.zeros(1), np.array([0.5], dtype=object)),
        TypeError,
        "reference must hold Decimal values, got float",
    ),
    # neuron
    "neuron w 2-d": (
        lambda: sigmoid_neuron([[1.0, 2.0]], [1.0]),
        ValueError,
        "w must be a 1-dimensional array, got shape (1, 2)",
    ),
    "neuron x nan": (
        lambda: sigmoid_neuron_by_gates([1.0, 2.0], [np.nan]),
        ValueError,
        "x must hold finite numbers, got nan",
    ),
    "neuron w text": (
        lambda: sigmoid_neuron(["a", "b"], [1.0]),
        TypeError,
        "w must be a number",
    ),
    "neuron sizes": (
        lambda: sigmoid_neuron([1.0], [1.0]),
        ValueError,
        "w must hold one weight per input",
    ),
    "loss label": (
        lambda: neuron_loss(0.0, 0.5),
        ValueError,
        "y must contain only 0 and 1, got 0.5",
    ),
    "loss z text": (lambda: neuron_loss("0", 1), TypeError, "z must be a number"),
    "loss name": (
        lambda: neuron_loss(0.0, 1, "hinge"),
        ValueError,
        "loss must be one of ['cross_entropy', 'mse'], got 'hinge'",
    ),
    "loss broadcast": (
        lambda: neuron_loss(np.zeros(3), np.zeros((3, 1))),
        ValueError,
        "z and y must have the same shape, got (3,) and (3, 1)",
    ),
    "gradient broadcast": (
        lambda: loss_gradient_wrt_logit(np.zeros((3, 1)), np.zeros(3), "mse"),
        ValueError,
        "z and y must have the same shape, got (3, 1) and (3,)",
    ),
    "train_neuron x": (
        lambda: train_neuron(
            0.0, 0.0, [np.inf], [1], loss="mse", learning_rate=0.1, epochs=1
        ),
        ValueError,
        "x must hold finite numbers, got inf",
    ),
    "train_neuron w": (
        lambda: train_neuron(
            np.inf, 0.0, [1.0], [1], loss="mse", learning_rate=0.1, epochs=1
        ),
        ValueError,
        "w must be a finite real number, got inf",
    ),
    "train_neuron rate": (
        lambda: train_neuron(
            0.0, 0.0, [1.0], [1], loss="mse", learning_rate="1", epochs=1
        ),
        TypeError,
        "learning_rate must be a positive finite number, got str",
    ),
    "train_neuron epochs": (
        lambda: train_neuron(
            0.0, 0.0, [1.0], [1], loss="mse", learning_rate=0.1, epochs=-1
        ),
        ValueError,
        "epochs must be at least 0, got -1",
    ),
    "train_neuron sizes": (
        lambda: train_neuron(
            0.0, 0.0, [1.0, 2.0], [1], loss="mse", learning_rate=0.1, epochs=1
        ),
        ValueError,
        "x and y must hold the same positive",
    ),
    # network
    "init name": (
        lambda: init_params([2, 1], RNG(0), "normal"),
        ValueError,
        "init must be one of [",
    ),
    "init sizes": (
        lambda: init_params([2], RNG(0)),
        ValueError,
        "layer_sizes must list at least two",
    ),
    "init size 0": (
        lambda: init_params([2, 0], RNG(0)),
        ValueError,
        "layer_sizes[1] must be at least 1, got 0",
    ),
    "init size float": (
        lambda: init_params([2, 1.0], RNG(0)),
        TypeError,
        "layer_sizes[1] must be an integer",
    ),
    "init sizes int": (
        lambda: init_params(3, RNG(0)),
        TypeError,
        "layer_sizes must be a list of layer widths",
    ),
    "init rng": (
        lambda: init_params([2, 1], None),
        TypeError,
        "rng must be a numpy.random.Generator",
    ),
    "forward activation": (
        lambda: forward(_net(), X4, "swish"),
        ValueError,
        "activation must be one of [",
    ),
    "forward X columns": (
        lambda: forward(_net(), np.zeros((4, 3))),
        ValueError,
        "X must have 2 columns, the inputs of the first layer, got shape (4, 3)",
    ),
    "forward X 1-d": (
        lambda: forward(_net(), np.zeros(2)),
        ValueError,
        "X must be a 2-dimensional array",
    ),
    "forward X empty": (
        lambda: forward(_net(), np.zeros((0, 2))),
        ValueError,
        "X must hold at least one example",
    ),
    "forward X nan": (
        lambda: forward(_net(), [[0.0, np.nan]]),
        ValueError,
        "X must hold finite numbers",
    ),
    "forward X text": (
        lambda: forward(_net(), [["a", "b"]]),
        TypeError,
        "X must be a number",
    ),
    "forward NaN weight": (
        lambda: forward(NAN_NET, np.zeros((1, 2))),
        ValueError,
        "params layer 1: W must hold finite numbers, got nan",
    ),
    "forward text weights": (
        lambda: forward([(np.full((2, 1), "1"), np.zeros(1))], X4),
        TypeError,
        "params layer 1: W must be a number",
    ),
    "predict NaN weight": (
        lambda: predict(NAN_NET, np.zeros((1, 2))),
        ValueError,
        "must hold finite numbers",
    ),
    "predict_proba two outputs": (
        lambda: predict_proba(TWO_OUT, X4),
        ValueError,
        "params must end in a layer with one output unit",
    ),
    "accuracy no layers": (
        lambda: accuracy([], X4, Y4),
        ValueError,
        "params must hold at least one (W, b) layer",
    ),
    "accuracy two outputs": (
        lambda: accuracy(TWO_OUT, X4, Y4),
        ValueError,
        "params must end in a layer with one output unit",
    ),
    "accuracy NaN weight": (
        lambda: accuracy(NAN_NET, np.zeros((1, 2)), [[1]]),
        ValueError,
        "must hold finite numbers",
    ),
    "loss_and_grads y shape": (
        lambda: loss_and_grads(_net(), X4, np.zeros(4)),
        ValueError,
        "y must have shape (batch, 1) = (4, 1), one label per row of X, got (4,)",
    ),
    "loss_and_grads y label": (
        lambda: loss_and_grads(_net(), X4, np.full((4, 1), 2)),
        ValueError,
        "y must contain only 0 and 1, got 2.0",
    ),
    "loss_and_grads y text": (
        lambda: loss_and_grads(_net(), X4, np.full((4, 1), "1")),
        TypeError,
        "y must be a number",
    ),
    "train NaN weight": (
        lambda: train(NAN_NET, np.zeros((1, 2)), [[1]], learning_rate=0.1, epochs=1),
        ValueError,
        "must hold finite numbers",
    ),
    "train rate": (
        lambda: train(_net(), X4, Y4, learning_rate=0.0, epochs=1),
        ValueError,
        "learning_rate must be a positive finite number, got 0.0",
    ),
    "train rate type": (
        lambda: train(_net(), X4, Y4, learning_rate="0.1", epochs=1),
        TypeError,
        "learning_rate must be a positive finite number, got str",
    ),
    "train epochs": (
        lambda: train(_net(), X4, Y4, learning_rate=0.1, epochs=2.5),
        TypeError,
        "epochs must be an integer of at least 0, got float 2.5",
    ),
    "train epochs bool": (
        lambda: train(_net(), X4, Y4, learning_rate=0.1, epochs=True),
        TypeError,
        "epochs must be an integer of at least 0, got bool True",
    ),
    "train batch_size": (
        lambda: train(
            _net(), X4, Y4, learning_rate=0.1, epochs=1, batch_size=0, rng=RNG(0)
        ),
        ValueError,
        "batch_size must be at least 1, got 0",
    ),
    "train batch without rng": (
        lambda: train(_net(), X4, Y4, learning_rate=0.1, epochs=1, batch_size=2),
        TypeError,
        "rng (mini-batches need it to shuffle the examples) must be",
    ),
    "train callback": (
        lambda: train(_net(), X4, Y4, learning_rate=0.1, epochs=1, callback=1),
        TypeError,
        "callback must be a callable function, got int",
    ),
    "gradient norms NaN": (
        lambda: hidden_bias_gradient_norms([(np.zeros((2, 1)), np.array([np.nan]))]),
        ValueError,
        "grads layer 1: b must hold finite numbers, got nan",
    ),
    "gradient norms pairs": (
        lambda: hidden_bias_gradient_norms([np.zeros(2)]),
        TypeError,
        "grads layer 1 must be a (W, b) pair",
    ),
    # gradient_flow
    "epochs_to level": (
        lambda: TrainingRecord([], *np.zeros((6, 1))).epochs_to(np.nan),
        ValueError,
        "level must be a finite real number, got nan",
    ),
    "chain b shape": (
        lambda: chain_factors([1.0, 2.0], [1.0]),
        ValueError,
        "w and b (one weight and one bias per layer) must have the same shape",
    ),
    "chain empty": (
        lambda: chain_factors(np.zeros((2, 0)), np.zeros((2, 0))),
        ValueError,
        "w must hold at least one weight along its last axis",
    ),
    "chain x": (
        lambda: chain_factors(np.ones((2, 3)), np.ones((2, 3)), np.ones(3)),
        ValueError,
        "x of shape (3,) does not broadcast against the (2,) chains of w",
    ),
    "chain nan": (
        lambda: chain_factors([1.0], [np.nan]),
        ValueError,
        "b must hold finite numbers",
    ),
    "chain text": (
        lambda: chain_factors(["1"], [1.0]),
        TypeError,
        "w must be a number",
    ),
    "chain complex": (
        lambda: chain_factors([1.0], [1.0], 1j),
        TypeError,
        "x must be real",
    ),
    "nielsen complex": (
        lambda: nielsen_interval_width(6.9 + 0j),
        TypeError,
        "w must be real",
    ),
    "initial norms depth": (
        lambda: initial_gradient_norms(X4, Y4, 0, RNG(0)),
        ValueError,
        "depth must be at least 1, got 0",
    ),
    "initial norms width": (
        lambda: initial_gradient_norms(X4, Y4, 2, RNG(0), width=2.5),
        TypeError,
        "width must be an integer of at least 1",
    ),
    "initial norms X": (
        lambda: initial_gradient_norms(np.zeros(4), Y4, 2, RNG(0)),
        ValueError,
        "X must be a 2-dimensional array, got shape (4,)",
    ),
    "initial norms rng": (
        lambda: initial_gradient_norms(X4, Y4, 2, 1),
        TypeError,
        "rng must be",
    ),
    "initial norms activation": (
        lambda: initial_gradient_norms(X4, Y4, 2, RNG(0), activation="elu"),
        ValueError,
        "activation must be one of [",
    ),
    "initial norms init": (
        lambda: initial_gradient_norms(X4, Y4, 2, RNG(0), init="normal"),
        ValueError,
        "init must be one of [",
    ),
    "gains activation": (
        lambda: layer_gains(_net(), X4, "elu"),
        ValueError,
        "activation must be one of [",
    ),
    "gains NaN X": (
        lambda: layer_gains(_net(), [[np.nan, 0.0]]),
        ValueError,
        "X must hold finite numbers",
    ),
    "statistics activation": (
        lambda: layer_statistics(_net(), X4, "elu"),
        ValueError,
        "activation must be one of [",
    ),
    "statistics NaN weight": (
        lambda: layer_statistics(NAN_NET, np.zeros((1, 2))),
        ValueError,
        "must hold finite numbers",
    ),
    "record probe half": (
        lambda: record_training(
            _net(),
            X4,
            Y4,
            activation="sigmoid",
            learning_rate=0.1,
            epochs=1,
            batch_size=2,
            rng=RNG(0),
            X_probe=X4,
        ),
        ValueError,
        "give both X_probe and y_probe, or neither",
    ),
    "record probe shape": (
        lambda: record_training(
            _net(),
            X4,
            Y4,
            activation="sigmoid",
            learning_rate=0.1,
            epochs=1,
            batch_size=2,
            rng=RNG(0),
            X_probe=np.zeros((3, 2)),
            y_probe=Y4,
        ),
        ValueError,
        "y must have shape (batch, 1) = (3, 1)",
    ),
    "record batch_size": (
        lambda: record_training(
            _net(),
            X4,
            Y4,
            activation="sigmoid",
            learning_rate=0.1,
            epochs=1,
            batch_size=None,
            rng=RNG(0),
        ),
        TypeError,
        "batch_size must be an integer of at least 1, got NoneType",
    ),
}


@pytest.mark.parametrize(
    "call, error, message", BAD_CALLS.values(), ids=BAD_CALLS.keys()
)
def test_public_functions_reject_bad_arguments_by_rule(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()
