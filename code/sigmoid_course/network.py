"""A small fully connected network for binary classification, in plain numpy.

The network is a list of layers ``params = [(W1, b1), (W2, b2), ...]`` with
``W`` of shape ``(n_in, n_out)`` and ``b`` of shape ``(n_out,)``.  Hidden
layers apply an activation (sigmoid by default, or tanh or ReLU); the single
output unit is a sigmoid, and the loss is the mean binary cross-entropy,
computed from the output logit by :func:`sigmoid_course.neuron.neuron_loss`
so that it never takes the log of 0.

There is exactly one backward pass, :func:`loss_and_grads`; everything else
(training, gradient checks, the vanishing-gradient experiments) calls it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ._arrays import (
    check_callable,
    check_choice,
    check_count,
    check_labels,
    check_params,
    check_real_array,
    check_rng,
    check_scalar,
)
from .activations import sigmoid
from .neuron import _cross_entropy

__all__ = [
    "ACTIVATIONS",
    "INITIALISERS",
    "Activation",
    "accuracy",
    "forward",
    "hidden_bias_gradient_norms",
    "init_params",
    "loss_and_grads",
    "predict",
    "predict_proba",
    "train",
]


@dataclass(frozen=True)
class Activation:
    """A hidden-layer activation: ``forward(z)`` and ``derivative(z, a)`` = da/dz.

    ``derivative`` receives both the pre-activation ``z`` and the stored
    output ``a = forward(z)``, so that σ' can be computed as a(1 − a) from
    the forward pass instead of a second exponential.
    """

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]


ACTIVATIONS = {
    # σ'(z) = σ(z)(1 − σ(z)) from the stored output: one multiply, no exp.
    # Its relative error for z > 30 does not matter here, because the
    # gradient it multiplies is then below 1e-13 in absolute terms.
    "sigmoid": Activation("sigmoid", sigmoid, lambda z, a: a * (1.0 - a)),
    "tanh": Activation("tanh", np.tanh, lambda z, a: 1.0 - a * a),
    "relu": Activation(
        "relu", lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(z.dtype)
    ),
}


def _uniform(rng, limit, n_in, n_out):
    return rng.uniform(-limit, limit, size=(n_in, n_out)), np.zeros(n_out)


INITIALISERS = {
    # N(0, 1) weights and biases: the "large" initialisation of Nielsen's early
    # chapters.
    "unit_normal": lambda rng, n_in, n_out: (
        rng.standard_normal((n_in, n_out)),
        rng.standard_normal(n_out),
    ),
    # N(0, 1/n_in) weights, N(0, 1) biases: Nielsen's network2 default (his Chapter 5
    # numbers).
    "scaled_normal": lambda rng, n_in, n_out: (
        rng.standard_normal((n_in, n_out)) / np.sqrt(n_in),
        rng.standard_normal(n_out),
    ),
    # U[-1/sqrt(n_in), 1/sqrt(n_in)]: what Glorot & Bengio (2010) call the
    # "standard" initialisation, named here after its distribution.
    "uniform_fan_in": lambda rng, n_in, n_out: _uniform(
        rng, 1.0 / np.sqrt(n_in), n_in, n_out
    ),
    # U[±sqrt(6/(n_in + n_out))], variance 2/(n_in + n_out): Glorot & Bengio's
    # normalised initialisation.
    "xavier": lambda rng, n_in, n_out: _uniform(
        rng, np.sqrt(6.0 / (n_in + n_out)), n_in, n_out
    ),
    # 4 × Xavier's limit: σ'(0) = 1/4, so Glorot & Bengio's variance argument
    # for sigmoid units asks for weights four times the tanh scale.
    "xavier_sigmoid": lambda rng, n_in, n_out: _uniform(
        rng, 4.0 * np.sqrt(6.0 / (n_in + n_out)), n_in, n_out
    ),
    # N(0, 2/n_in): He et al. (2015), for ReLU.
    "he": lambda rng, n_in, n_out: (
        rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in),
        np.zeros(n_out),
    ),
}


def _activation(name: str) -> Activation:
    check_choice(name, "activation", ACTIVATIONS)
    return ACTIVATIONS[name]


def init_params(
    layer_sizes: Sequence[int], rng: np.random.Generator, init: str = "xavier"
) -> list:
    """Return freshly initialised ``[(W, b), ...]`` for the given layer sizes.

    ``layer_sizes`` lists the width of every layer, input first; the last
    must be 1 for :func:`loss_and_grads`.  ``rng`` is a seeded
    ``numpy.random.Generator``, so a run is reproducible.  ``init`` is one of
    :data:`INITIALISERS`.

    >>> params = init_params([2, 3, 1], np.random.default_rng(0))
    >>> [(W.shape, b.shape) for W, b in params]
    [((2, 3), (3,)), ((3, 1), (1,))]

    Explained in: Chapter 3, "A small network from scratch"; the initialisers
    in Chapter 4, "Remedies".
    """
    check_rng(rng)
    check_choice(init, "init", INITIALISERS)
    if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
        raise TypeError(
            "layer_sizes must be a list of layer widths, got "
            f"{type(layer_sizes).__name__}"
        )
    sizes = [check_count(n, f"layer_sizes[{k}]", 1) for k, n in enumerate(layer_sizes)]
    if len(sizes) < 2:
        raise ValueError(
            "layer_sizes must list at least two layer widths (input and output), got "
            f"{sizes}"
        )
    return [
        INITIALISERS[init](rng, n_in, n_out)
        for n_in, n_out in zip(sizes[:-1], sizes[1:])
    ]


def _check_X(params, X) -> np.ndarray:
    X = check_real_array(X, "X", ndim=2)
    if X.shape[0] == 0:
        # A mean over no examples is 0/0: numpy would warn and return NaN.
        raise ValueError(
            f"X must hold at least one example, got an empty batch of shape {X.shape}"
        )
    n_in = params[0][0].shape[0]
    if X.shape[1] != n_in:
        raise ValueError(
            f"X must have {n_in} columns, the inputs of the first layer, got shape "
            f"{X.shape}"
        )
    return X


def _check_y(X, y) -> np.ndarray:
    y = check_labels(y)
    if y.shape != (X.shape[0], 1):
        raise ValueError(
            f"y must have shape (batch, 1) = ({X.shape[0]}, 1), one label per row of "
            f"X, got {y.shape}"
        )
    return y


def _check_one_output(params) -> None:
    n_out = params[-1][0].shape[1]
    if n_out != 1:
        raise ValueError(
            f"params must end in a layer with one output unit (a binary classifier), "
            f"got a last W of shape {params[-1][0].shape}"
        )


def _checked(params, X, activation, y=None, *, one_output=True):
    """The public functions' single check: ``(act, params, X, y)`` ready for the
    internals."""
    act = _activation(activation)
    params = check_params(params)
    if one_output:
        _check_one_output(params)
    X = _check_X(params, X)
    return act, params, X, (None if y is None else _check_y(X, y))


# The internals below take checked arguments (float64 arrays of matching
# shapes, an Activation) and check nothing: train and the measurements of
# gradient_flow call them in their loops, after one check at the boundary.


def _forward(params, X: np.ndarray, act: Activation):
    zs, layer_inputs = [], [X]
    a = X
    for W, b in params[:-1]:
        z = a @ W + b
        a = act.forward(z)
        zs.append(z)
        layer_inputs.append(a)
    W, b = params[-1]
    return a @ W + b, zs, layer_inputs


def _backward(params, logits, zs, layer_inputs, y: np.ndarray, act: Activation):
    batch = y.shape[0]
    # The mean as np.mean forms it (one pairwise sum, one division), without its
    # overhead.
    loss = float(np.add.reduce(_cross_entropy(logits, y), axis=None) / batch)
    # dL/dz of the output layer, σ(z) − y, averaged over the batch.
    delta = (sigmoid(logits) - y) / batch
    grads = [None] * len(params)
    for layer in range(len(params) - 1, -1, -1):
        W, _ = params[layer]
        grads[layer] = (layer_inputs[layer].T @ delta, delta.sum(axis=0))
        if layer > 0:
            delta = (delta @ W.T) * act.derivative(zs[layer - 1], layer_inputs[layer])
    return loss, grads


def _loss_and_grads(params, X: np.ndarray, y: np.ndarray, act: Activation):
    logits, zs, layer_inputs = _forward(params, X, act)
    return _backward(params, logits, zs, layer_inputs, y, act)


def _accuracy_of_logits(logits: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((sigmoid(logits) >= 0.5) == y))


def forward(params, X, activation: str = "sigmoid"):
    """Return ``(logits, zs, layer_inputs)`` of a forward pass.

    ``zs[l]`` is the pre-activation of hidden layer l+1 and
    ``layer_inputs[l]`` the input of layer l+1 (``layer_inputs[0]`` is ``X``),
    so ``layer_inputs[1:]`` are the hidden layers' outputs; ``logits`` has
    shape ``(batch, n_out)``.

    >>> params = init_params([2, 3, 1], np.random.default_rng(0))
    >>> logits, zs, acts = forward(params, np.zeros((4, 2)))
    >>> logits.shape, len(zs), len(acts)
    ((4, 1), 1, 2)

    Explained in: Chapter 3, "A small network from scratch".
    """
    act, params, X, _ = _checked(params, X, activation, one_output=False)
    return _forward(params, X, act)


def loss_and_grads(params, X, y, activation: str = "sigmoid"):
    """Return ``(loss, grads)``: mean binary cross-entropy and its gradient.

    The loss of one example with logit z and label y is the output unit's
    cross-entropy :func:`sigmoid_course.neuron.neuron_loss`, softplus(z) − y·z,
    which never takes a log of 0.  Its derivative with respect to z is
    σ(z) − y (:func:`sigmoid_course.neuron.loss_gradient_wrt_logit`): the
    σ'(z) of the output unit cancels.  Each hidden layer multiplies the error
    by Wᵀ and by the activation's derivative, computed from the stored forward
    outputs.  ``grads`` has the structure of ``params``.

    >>> rng = np.random.default_rng(0)
    >>> params = init_params([2, 4, 1], rng)
    >>> loss, grads = loss_and_grads(params, rng.normal(size=(8, 2)), np.ones((8, 1)))
    >>> [(dW.shape, db.shape) for dW, db in grads]
    [((2, 4), (4,)), ((4, 1), (1,))]

    Explained in: Chapter 3, "A small network from scratch"; used by
    Chapter 4 for every gradient it measures.
    """
    act, params, X, y = _checked(params, X, activation, y)
    return _loss_and_grads(params, X, y, act)


def predict_proba(params, X, activation: str = "sigmoid") -> np.ndarray:
    """Return the network's probabilities σ(logit), shape ``(batch, 1)``.

    >>> params = init_params([2, 1], np.random.default_rng(0))
    >>> predict_proba(params, np.zeros((1, 2)))
    array([[0.5]])

    Explained in: Chapter 3, "Training".
    """
    act, params, X, _ = _checked(params, X, activation)
    return sigmoid(_forward(params, X, act)[0])


def predict(params, X, activation: str = "sigmoid") -> np.ndarray:
    """Return 0/1 class predictions (probability ≥ ½ gives 1), shape ``(batch, 1)``.

    One unit with weight 1 and bias 0 turns each input into its own logit:

    >>> single = [(np.ones((1, 1)), np.zeros(1))]
    >>> predict(single, np.array([[-2.0], [0.0], [3.0]])).ravel()
    array([0, 1, 1])

    Explained in: Chapter 3, "Training".
    """
    return (predict_proba(params, X, activation) >= 0.5).astype(np.int64)


def accuracy(params, X, y, activation: str = "sigmoid") -> float:
    """Return the fraction of examples whose prediction equals the label.

    >>> single = [(np.ones((1, 1)), np.zeros(1))]
    >>> accuracy(single, np.array([[-2.0], [3.0]]), np.array([[0], [0]]))
    0.5

    Explained in: Chapter 3, "Training".
    """
    act, params, X, y = _checked(params, X, activation, y)
    return _accuracy_of_logits(_forward(params, X, act)[0], y)


def train(
    params,
    X,
    y,
    *,
    learning_rate: float,
    epochs: int,
    activation: str = "sigmoid",
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
    callback: Callable[[int, list], None] | None = None,
):
    """Return ``(params, losses)`` after plain gradient descent.

    Full-batch by default; with ``batch_size`` the examples are shuffled by
    ``rng`` every epoch and processed in mini-batches.  ``losses[k]`` is the
    mean loss over epoch k, computed during the updates.  The input
    ``params`` are not modified.  ``callback(epoch, params)``, if given, runs
    before each epoch and after the last one, for measurements.  The
    arguments are checked once, before the first epoch.

    >>> rng = np.random.default_rng(0)
    >>> X = np.array([[0.0], [1.0]]); y = np.array([[0], [1]])
    >>> params, losses = train(init_params([1, 1], rng), X, y, learning_rate=1.0,
    ...                        epochs=50)
    >>> bool(losses[-1] < losses[0])
    True

    Explained in: Chapter 3, "Training"; Chapter 4 passes a callback.
    """
    act, params, X, y = _checked(params, X, activation, y)
    learning_rate = check_scalar(learning_rate, "learning_rate", "positive")
    epochs = check_count(epochs, "epochs", 0)
    if batch_size is not None:
        batch_size = check_count(batch_size, "batch_size", 1)
        check_rng(rng, "rng (mini-batches need it to shuffle the examples)")
    if callback is not None:
        check_callable(callback, "callback")
    return _train(params, X, y, act, learning_rate, epochs, batch_size, rng, callback)


def _train(params, X, y, act, learning_rate, epochs, batch_size, rng, callback):
    # The loop updates its own copies in place (W -= η·dW rounds exactly as W − η·dW),
    # and cuts each epoch's shuffled copy of the data into mini-batches by slicing.
    params = [(W.copy(), b.copy()) for W, b in params]
    n = X.shape[0]
    size = n if batch_size is None else batch_size
    losses = []
    for epoch in range(epochs):
        if callback is not None:
            callback(epoch, [(W.copy(), b.copy()) for W, b in params])
        if batch_size is None:
            X_epoch, y_epoch = X, y
        else:
            order = rng.permutation(n)
            X_epoch, y_epoch = X[order], y[order]
        total = 0.0
        for start in range(0, n, size):
            X_batch, y_batch = (
                X_epoch[start : start + size],
                y_epoch[start : start + size],
            )
            loss, grads = _loss_and_grads(params, X_batch, y_batch, act)
            total += loss * X_batch.shape[0]
            for (W, b), (dW, db) in zip(params, grads):
                W -= learning_rate * dW
                b -= learning_rate * db
        losses.append(total / n)
    if callback is not None:
        callback(epochs, [(W.copy(), b.copy()) for W, b in params])
    return params, np.array(losses)


def hidden_bias_gradient_norms(grads) -> np.ndarray:
    """Return ‖∂L/∂b‖ for each hidden layer, first hidden layer first.

    Nielsen's measure of how fast each layer learns: the output layer is
    left out.

    >>> grads = [(np.zeros((2, 2)), np.array([3.0, 4.0])),
    ...          (np.zeros((2, 1)), np.array([1.0]))]
    >>> hidden_bias_gradient_norms(grads)
    array([5.])

    Explained in: Chapter 4, "Learning speed per layer".
    """
    grads = check_params(grads, "grads")
    return np.array([np.linalg.norm(db) for _, db in grads[:-1]])


def logit_linearity(params, X, activation: str = "sigmoid") -> float:
    """Return the share of the logit's variance on X that an affine fit explains.

    The network's logit is fitted by least squares with c + Xw; the result
    is the coefficient of determination R² of that fit.  It is 1 when the
    network computes an affine function of its input (no hidden layer, or
    hidden units kept in the linear part of their activation) and falls as
    the network bends its decision boundary, so 1 − R² measures how much of
    what the network computes on X is nonlinear.

    >>> X = np.random.default_rng(0).normal(size=(50, 2))
    >>> line = init_params([2, 1], np.random.default_rng(1))
    >>> print(f"{logit_linearity(line, X):.6f}")
    1.000000

    Explained in: Chapter 8, "Why training pauses".
    """
    logits, _, layer_inputs = forward(params, X, activation)
    X = layer_inputs[0]
    if X.shape[0] <= X.shape[1] + 1:
        raise ValueError(f"X must hold more examples than its {X.shape[1]} features "
                         f"+ 1 for a least-squares fit, got {X.shape[0]}")
    logit = logits[:, 0]
    if np.ptp(logit) == 0.0:
        # A constant logit is an affine function of X.  Test it exactly: the
        # mean of equal numbers can be off by an ulp, and R² of rounding noise
        # is meaningless.
        return 1.0
    centred = logit - logit.mean()
    total = float(centred @ centred)
    design = np.column_stack([np.ones(X.shape[0]), X])
    coef, *_ = np.linalg.lstsq(design, logit, rcond=None)
    residual = logit - design @ coef
    return 1.0 - float(residual @ residual) / total


def fewest_errors_of_a_line(X, y) -> int:
    """Return the fewest errors that any straight boundary makes on 2-D data (X, y).

    Exhaustive and exact when no three distinct points are collinear
    (repeated points are allowed): any line can be moved, without changing
    which side a point lies on, until it passes through two distinct data
    points, and a line through two points can then be nudged to put each of
    them, with all its copies, on either side.  So the minimum over all
    lines is the minimum, over all pairs of distinct points and both
    orientations, of the errors among the other points plus the minority
    label count of each point on the line.  n(n − 1)/2 candidate lines:
    fine for a few hundred points.  Logistic regression minimises the
    cross-entropy instead, so it can make more errors than this.

    No line separates XOR's classes, but one error suffices:

    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> fewest_errors_of_a_line(X, np.array([[0], [1], [1], [0]]))
    1

    Explained in: Chapter 3, "Two moons".
    """
    from ._arrays import as_numeric_array

    X, _ = as_numeric_array(X, "X", allow_complex=False)
    labels, _ = as_numeric_array(y, "y", allow_complex=False)
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] < 2:
        raise ValueError(f"X must have shape (n, 2) with n >= 2, got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or inf")
    if labels.shape not in ((X.shape[0],), (X.shape[0], 1)):
        raise ValueError(f"y must have shape ({X.shape[0]},) or ({X.shape[0]}, 1), "
                         f"got {labels.shape}")
    check_labels(labels)
    positive = labels.reshape(-1) == 1
    # Repeated points lie on the same side of every line: count the labels
    # at each distinct location once.
    points, where = np.unique(X, axis=0, return_inverse=True)
    where = where.reshape(-1)
    n_pos = np.bincount(where, weights=positive, minlength=len(points))
    n_neg = np.bincount(where, weights=~positive, minlength=len(points))
    minority = np.minimum(n_pos, n_neg)
    # A line with every point on one side: the constant classifier.
    best = int(min(n_pos.sum(), n_neg.sum()))
    first, second = np.triu_indices(len(points), 1)
    direction = points[second] - points[first]
    normals = np.column_stack([-direction[:, 1], direction[:, 0]])
    offsets = np.sum(normals * points[first], axis=1)
    # Points within rounding distance of a candidate line lie on it (the pair itself).
    tolerance = 1e-12 * np.abs(normals).sum(axis=1) * (1.0 + np.abs(points).max())
    on_line = minority[first] + minority[second]
    for start in range(0, first.size, 4096):
        block = slice(start, start + 4096)
        side = points @ normals[block].T - offsets[block]
        above, below = side > tolerance[block], side < -tolerance[block]
        errors_if_above_is_1 = n_neg @ above + n_pos @ below
        errors_if_above_is_0 = n_neg @ below + n_pos @ above
        fewest = np.minimum(errors_if_above_is_1, errors_if_above_is_0)
        best = min(best, int(round((fewest + on_line[block]).min())))
    return best
