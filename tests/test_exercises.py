"""Unit tests of sigmoid_course.exercises: the checkers and their reference solutions.

Every checker passes its reference solution and fails known-wrong
implementations, written here as a learner would write them (not copied
from the catalogue of mistakes in the module), each with a message that
names the mistake. The reference solutions and the values the checkers
expect are compared with independent references: 50-digit decimal
arithmetic (tests/reference.py), the complex step, fourth-order finite
differences of the loss, and the gain's formula written out here. No
learner's output makes check() raise, even with warnings turned into errors
(pyproject.toml).
"""

import copy
import inspect
import math

import numpy as np
import pytest

from reference import decimal_reference, sigmoid_exact, sigmoid_prime_exact
from sigmoid_course import (
    complex_step_derivative,
    loss_and_grads,
    numerical_gradient,
    sigmoid,
    ulp_error,
)
from sigmoid_course.exercises import (
    ELEMENTWISE_INPUTS,
    EXERCISES,
    GAIN_CASES,
    NETWORKS,
    NEURON_CASES,
    CheckResult,
    _gain_expected,
    _neuron_expected,
    layer_gain_solution,
    network_backward_solution,
    neuron_backward_solution,
    sigmoid_prime_solution,
    sigmoid_solution,
)


def _check(name, fn, capsys):
    result = EXERCISES[name].check(fn)
    printed = capsys.readouterr().out
    assert printed.strip() == result.report
    return result


def _flat(text):
    """The report with its line breaks and indents as single spaces."""
    return " ".join(text.split())


def _named(result, *words):
    """True if one message names the mistake: it contains every word given."""
    return any(all(w in m for w in words) for m in result.messages)


# ---- the reference solutions ------------------------------------------------------


def test_the_registry_holds_the_five_exercises_of_issue_18():
    assert set(EXERCISES) == {
        "sigmoid",
        "sigmoid_prime",
        "neuron_backward",
        "network_backward",
        "layer_gain",
    }
    for name, exercise in EXERCISES.items():
        assert exercise.name == name
        assert callable(exercise.solution)
        assert len(exercise.hints) >= 2
        assert exercise.task and name in repr(exercise)
        # The page shows the solution's source (literalinclude :pyobject:).
        assert inspect.getsource(exercise.solution).startswith("def ")


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_every_checker_passes_its_reference_solution(name, capsys):
    result = _check(name, EXERCISES[name].solution, capsys)
    assert result.passed, result.report
    assert result.messages == []
    assert result.report.endswith("checks.")
    assert "FAIL" not in _flat(result.report)


def _grid_and_random():
    rng = np.random.default_rng(18)
    return np.concatenate(
        [
            ELEMENTWISE_INPUTS.ravel(),
            rng.uniform(-745.0, 745.0, 2000),
            rng.uniform(-40.0, 40.0, 2000),
        ]
    )


def test_the_sigmoid_solution_is_within_4_ulp_of_50_digits():
    x = _grid_and_random()
    errors = ulp_error(sigmoid_solution(x), decimal_reference(sigmoid_exact, x))
    assert errors.max() <= 4.0, (errors.max(), x[np.argmax(errors)])


def test_the_sigmoid_prime_solution_is_within_6_ulp_of_50_digits():
    x = _grid_and_random()
    got = sigmoid_prime_solution(x)
    errors = ulp_error(got, decimal_reference(sigmoid_prime_exact, x))
    assert errors.max() <= 6.0, (errors.max(), x[np.argmax(errors)])


@pytest.mark.parametrize("case", range(len(NEURON_CASES)))
def test_the_neuron_solution_and_expected_values_match_the_complex_step(case):
    w, x = NEURON_CASES[case]

    def f(w_, x_):
        return 1 / (1 + np.exp(-(w_[0] * x_[0] + w_[1] * x_[1] + w_[2])))

    def partial(k, of_w):
        def along(t):
            w_, x_ = w.astype(complex), x.astype(complex)
            (w_ if of_w else x_)[k] = t
            return f(w_, x_)

        return float(complex_step_derivative(along, (w if of_w else x)[k]))

    dw = np.array([partial(k, True) for k in range(3)])
    dx = np.array([partial(k, False) for k in range(2)])
    for got_dw, got_dx in (neuron_backward_solution(w, x), _neuron_expected(w, x)):
        np.testing.assert_allclose(got_dw, dw, rtol=1e-13, atol=0)
        np.testing.assert_allclose(got_dx, dx, rtol=1e-13, atol=0)


def test_cs231n_numbers_come_out_of_the_neuron_solution():
    # CS231n's worked example prints w's gradient [-0.20, -0.39, 0.20] and
    # x's [0.39, -0.59].
    w, x = np.array([2.0, -3.0, -3.0]), np.array([-1.0, -2.0])
    dw, dx = neuron_backward_solution(w, x)
    assert np.round(dw, 2).tolist() == [-0.2, -0.39, 0.2]
    assert np.round(dx, 2).tolist() == [0.39, -0.59]


@pytest.mark.parametrize("network", NETWORKS, ids=lambda n: n.describe())
def test_the_network_solution_matches_finite_differences(network):
    params, X, y = network.data()
    arrays = [a for layer in params for a in layer]

    def loss():
        return loss_and_grads(params, X, y)[0]

    numeric = numerical_gradient(loss, arrays)
    got = [a for layer in network_backward_solution(params, X, y) for a in layer]
    package = [a for layer in loss_and_grads(params, X, y)[1] for a in layer]
    for g, p, n in zip(got, package, numeric):
        np.testing.assert_allclose(g, n, rtol=1e-7, atol=1e-10)
        np.testing.assert_allclose(g, p, rtol=1e-12, atol=1e-17)


@pytest.mark.parametrize("case", GAIN_CASES, ids=lambda c: f"{c.n}x{c.m}")
def test_the_gain_solution_and_expected_value_match_the_formula(case):
    W, z = case.data()
    slopes = np.array(
        [float(v) for v in decimal_reference(sigmoid_prime_exact, z).ravel()]
    )
    formula = math.sqrt(W.shape[0] * float(np.mean(W**2))) * math.sqrt(
        float(np.mean(slopes**2))
    )
    assert layer_gain_solution(W, z) == pytest.approx(formula, rel=1e-12)
    assert _gain_expected(W, z) == pytest.approx(formula, rel=1e-12)


def test_the_inputs_reach_both_ends_of_float64():
    x = ELEMENTWISE_INPUTS
    assert x.min() < -745.13 and x.max() > 709.78  # σ underflows, exp overflows
    assert np.any((x >= 20) & (x < 36.74)) and np.any(x > 36.74)
    assert len({n.sizes for n in NETWORKS if len(n.sizes) == 2}) == 1
    assert any(n.batch == 1 for n in NETWORKS)


# ---- known-wrong implementations, written as a learner would ------------------------


def sigmoid_one_liner(x):
    return 1.0 / (1.0 + np.exp(-x))


def sigmoid_from_exp_x(x):
    ex = np.exp(x)
    return ex / (ex + 1.0)


def sigmoid_where_both_branches(x):
    return np.where(x < 0, np.exp(x) / (1 + np.exp(x)), 1 / (1 + np.exp(-x)))


def sigmoid_with_math_exp(x):
    return 1 / (1 + math.exp(-x))


def sigmoid_tanh(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def sigmoid_float32(x):
    x32 = np.asarray(x, dtype=np.float32)
    e = np.exp(-np.abs(x32))
    return np.where(x32 >= 0, 1 / (1 + e), e / (1 + e)).astype(np.float64)


def sigmoid_flattened(x):
    return sigmoid_solution(x).ravel()


def sigmoid_in_place(x):
    x *= -1.0
    np.exp(x, out=x)
    x += 1.0
    return 1.0 / x


SIGMOID_MISTAKES = [
    (sigmoid_one_liner, ("known mistake: the one-liner", "709.78")),
    (sigmoid_from_exp_x, ("known mistake: e^x/(1 + e^x)", "NaN")),
    (sigmoid_where_both_branches, ("known mistake: np.where", "both branches")),
    (sigmoid_with_math_exp, ("math", "np.exp")),
    (sigmoid_tanh, ("known mistake: (1 + tanh(x/2))/2", "cancels")),
    (sigmoid_float32, ("known mistake: computing in float32",)),
    (sigmoid_flattened, ("shape (24,)", "expected (4, 6)")),
    (sigmoid_in_place, ("changes its input",)),
]


@pytest.mark.parametrize(
    "fn, words", SIGMOID_MISTAKES, ids=[f.__name__ for f, _ in SIGMOID_MISTAKES]
)
def test_the_sigmoid_checker_names_each_mistake(fn, words, capsys):
    result = _check("sigmoid", fn, capsys)
    assert not result.passed
    assert _named(result, *words), result.report


def sigmoid_prime_cancelling(x):
    s = sigmoid(x)
    return s * (1 - s)


def sigmoid_prime_one_liner_s(x):
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


def sigmoid_prime_textbook_quotient(x):
    e = np.exp(-x)
    return e / (1 + e) ** 2


def sigmoid_prime_no_square(x):
    e = np.exp(-np.abs(x))
    return e / (1 + e)


def sigmoid_prime_plus(x):
    s = sigmoid(x)
    return s * (1 + s)


SIGMOID_PRIME_MISTAKES = [
    (sigmoid_prime_cancelling, ("known mistake: s(1 - s)", "x = 20")),
    (sigmoid_prime_one_liner_s, ("known mistake: s(1 - s)", "x = 20")),
    (sigmoid_prime_textbook_quotient, ("known mistake: e^(-x)/(1 + e^(-x))^2",)),
    (sigmoid_prime_no_square, ("known mistake: e^(-x)/(1 + e^(-x)) without",)),
    (sigmoid_prime_plus, ("known mistake: s(1 + s)",)),
]


@pytest.mark.parametrize(
    "fn, words",
    SIGMOID_PRIME_MISTAKES,
    ids=[f.__name__ for f, _ in SIGMOID_PRIME_MISTAKES],
)
def test_the_sigmoid_prime_checker_names_each_mistake(fn, words, capsys):
    result = _check("sigmoid_prime", fn, capsys)
    assert not result.passed
    assert _named(result, *words), result.report


def test_s_times_one_minus_s_fails_from_x_20_and_the_quotient_at_minus_710(capsys):
    # Issue 18: the checker catches s(1 - s) at x >= 20 and
    # e^(-x)/(1 + e^(-x))^2 at x <= -710, naming those inputs.
    cancelling = _check("sigmoid_prime", sigmoid_prime_cancelling, capsys)
    assert "x = 20: expected" in _flat(cancelling.report)
    quotient = _check("sigmoid_prime", sigmoid_prime_textbook_quotient, capsys)
    assert "x = -710: expected" in _flat(quotient.report)
    assert "got nan" in _flat(quotient.report)


def test_the_quotient_form_returns_0_from_where_its_square_overflows():
    # Chapter 2's solution of ex-deriv-code: e^(-x)/(1 + e^(-x))^2 is already 0
    # for x < -354.9, where (1 + e^(-x))^2 > the largest float64, although
    # sigma'(x) is a normal float64 there (and nan only from -709.78).
    edge = -math.log(np.finfo(np.float64).max) / 2  # e^(-x) = sqrt(largest float)
    x = np.linspace(-360.0, -350.0, 1_000_001)
    with np.errstate(over="ignore"):
        quotient = np.exp(-x) / (1 + np.exp(-x)) ** 2
    zero = x[quotient == 0]
    assert np.all(quotient[x > edge + 1e-9] > 0)
    assert zero.max() == pytest.approx(edge, abs=2e-5)  # the grid step is 1e-5
    assert round(edge, 1) == -354.9
    exact = float(decimal_reference(sigmoid_prime_exact, edge)[()])
    assert np.finfo(np.float64).tiny < exact < 1e-154
    assert not np.any(np.isnan(quotient))  # nan needs exp(-x) itself to overflow


def neuron_without_sigma_prime(w, x):
    z = w @ np.append(x, 1.0)
    del z  # the forward pass is done, and forgotten
    return np.append(x, 1.0), w[:2]


def neuron_sigma_instead_of_slope(w, x):
    f = sigmoid(w[0] * x[0] + w[1] * x[1] + w[2])
    return f * np.array([x[0], x[1], 1.0]), f * w[:2]


def neuron_dx_from_x(w, x):
    f = sigmoid(w[0] * x[0] + w[1] * x[1] + w[2])
    g = f * (1 - f)
    return g * np.array([x[0], x[1], 1.0]), g * x


def neuron_no_bias(w, x):
    f = sigmoid(w[:2] @ x + w[2])
    g = f * (1 - f)
    return g * x, g * w[:2]


def neuron_swapped(w, x):
    dw, dx = neuron_backward_solution(w, x)
    return dx, dw


NEURON_MISTAKES = [
    (neuron_without_sigma_prime, ("local gradient is missing",)),
    (neuron_sigma_instead_of_slope, ("sigma(z) used where sigma'(z)",)),
    (neuron_dx_from_x, ("dx computed from x",)),
    (neuron_no_bias, ("dw has shape (2,)", "bias")),
    (neuron_swapped, ("(dx, dw)", "order (dw, dx)")),
]


@pytest.mark.parametrize(
    "fn, words", NEURON_MISTAKES, ids=[f.__name__ for f, _ in NEURON_MISTAKES]
)
def test_the_neuron_checker_names_each_mistake(fn, words, capsys):
    result = _check("neuron_backward", fn, capsys)
    assert not result.passed
    assert _named(result, *words), result.report


def _forward(params, X):
    outputs = [X]
    for W, b in params:
        outputs.append(1 / (1 + np.exp(-(outputs[-1] @ W + b))))
    return outputs


def net_forgets_slope(params, X, y):
    outs = _forward(params, X)
    delta = (outs[-1] - y) / len(X)
    grads = []
    for k in reversed(range(len(params))):
        grads.insert(0, (outs[k].T @ delta, np.sum(delta, axis=0)))
        delta = delta @ params[k][0].T
    return grads


def net_no_transpose(params, X, y):
    outs = _forward(params, X)
    delta = (outs[-1] - y) / len(X)
    grads = []
    for k in reversed(range(len(params))):
        grads.insert(0, (outs[k].T @ delta, np.sum(delta, axis=0)))
        delta = delta * outs[k] * (1 - outs[k])
    return grads


def net_extra_transpose(params, X, y):
    outs = _forward(params, X)
    delta = (outs[-1] - y) / len(X)
    grads = []
    for k in reversed(range(len(params))):
        delta = delta @ params[k][0].T
        grads.insert(0, (outs[k].T @ delta, np.sum(delta, axis=0)))
        delta = delta * outs[k] * (1 - outs[k])
    return grads


def net_transposed_dW(params, X, y):
    return [(dW.T, db) for dW, db in network_backward_solution(params, X, y)]


def net_sum(params, X, y):
    outs = _forward(params, X)
    delta = outs[-1] - y
    grads = []
    for k in reversed(range(len(params))):
        grads.insert(0, (outs[k].T @ delta, np.sum(delta, axis=0)))
        delta = (delta @ params[k][0].T) * outs[k] * (1 - outs[k])
    return grads


def net_sign(params, X, y):
    outs = _forward(params, X)
    delta = (y - outs[-1]) / len(X)
    grads = []
    for k in reversed(range(len(params))):
        grads.insert(0, (outs[k].T @ delta, np.sum(delta, axis=0)))
        delta = (delta @ params[k][0].T) * outs[k] * (1 - outs[k])
    return grads


def net_keeps_output_slope(params, X, y):
    outs = _forward(params, X)
    p = outs[-1]
    delta = (p - y) * p * (1 - p) / len(X)
    grads = []
    for k in reversed(range(len(params))):
        grads.insert(0, (outs[k].T @ delta, np.sum(delta, axis=0)))
        delta = (delta @ params[k][0].T) * outs[k] * (1 - outs[k])
    return grads


def net_db_per_example(params, X, y):
    return [(dW, np.tile(db, (len(X), 1))) for dW, db in network_backward_solution(
        params, X, y
    )]


def net_returns_loss_too(params, X, y):
    return loss_and_grads(params, X, y)


NETWORK_MISTAKES = [
    (net_forgets_slope, ("A(1 - A) is missing",)),
    (net_no_transpose, ("W^T is missing",)),
    (net_extra_transpose, ("An extra W^T",)),
    (net_transposed_dW, ("It is the transpose",)),
    (net_sum, ("sum over the batch instead of the mean",)),
    (net_sign, ("a sign error",)),
    (net_keeps_output_slope, ("the output keeps sigma'(z)",)),
    (net_db_per_example, ("db is Delta summed over the batch",)),
    (net_returns_loss_too, ("(loss, grads)",)),
]


@pytest.mark.parametrize(
    "fn, words", NETWORK_MISTAKES, ids=[f.__name__ for f, _ in NETWORK_MISTAKES]
)
def test_the_network_checker_names_each_mistake(fn, words, capsys):
    result = _check("network_backward", fn, capsys)
    assert not result.passed
    assert _named(result, *words), result.report


def test_the_network_checker_names_the_parameter_that_is_off(capsys):
    result = _check("network_backward", net_forgets_slope, capsys)
    # Only the hidden layers' gradients carry the forgotten factor.
    assert "dW of layer 1 (grads[0][0]) is off" in _flat(result.report)
    assert "Right: layer 2." in _flat(result.report)
    assert "network 3-1 (no hidden layer), batch of 4 examples: every dW" in _flat(
        result.report
    )


def test_the_sum_is_right_for_a_batch_of_one_and_wrong_for_the_others(capsys):
    result = _check("network_backward", net_sum, capsys)
    assert "batch of 1 example: every dW and db right" in _flat(result.report)
    assert not result.passed


def gain_mean_slope(W, z):
    s = sigmoid(z)
    return np.sqrt(len(W) * np.mean(W * W)) * np.mean(s * (1 - s))


def gain_no_roots(W, z):
    s = sigmoid(z)
    return W.shape[0] * np.mean(W**2) * np.mean((s - s * s) ** 2)


def gain_sigma_not_slope(W, z):
    s = sigmoid(z)
    return np.sqrt(W.shape[0] * np.mean(W**2)) * np.sqrt(np.mean(s**2))


def gain_fan_out(W, z):
    s = sigmoid(z)
    return np.sqrt(W.shape[1] * np.mean(W**2)) * np.sqrt(np.mean((s * (1 - s)) ** 2))


def gain_std(W, z):
    s = sigmoid(z)
    return np.sqrt(W.shape[0]) * W.std() * np.sqrt(np.mean((s * (1 - s)) ** 2))


def gain_per_unit(W, z):
    s = sigmoid(z)
    return np.sqrt(W.shape[0] * np.mean(W**2)) * np.sqrt(
        np.mean((s * (1 - s)) ** 2, axis=0)
    )


GAIN_MISTAKES = [
    (gain_mean_slope, ("mean of sigma'(z) instead of its root mean square",)),
    (gain_no_roots, ("square roots are missing",)),
    (gain_sigma_not_slope, ("sigma(z) where sigma'(z) belongs",)),
    (gain_fan_out, ("n taken from the wrong side of W",)),
    (gain_std, ("standard deviation of W",)),
    (gain_per_unit, ("one number for the whole layer",)),
]


@pytest.mark.parametrize(
    "fn, words", GAIN_MISTAKES, ids=[f.__name__ for f, _ in GAIN_MISTAKES]
)
def test_the_gain_checker_names_each_mistake(fn, words, capsys):
    result = _check("layer_gain", fn, capsys)
    assert not result.passed
    assert _named(result, *words), result.report


# ---- nothing a learner's function does makes check raise ----------------------------


def _returns_none(*args):
    return None


def _raises(*args):
    raise ValueError("my own bug")


def _returns_text(*args):
    return "0.5"


def _returns_nan(*args):
    return np.full(np.shape(args[0]), np.nan)


def _returns_ragged(*args):
    return [[1.0, 2.0], [3.0]]


def _returns_object(*args):
    return object()


def _warns_and_returns_infinity(*args):
    return np.log(np.zeros(np.shape(args[0])))


def _returns_dict(*args):
    return {"dw": 1.0}


def _returns_generator(*args):
    return (v for v in range(3))


def _returns_huge_int(*args):
    return 10**400


def _returns_complex(*args):
    return np.zeros(np.shape(args[0]), dtype=complex)


def _returns_nested_junk(*args):
    return [(None, "x"), (object(), [1, [2]])]


BAD_OUTPUTS = [
    _returns_none,
    _raises,
    _returns_text,
    _returns_nan,
    _returns_ragged,
    _returns_object,
    _warns_and_returns_infinity,
    _returns_dict,
    _returns_generator,
    _returns_huge_int,
    _returns_complex,
    _returns_nested_junk,
    "not a function",
]


@pytest.mark.parametrize("name", sorted(EXERCISES))
@pytest.mark.parametrize(
    "fn", BAD_OUTPUTS, ids=[getattr(f, "__name__", repr(f)) for f in BAD_OUTPUTS]
)
def test_check_reports_and_never_raises_on_bad_output(name, fn, capsys):
    result = _check(name, fn, capsys)
    assert isinstance(result, CheckResult)
    assert result.passed is False
    assert result.messages and all(isinstance(m, str) and m for m in result.messages)
    assert "could not read" not in _flat(result.report), result.report


def test_an_exception_is_reported_with_its_type_and_text(capsys):
    result = _check("sigmoid", _raises, capsys)
    assert _named(result, "ValueError: my own bug")


def test_none_is_reported_as_a_missing_return(capsys):
    result = _check("network_backward", _returns_none, capsys)
    assert _named(result, "no `return`") or _named(result, "None")


def test_a_warning_inside_the_learners_code_is_reported_not_raised(capsys):
    # pytest turns warnings into errors here; check() records them instead.
    result = _check("sigmoid", sigmoid_one_liner, capsys)
    assert _named(result, "RuntimeWarning: overflow encountered in exp", "x = -800")


# ---- hints ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_hints_come_in_order_and_the_last_repeats(name, capsys):
    exercise = copy.copy(EXERCISES[name])
    exercise._hints_given = 0
    n = len(exercise.hints)
    for k in range(n + 1):
        exercise.hint()
        printed = capsys.readouterr().out
        shown = min(k, n - 1)
        assert printed.startswith(f"Hint {shown + 1} of {n}: ")
        assert exercise.hints[shown] in " ".join(printed.split()) or (
            exercise.hints[shown][:40] in printed
        )
        assert ("last hint" in printed) == (shown == n - 1)


def test_check_result_reads_as_a_verdict():
    assert repr(CheckResult("sigmoid", True)) == "CheckResult('sigmoid': passed)"
    assert repr(CheckResult("sigmoid", False, ["a", "b"])) == (
        "CheckResult('sigmoid': 2 problem(s))"
    )
