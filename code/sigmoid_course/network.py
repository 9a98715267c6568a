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

from ._arrays import check_labels, check_real, check_rng, is_integer
from .activations import sigmoid
from .neuron import loss_gradient_wrt_logit, neuron_loss

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
    "relu": Activation("relu", lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(z.dtype)),
}


def _uniform(rng, limit, n_in, n_out):
    return rng.uniform(-limit, limit, size=(n_in, n_out)), np.zeros(n_out)


INITIALISERS = {
    # N(0, 1) weights and biases: the "large" initialisation of Nielsen's early chapters.
    "unit_normal": lambda rng, n_in, n_out: (rng.standard_normal((n_in, n_out)), rng.standard_normal(n_out)),
    # N(0, 1/n_in) weights, N(0, 1) biases: Nielsen's network2 default (his Chapter 5 numbers).
    "scaled_normal": lambda rng, n_in, n_out: (rng.standard_normal((n_in, n_out)) / np.sqrt(n_in),
                                               rng.standard_normal(n_out)),
    # U[-1/sqrt(n_in), 1/sqrt(n_in)]: what Glorot & Bengio (2010) call the
    # "standard" initialisation, named here after its distribution.
    "uniform_fan_in": lambda rng, n_in, n_out: _uniform(rng, 1.0 / np.sqrt(n_in), n_in, n_out),
    # U[±sqrt(6/(n_in + n_out))], variance 2/(n_in + n_out): Glorot & Bengio's normalised initialisation.
    "xavier": lambda rng, n_in, n_out: _uniform(rng, np.sqrt(6.0 / (n_in + n_out)), n_in, n_out),
    # 4 × Xavier's limit: σ'(0) = 1/4, so Glorot & Bengio's variance argument
    # for sigmoid units asks for weights four times the tanh scale.
    "xavier_sigmoid": lambda rng, n_in, n_out: _uniform(rng, 4.0 * np.sqrt(6.0 / (n_in + n_out)),
                                                        n_in, n_out),
    # N(0, 2/n_in): He et al. (2015), for ReLU.
    "he": lambda rng, n_in, n_out: (rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in), np.zeros(n_out)),
}


def _activation(name: str) -> Activation:
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]


def init_params(layer_sizes: Sequence[int], rng: np.random.Generator, init: str = "xavier") -> list:
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
    if init not in INITIALISERS:
        raise ValueError(f"init must be one of {sorted(INITIALISERS)}, got {init!r}")
    sizes = list(layer_sizes)
    if len(sizes) < 2 or not all(is_integer(n) and n >= 1 for n in sizes):
        raise ValueError(f"layer_sizes must list at least two positive integers, got {sizes}")
    return [INITIALISERS[init](rng, int(n_in), int(n_out)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def _check_params(params) -> None:
    if not isinstance(params, (list, tuple)) or not params:
        raise ValueError("params must be a non-empty list of (W, b) pairs")
    for k, layer in enumerate(params, start=1):
        if not (isinstance(layer, (list, tuple)) and len(layer) == 2):
            raise ValueError(f"layer {k} of params must be a (W, b) pair")
        W, b = layer
        W_ok = isinstance(W, np.ndarray) and W.ndim == 2
        if not (W_ok and isinstance(b, np.ndarray) and b.shape == (W.shape[1],)):
            raise ValueError(f"layer {k}: W must have shape (n_in, n_out) and b shape (n_out,), "
                             f"got {np.shape(W)} and {np.shape(b)}")
        if k > 1 and W.shape[0] != params[k - 2][0].shape[1]:
            raise ValueError(f"layer {k}: W has {W.shape[0]} inputs but layer {k - 1} has "
                             f"{params[k - 2][0].shape[1]} outputs")


def _check_X(params, X) -> np.ndarray:
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise TypeError(f"X must be a numeric array, got dtype {X.dtype}")
    X = X.astype(np.float64, copy=False)
    if X.ndim != 2:
        raise ValueError(f"X must have shape (batch, n_in), got {X.shape}")
    if X.shape[0] == 0:
        # A mean over no examples is 0/0: numpy would warn and return NaN.
        raise ValueError("X must hold at least one example, got an empty batch")
    if X.shape[1] != params[0][0].shape[0]:
        raise ValueError(f"X has {X.shape[1]} features but the first layer expects {params[0][0].shape[0]}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or inf")
    return X


def _check_y(X, y) -> np.ndarray:
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"y must be a numeric array of 0s and 1s, got dtype {y.dtype}")
    if y.shape != (X.shape[0], 1):
        raise ValueError(f"y must have shape (batch, 1) = ({X.shape[0]}, 1), got {y.shape}")
    check_labels(y)
    return y.astype(np.float64)


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
    act = _activation(activation)
    _check_params(params)
    X = _check_X(params, X)
    zs, layer_inputs = [], [X]
    a = X
    for W, b in params[:-1]:
        z = a @ W + b
        a = act.forward(z)
        zs.append(z)
        layer_inputs.append(a)
    W, b = params[-1]
    return a @ W + b, zs, layer_inputs


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

    Explained in: Chapter 3, "Backpropagation through a network"; used by
    Chapter 4 for every gradient it measures.
    """
    act = _activation(activation)
    logits, zs, layer_inputs = forward(params, X, activation)
    if logits.shape[1] != 1:
        raise ValueError(f"the last layer must have one output unit, got {logits.shape[1]}")
    y = _check_y(layer_inputs[0], y)
    batch = y.shape[0]
    loss = float(np.mean(neuron_loss(logits, y)))
    delta = loss_gradient_wrt_logit(logits, y) / batch  # dL/dz of the output layer, averaged over the batch
    grads = [None] * len(params)
    for layer in range(len(params) - 1, -1, -1):
        W, _ = params[layer]
        grads[layer] = (layer_inputs[layer].T @ delta, delta.sum(axis=0))
        if layer > 0:
            delta = (delta @ W.T) * act.derivative(zs[layer - 1], layer_inputs[layer])
    return loss, grads


def predict_proba(params, X, activation: str = "sigmoid") -> np.ndarray:
    """Return the network's probabilities σ(logit), shape ``(batch, 1)``.

    >>> params = init_params([2, 1], np.random.default_rng(0))
    >>> predict_proba(params, np.zeros((1, 2)))
    array([[0.5]])

    Explained in: Chapter 3, "Training".
    """
    logits, _, _ = forward(params, X, activation)
    return sigmoid(logits)


def predict(params, X, activation: str = "sigmoid") -> np.ndarray:
    """Return 0/1 class predictions (probability ≥ ½ gives 1), shape ``(batch, 1)``.

    One unit with weight 1 and bias 0 turns each input into its own logit:

    >>> predict([(np.ones((1, 1)), np.zeros(1))], np.array([[-2.0], [0.0], [3.0]])).ravel()
    array([0, 1, 1])

    Explained in: Chapter 3, "Training".
    """
    return (predict_proba(params, X, activation) >= 0.5).astype(np.int64)


def accuracy(params, X, y, activation: str = "sigmoid") -> float:
    """Return the fraction of examples whose prediction equals the label.

    >>> accuracy([(np.ones((1, 1)), np.zeros(1))], np.array([[-2.0], [3.0]]), np.array([[0], [0]]))
    0.5

    Explained in: Chapter 3, "Training".
    """
    X = _check_X(params, X)
    y = _check_y(X, y)
    return float(np.mean(predict(params, X, activation) == y))


def train(params, X, y, *, learning_rate: float, epochs: int, activation: str = "sigmoid",
          batch_size: int | None = None, rng: np.random.Generator | None = None,
          callback: Callable[[int, list], None] | None = None):
    """Return ``(params, losses)`` after plain gradient descent.

    Full-batch by default; with ``batch_size`` the examples are shuffled by
    ``rng`` every epoch and processed in mini-batches.  ``losses[k]`` is the
    mean loss over epoch k, computed during the updates.  The input
    ``params`` are not modified.  ``callback(epoch, params)``, if given, runs
    before each epoch and after the last one, for measurements.

    >>> rng = np.random.default_rng(0)
    >>> X = np.array([[0.0], [1.0]]); y = np.array([[0], [1]])
    >>> params, losses = train(init_params([1, 1], rng), X, y, learning_rate=1.0, epochs=50)
    >>> bool(losses[-1] < losses[0])
    True

    Explained in: Chapter 3, "Training"; Chapter 4 passes a callback.
    """
    learning_rate = check_real("learning_rate", learning_rate, "a positive number")
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive finite number, got {learning_rate}")
    if not is_integer(epochs) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative integer, got {epochs}")
    _check_params(params)
    X = _check_X(params, X)
    y = _check_y(X, y)
    if batch_size is not None and not isinstance(rng, np.random.Generator):
        raise TypeError("mini-batches need rng, a numpy.random.Generator, to shuffle the examples")
    if batch_size is not None and not (is_integer(batch_size) and batch_size >= 1):
        raise ValueError(f"batch_size must be a positive integer, got {batch_size}")
    params = [(W.astype(np.float64, copy=True), b.astype(np.float64, copy=True)) for W, b in params]
    n = X.shape[0]
    size = n if batch_size is None else int(batch_size)
    losses = []
    for epoch in range(epochs):
        if callback is not None:
            callback(epoch, params)
        order = np.arange(n) if batch_size is None else rng.permutation(n)
        total = 0.0
        for start in range(0, n, size):
            batch = order[start:start + size]
            loss, grads = loss_and_grads(params, X[batch], y[batch], activation)
            total += loss * len(batch)
            params = [(W - learning_rate * dW, b - learning_rate * db)
                      for (W, b), (dW, db) in zip(params, grads)]
        losses.append(total / n)
    if callback is not None:
        callback(epochs, params)
    return params, np.array(losses)


def hidden_bias_gradient_norms(grads) -> np.ndarray:
    """Return ‖∂L/∂b‖ for each hidden layer, first hidden layer first.

    Nielsen's measure of how fast each layer learns: the output layer is
    left out.

    >>> grads = [(np.zeros((2, 2)), np.array([3.0, 4.0])), (np.zeros((2, 1)), np.array([1.0]))]
    >>> hidden_bias_gradient_norms(grads)
    array([5.])

    Explained in: Chapter 4, "Learning speed per layer".
    """
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

    Explained in: Chapter 3, "Why the network pauses at the straight boundary".
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
