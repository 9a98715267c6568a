"""Gradient checks of the network's backward pass, and what computing a gradient costs.

A **gradient check** compares the gradient that a backward pass returns with
finite differences of the loss (:func:`sigmoid_course.derivatives.numerical_gradient`),
entry by entry, through CS231n's relative error |a − n| / max(|a|, |n|).
:func:`gradient_check` does this for the network of
:mod:`sigmoid_course.network`, for the gradients of ``loss_and_grads`` or for
any gradients a reader computes, and for one network or a stack of networks
(one per seed) at once.

:func:`gradient_cost` counts the multiply-adds of a forward pass, of
backpropagation and of finite differences, the reason gradients are computed
by backpropagation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._arrays import check_count, check_real_array, check_scalar
from .derivatives import numerical_gradient
from .network import _checked, backward, feedforward
from .neuron import _cross_entropy

__all__ = ["GradientCheck", "GradientCost", "gradient_check", "gradient_cost"]


@dataclass(frozen=True)
class GradientCheck:
    """The outcome of :func:`gradient_check`.

    ``names`` are ``"W1", "b1", "W2", ...``; ``errors[k]`` is the largest
    relative error over the entries of parameter ``names[k]`` (one number, or
    one per network for a stack); ``analytic`` and ``numeric`` hold the two
    gradients that were compared, in the order of ``names``.
    """

    names: tuple[str, ...]
    errors: tuple
    analytic: tuple[np.ndarray, ...]
    numeric: tuple[np.ndarray, ...]

    @property
    def worst(self):
        """The largest relative error over all parameters (per network for a stack)."""
        worst = np.max(np.stack(self.errors), axis=0)
        return float(worst) if np.ndim(worst) == 0 else worst


def _stacked(params) -> bool:
    return params[0][0].ndim == 3


def _relative_errors(analytic: np.ndarray, numeric: np.ndarray, floor: float,
                     stacked: bool):
    """max |a − n| / max(|a|, |n|, floor) over the entries (per network if stacked)."""
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), floor)
    diff = np.abs(analytic - numeric)
    # Both zero: the entries agree exactly, an error of 0 (CS231n: "pass").
    ratio = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
    if stacked:
        return ratio.reshape(ratio.shape[0], -1).max(axis=1, initial=0.0)
    return float(ratio.max(initial=0.0))


def _check_grads(grads, params) -> list:
    if not isinstance(grads, (list, tuple)) or len(grads) != len(params):
        raise ValueError(
            f"grads must be a list of {len(params)} (dW, db) pairs, one per layer of "
            f"params, got {type(grads).__name__} of length "
            f"{len(grads) if isinstance(grads, (list, tuple)) else 'none'}"
        )
    checked = []
    for k, ((W, b), pair) in enumerate(zip(params, grads), start=1):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValueError(
                f"grads[{k - 1}] must be a pair (dW{k}, db{k}), got {pair!r}"
            )
        dW = check_real_array(pair[0], f"dW{k}")
        db = check_real_array(pair[1], f"db{k}")
        for name, got, want in ((f"dW{k}", dW, W), (f"db{k}", db, b)):
            if got.shape != want.shape:
                raise ValueError(
                    f"{name} must have the shape of its parameter, {want.shape}, got "
                    f"{got.shape}"
                )
        checked.append((dW, db))
    return checked


def gradient_check(
    params,
    X,
    y,
    grads=None,
    *,
    activation: str = "sigmoid",
    h: float | None = None,
    order: int = 4,
    floor: float = 0.0,
) -> GradientCheck:
    """Compare a network's gradients with finite differences of its loss.

    ``grads`` (a list of ``(dW, db)`` pairs shaped like ``params``) defaults
    to what :func:`sigmoid_course.network.loss_and_grads` returns; pass your
    own to check your own backward pass.  The numerical gradient is
    :func:`sigmoid_course.derivatives.numerical_gradient` of the mean
    cross-entropy on ``(X, y)``, with the stencil ``order`` (4 or 2) and step
    ``h`` (by default 1e−3 for order 4, CS231n's customary 1e−5 for order 2).
    The error of each entry is CS231n's relative error
    |a − n| / max(|a|, |n|); a ``floor`` > 0 replaces the denominator by
    ``floor`` where both are smaller, which compares tiny entries in absolute
    terms.  ``params`` is not modified (the differences perturb a copy).

    A stack of networks (``W`` of shape ``(S, n_in, n_out)``) is checked in one
    pass: every error is then an array of S errors, one per network.

    >>> from sigmoid_course import init_params, xor
    >>> X, y = xor()
    >>> params = init_params([2, 3, 1], np.random.default_rng(0))
    >>> check = gradient_check(params, X, y)
    >>> check.names
    ('W1', 'b1', 'W2', 'b2')
    >>> bool(check.worst < 1e-7)
    True

    Explained in: Chapter 3, "Checking the gradient"; Chapter 7, "The step on a
    real network".
    """
    act, params, X, y = _checked(params, X, activation, y)
    floor = check_scalar(floor, "floor", "non-negative")
    if grads is None:
        _, grads = backward(params, *feedforward(params, X, act), y, act)
    else:
        grads = _check_grads(grads, params)
    stacked = _stacked(params)
    # The differences perturb copies, so params may be read-only or shared.
    copies = [np.array(a, dtype=np.float64) for layer in params for a in layer]
    net = [(copies[2 * k], copies[2 * k + 1]) for k in range(len(params))]

    def loss():  # the mean cross-entropy, one per network of a stack
        logits = feedforward(net, X, act)[0]
        return np.mean(_cross_entropy(logits, y), axis=(-2, -1))

    numeric = numerical_gradient(loss, copies, h=h, order=order, stacked=stacked)
    analytic = [np.asarray(g) for layer in grads for g in layer]
    names = tuple(f"{kind}{k}" for k in range(1, len(params) + 1) for kind in "Wb")
    errors = tuple(
        _relative_errors(a, n, floor, stacked) for a, n in zip(analytic, numeric)
    )
    return GradientCheck(names, errors, tuple(analytic), tuple(numeric))


@dataclass(frozen=True)
class GradientCost:
    """Multiply-adds of the matrix products that compute a network's gradient.

    ``forward``: one forward pass on the batch; ``backward``: the backward
    pass of backpropagation alone; ``parameters``: the number of weights and
    biases.  Elementwise work (σ, a(1 − a), the loss) grows only with the
    number of units, not with the number of weights, and is left out.
    """

    parameters: int
    forward: int
    backward: int

    @property
    def backprop(self) -> int:
        """Backpropagation: one forward pass, then the backward pass."""
        return self.forward + self.backward

    def finite_differences(self, order: int = 4) -> int:
        """Finite differences: ``order`` forward passes for each parameter."""
        if isinstance(order, bool) or order not in (2, 4):
            raise ValueError(f"order must be 2 or 4, got {order!r}")
        return order * self.parameters * self.forward


def gradient_cost(layer_sizes: Sequence[int], batch: int) -> GradientCost:
    """Return the multiply-adds of backpropagation and of finite differences.

    Layer l multiplies a (batch, n_in) matrix by an (n_in, n_out) one:
    B·n_in·n_out multiply-adds in the forward pass.  The backward pass does
    the same product twice per layer, Aᵀ Δ for ∂L/∂W and Δ Wᵀ for the error
    one layer down (not needed below the first layer), so backpropagation
    costs about three forward passes, whatever the number of parameters.
    Finite differences cost 2 or 4 forward passes per parameter.

    >>> cost = gradient_cost([2, 3, 1], batch=4)
    >>> cost.parameters, cost.forward, cost.backward
    (13, 36, 48)
    >>> cost.finite_differences(order=4) / cost.backprop
    22.285714285714285

    Explained in: Chapter 3, "Why backpropagation".
    """
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
        raise TypeError(
            f"layer_sizes must be a list of layer widths, got "
            f"{type(layer_sizes).__name__}"
        )
    sizes = [check_count(n, f"layer_sizes[{k}]", 1) for k, n in enumerate(layer_sizes)]
    if len(sizes) < 2:
        raise ValueError(
            f"layer_sizes must list at least two layer widths (input and output), got "
            f"{sizes}"
        )
    batch = check_count(batch, "batch", 1)
    pairs = list(zip(sizes[:-1], sizes[1:]))
    forward_cost = sum(batch * n_in * n_out for n_in, n_out in pairs)
    # ∂L/∂W = Aᵀ Δ in every layer; Δ Wᵀ in every layer but the first.
    below_first = sum(batch * n_in * n_out for n_in, n_out in pairs[1:])
    backward_cost = forward_cost + below_first
    parameters = sum(n_in * n_out + n_out for n_in, n_out in pairs)
    return GradientCost(parameters, forward_cost, backward_cost)
