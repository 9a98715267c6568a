"""Tests of sigmoid_course.gradient_check.

The check must pass correct gradients (from loss_and_grads, and from an
independent backward pass written out here) and fail the classic mistakes,
naming the parameter that is off; the stack of networks must give each
network's own check; the cost counts must be the multiply-adds that the
package's backward pass really performs, counted by intercepting its matrix
products.
"""

import numpy as np
import pytest

from sigmoid_course import init_params, init_params_stack, loss_and_grads, sigmoid, xor
from sigmoid_course.gradient_check import gradient_check, gradient_cost
from sigmoid_course.network import Activation, backward, feedforward


def _data(n_in, batch, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((batch, n_in)), rng.integers(0, 2, size=(batch, 1))


def _backward(params, X, y, *, slope=True, mean=True, sign=1.0):
    """A sigmoid network's gradients, written out with optional classic mistakes."""
    A, a = [X], X
    for W, b in params[:-1]:
        a = sigmoid(a @ W + b)
        A.append(a)
    W, b = params[-1]
    delta = sign * (sigmoid(a @ W + b) - y) / (X.shape[0] if mean else 1)
    grads = []
    for k in reversed(range(len(params))):
        grads.insert(0, (A[k].T @ delta, delta.sum(axis=0)))
        if k:
            delta = delta @ params[k][0].T
            if slope:
                delta = delta * A[k] * (1 - A[k])
    return grads


@pytest.mark.parametrize(
    "sizes, batch",
    [([2, 1], 1), ([2, 3, 1], 3), ([3, 5, 4, 1], 2), ([4, 6, 6, 6, 1], 3)],
)
def test_a_correct_backward_pass_reads_below_1e_7(sizes, batch):
    params = init_params(sizes, np.random.default_rng(len(sizes)))
    X, y = _data(sizes[0], batch, batch)
    assert gradient_check(params, X, y).worst < 1e-7
    assert gradient_check(params, X, y, _backward(params, X, y)).worst < 1e-7


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_the_two_point_stencil_with_its_customary_step_also_passes_small_nets(
    activation,
):
    params = init_params([2, 3, 1], np.random.default_rng(0))
    X, y = xor()
    check = gradient_check(params, X, y, activation=activation, order=2, h=1e-5)
    assert check.worst < 1e-6


def test_forgetting_a_times_one_minus_a_is_probably_wrong_in_the_hidden_layer_only():
    params = init_params([2, 3, 1], np.random.default_rng(1))
    X, y = xor()
    check = gradient_check(params, X, y, _backward(params, X, y, slope=False))
    errors = dict(zip(check.names, check.errors))
    # a(1 - a) <= 1/4, so the faulty entries are at least 4 times too large.
    assert errors["W1"] > 0.5 and errors["b1"] > 0.5
    assert errors["W2"] < 1e-7 and errors["b2"] < 1e-7


def test_the_sum_instead_of_the_mean_is_off_by_the_batch_size():
    params = init_params([2, 3, 1], np.random.default_rng(2))
    X, y = _data(2, 4, 0)
    check = gradient_check(params, X, y, _backward(params, X, y, mean=False))
    # Every entry 4 times too large: a relative error of exactly 3/4.
    for error in check.errors:
        assert error == pytest.approx(0.75, rel=1e-6)


def test_a_sign_error_reads_a_relative_error_of_two():
    params = init_params([2, 3, 1], np.random.default_rng(3))
    X, y = _data(2, 3, 1)
    check = gradient_check(params, X, y, _backward(params, X, y, sign=-1.0))
    assert check.worst == pytest.approx(2.0, rel=1e-6)


def test_the_check_leaves_the_parameters_untouched_and_accepts_read_only_arrays():
    params = init_params([2, 4, 1], np.random.default_rng(4))
    before = [(W.copy(), b.copy()) for W, b in params]
    for W, b in params:
        W.flags.writeable = False
        b.flags.writeable = False
    X, y = _data(2, 3, 2)
    gradient_check(params, X, y)
    for (W, b), (W0, b0) in zip(params, before):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)


def test_a_dead_relu_unit_reads_zero_not_one():
    # CS231n: where both gradients are zero the check must pass.  A unit that is
    # off for every example gets exactly 0 from both sides.
    params = init_params([2, 3, 1], np.random.default_rng(5), init="he")
    X, y = _data(2, 2, 3)
    W1, b1 = params[0]
    b1[0] = -100.0  # unit 1 is off for both examples
    check = gradient_check(params, X, y, activation="relu")
    assert check.analytic[1][0] == 0.0 and check.numeric[1][0] == 0.0
    assert check.worst < 1e-7


def test_the_floor_compares_tiny_entries_in_absolute_terms():
    params = init_params([2, 3, 1], np.random.default_rng(6))
    X, y = xor()
    grads = loss_and_grads(params, X, y)[1]
    grads[0][1][0] += 1e-9  # a tiny absolute error in b1[0]
    plain = gradient_check(params, X, y, grads)
    floored = gradient_check(params, X, y, grads, floor=1.0)
    assert floored.errors[1] == pytest.approx(1e-9, rel=1e-3)
    assert plain.errors[1] >= floored.errors[1]


def test_bad_gradients_are_rejected_with_the_parameter_named():
    params = init_params([2, 3, 1], np.random.default_rng(7))
    X, y = xor()
    grads = loss_and_grads(params, X, y)[1]
    with pytest.raises(ValueError, match="2 \\(dW, db\\) pairs"):
        gradient_check(params, X, y, grads[:1])
    with pytest.raises(ValueError, match="dW1 must have the shape"):
        gradient_check(params, X, y, [(grads[0][0].T, grads[0][1]), grads[1]])
    with pytest.raises(ValueError, match="pair"):
        gradient_check(params, X, y, [grads[0][0], grads[1]])
    with pytest.raises(ValueError, match="floor"):
        gradient_check(params, X, y, floor=-1.0)


# ---- gradient_cost ------------------------------------------------------------


@pytest.mark.parametrize("sizes", [[2, 1], [2, 3, 1], [4, 6, 6, 6, 1], [3, 8, 2, 5, 1]])
def test_gradient_cost_counts_parameters_and_multiply_adds(sizes):
    cost = gradient_cost(sizes, batch=5)
    assert cost.parameters == sum(
        W.size + b.size for W, b in init_params(sizes, np.random.default_rng(0))
    )
    pairs = list(zip(sizes[:-1], sizes[1:]))
    assert cost.forward == 5 * sum(i * o for i, o in pairs)
    assert cost.finite_differences(4) == 4 * cost.parameters * cost.forward
    assert cost.finite_differences(2) == 2 * cost.parameters * cost.forward
    # Backprop costs less than three forward passes, whatever the size.
    assert cost.forward < cost.backprop < 3 * cost.forward


def test_gradient_cost_rejects_bad_input():
    with pytest.raises(ValueError, match="at least two"):
        gradient_cost([3], batch=1)
    with pytest.raises(TypeError):
        gradient_cost("2, 3, 1", batch=1)
    with pytest.raises(ValueError, match="order"):
        gradient_cost([2, 1], batch=1).finite_differences(3)


# ---- stacks and the cost count (need network's stack and its two passes) ------


def test_a_stack_is_checked_network_by_network_bit_for_bit():
    stack = init_params_stack([2, 3, 2, 1], seeds=range(5))
    X, y = _data(2, 3, 4)
    together = gradient_check(stack, X, y)
    assert together.worst.shape == (5,)
    for s in range(5):
        alone = gradient_check([(W[s], b[s]) for W, b in stack], X, y)
        for k in range(len(alone.names)):
            assert together.errors[k][s] == alone.errors[k]
            np.testing.assert_array_equal(together.numeric[k][s], alone.numeric[k])


class _Counting(np.ndarray):
    """An array that counts the multiply-adds of every matrix product it enters."""

    multiply_adds = 0

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        plain = [np.asarray(a) if isinstance(a, _Counting) else a for a in inputs]
        if ufunc is np.matmul and method == "__call__":
            a, b = plain
            batch = int(np.prod(np.broadcast_shapes(a.shape[:-2], b.shape[:-2])))
            _Counting.multiply_adds += batch * a.shape[-2] * a.shape[-1] * b.shape[-1]
        result = getattr(ufunc, method)(*plain, **kwargs)
        return result.view(_Counting) if isinstance(result, np.ndarray) else result


@pytest.mark.parametrize("sizes, batch", [([2, 1], 3), ([2, 3, 1], 4),
                                          ([4, 6, 6, 6, 1], 5), ([3, 8, 2, 5, 1], 2)])
def test_gradient_cost_is_what_the_two_passes_multiply(sizes, batch):
    # The package's own forward and backward pass, run on arrays that count the
    # multiply-adds of each matrix product they take part in.
    counting = Activation(
        "sigmoid", lambda z: sigmoid(np.asarray(z)).view(_Counting),
        lambda z, a: a * (1.0 - a),
    )
    params = [(W.view(_Counting), b) for W, b in
              init_params(sizes, np.random.default_rng(0))]
    X, y = _data(sizes[0], batch, 0)
    _Counting.multiply_adds = 0
    logits, Z, A = feedforward(params, X.view(_Counting), counting)
    forward_count = _Counting.multiply_adds
    backward(params, logits, Z, A, y.astype(float), counting)
    cost = gradient_cost(sizes, batch)
    assert (forward_count, _Counting.multiply_adds - forward_count) == (
        cost.forward, cost.backward)
