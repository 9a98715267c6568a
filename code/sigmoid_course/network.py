"""A small fully connected network for binary classification, in plain numpy.

The network is a list of layers ``params = [(W1, b1), (W2, b2), ...]`` with
``W`` of shape ``(n_in, n_out)`` and ``b`` of shape ``(n_out,)``.  Hidden
layers apply an activation (sigmoid by default, or tanh or ReLU); the single
output unit is a sigmoid, and the loss is the mean binary cross-entropy,
computed from the output logit by :func:`sigmoid_course.neuron.neuron_loss`
so that it never takes the log of 0.

**Three functions are the algorithm**, written to be read next to the
equations of Chapter 3 and shown there: :func:`feedforward` (the forward pass,
a loop over the layers), :func:`backward` (the backward pass, a loop over the
layers from the top) and :func:`gradient_step` (one step of gradient descent:
both passes, then the update of every layer).  They check nothing: they take
float64 arrays of matching shapes and an :class:`Activation`.  The public
functions (:func:`forward`, :func:`loss_and_grads`, :func:`train`, ...) check
their arguments once, with the rules of :mod:`sigmoid_course._arrays`, and
then call those three; :func:`train` checks before its first epoch, not in
every mini-batch.  The two passes are separate functions so that a
measurement can reuse one forward pass for both the gradient and the
activations (:func:`sigmoid_course.gradient_flow.record_training`).  There is
exactly one backward pass, :func:`backward`; everything else (training,
gradient checks, the vanishing-gradient experiments) calls it.

**A stack of networks.**  Every function here also takes a stack of S networks
of the same layer sizes, one per seed, stored along a leading axis: ``W`` of
shape ``(S, n_in, n_out)`` and ``b`` of shape ``(S, n_out)``
(:func:`init_params_stack`).  The same code then trains or measures all S in
one batched computation: ``@`` multiplies matching slices, ``.mT`` transposes
the last two axes, sums run over the examples' axis ``-2``, and ``b`` is added
to every row of its own network.  The data ``X`` are either shared, shape
``(batch, n_in)``, or one batch per network, ``(S, batch, n_in)``; the labels
``y`` likewise ``(batch, 1)`` or ``(S, batch, 1)``.  Results gain the leading
axis: a loss or an accuracy per network, shape ``(S,)``.  Slice s of every
result equals, bit for bit, the same computation on network s alone
(tests/test_network.py checks it), because NumPy computes each slice of a
stacked ``@`` with the same BLAS call as the single product.  On a big batch
the public functions run the stack in chunks of networks (at most
``_CHUNK_ROWS`` rows of examples in all), where one computation over the
whole stack would outgrow the processor's caches.
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
    check_rngs,
    check_scalar,
    check_seeds,
)
from .activations import sigmoid
from .neuron import _cross_entropy

__all__ = [
    "ACTIVATIONS",
    "INITIALISERS",
    "Activation",
    "accuracy",
    "backward",
    "feedforward",
    "forward",
    "gradient_step",
    "hidden_bias_gradient_norms",
    "init_params",
    "init_params_stack",
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


def _check_layer_sizes(layer_sizes) -> list:
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
    return sizes


def _init_params(sizes, rng, init):
    return [
        INITIALISERS[init](rng, n_in, n_out)
        for n_in, n_out in zip(sizes[:-1], sizes[1:])
    ]


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
    return _init_params(_check_layer_sizes(layer_sizes), rng, init)


def init_params_stack(
    layer_sizes: Sequence[int], seeds: Sequence[int], init: str = "xavier"
) -> list:
    """Return a stack of ``len(seeds)`` networks, ``[(W, b), ...]``, one per seed.

    ``W`` has shape ``(S, n_in, n_out)`` and ``b`` shape ``(S, n_out)`` for
    S = ``len(seeds)``, and slice s is exactly (bit for bit) the network
    ``init_params(layer_sizes, np.random.default_rng(seeds[s]), init)``: a
    sweep over seeds trains the very networks a loop over seeds would.
    Every function of this module accepts the stack and computes all its
    networks at once.

    >>> stack = init_params_stack([2, 3, 1], seeds=range(5))
    >>> [(W.shape, b.shape) for W, b in stack]
    [((5, 2, 3), (5, 3)), ((5, 3, 1), (5, 1))]
    >>> one = init_params([2, 3, 1], np.random.default_rng(4))
    >>> bool(np.array_equal(stack[0][0][4], one[0][0]))
    True

    Explained in: Chapter 4, "Learning speed per layer".
    """
    seeds = check_seeds(seeds)
    check_choice(init, "init", INITIALISERS)
    sizes = _check_layer_sizes(layer_sizes)
    networks = [
        _init_params(sizes, np.random.default_rng(seed), init) for seed in seeds
    ]
    # Layer k of every network, stacked: W[s] and b[s] are network s's.
    return [
        tuple(np.stack(arrays) for arrays in zip(*layers))
        for layers in zip(*networks)
    ]


# ---- the algorithm: forward pass, backward pass, gradient step ---------------------
# Unchecked: the public functions below check the arguments once and call these.


def feedforward(params, X, act: Activation):
    """Return ``(logits, Z, A)``: the forward pass, layer by layer.

    ``Z[k]`` is the pre-activation of hidden layer k + 1 and ``A[k]`` the
    input of layer k + 1: ``A[0]`` is ``X``, ``A[1:]`` are the hidden layers'
    activations.  ``act`` is an :class:`Activation`, ``ACTIVATIONS["sigmoid"]``
    for sigmoid units.  Checks nothing: :func:`forward` checks, then calls it.

    >>> params = [(np.array([[1.0, -1.0]]), np.zeros(2)),
    ...           (np.array([[2.0], [3.0]]), np.array([-1.0]))]
    >>> logits, Z, A = feedforward(params, np.array([[0.0]]), ACTIVATIONS["sigmoid"])
    >>> logits  # 2 σ(0) + 3 σ(0) − 1
    array([[1.5]])

    Explained in: Chapter 3, "A small network from scratch".
    """
    Z, A = [], [X]
    for W, b in params[:-1]:
        # Z = A W + b; b[..., None, :] adds b to every row (example)
        Z.append(A[-1] @ W + b[..., None, :])
        A.append(act.forward(Z[-1]))  # A = σ(Z)
    W, b = params[-1]
    logits = A[-1] @ W + b[..., None, :]  # the output layer's Z
    return logits, Z, A


def backward(params, logits, Z, A, y, act: Activation):
    """Return ``(loss, grads)``: the backward pass, from the output layer down.

    ``logits``, ``Z`` and ``A`` are the forward pass of :func:`feedforward`
    on a batch whose labels are ``y``.  The error ``delta`` = ∂L/∂Z starts
    at the output unit and moves down one layer per step of the loop; each
    layer's gradient is read off on the way.  ``loss`` is the mean
    cross-entropy and ``grads`` has the structure of ``params``.  Checks
    nothing: :func:`loss_and_grads` checks, then calls both passes.

    >>> params = init_params([2, 3, 1], np.random.default_rng(0))
    >>> X, y, act = np.array([[0.5, -1.0]]), np.array([[1.0]]), ACTIVATIONS["sigmoid"]
    >>> logits, Z, A = feedforward(params, X, act)
    >>> loss, grads = backward(params, logits, Z, A, y, act)
    >>> [(dW.shape, db.shape) for dW, db in grads]
    [((2, 3), (3,)), ((3, 1), (1,))]

    Explained in: Chapter 3, "A small network from scratch".
    """
    B = y.shape[-2]  # examples in the batch
    # L = mean of softplus((1 − 2y) z), the cross-entropy from the logit
    loss = _cross_entropy(logits, y).sum(axis=(-2, -1)) / B
    delta = (sigmoid(logits) - y) / B  # output layer: Δ = (σ(Z) − y) / B
    grads = [None] * len(params)
    for k in reversed(range(len(params))):  # layer k + 1, top layer first
        dW = A[k].mT @ delta  # ∂L/∂W = Aᵀ Δ, A = the layer's input
        db = delta.sum(axis=-2)  # ∂L/∂b = Δ summed over the examples
        grads[k] = (dW, db)
        if k > 0:  # one layer down: Δ ← (Δ Wᵀ) ⊙ σ'(Z), σ'(Z) = A (1 − A)
            W, _ = params[k]
            delta = (delta @ W.mT) * act.derivative(Z[k - 1], A[k])
    return loss, grads


def gradient_step(params, X, y, act: Activation, learning_rate: float):
    """Take one step of gradient descent on the batch (X, y); return its loss.

    The forward pass, the backward pass, then the update of every layer in
    place, with η = ``learning_rate``; the loss is the one before the step.
    Checks nothing: :func:`train` checks once, then calls it for every batch.

    >>> params = [(np.zeros((1, 1)), np.zeros(1))]
    >>> loss = gradient_step(params, np.ones((1, 1)), np.ones((1, 1)),
    ...                      ACTIVATIONS["sigmoid"], learning_rate=2.0)
    >>> params  # ∂L/∂W = ∂L/∂b = σ(0) − 1 = −½: both move to 1
    [(array([[1.]]), array([1.]))]

    Explained in: Chapter 3, "Training".
    """
    logits, Z, A = feedforward(params, X, act)
    loss, grads = backward(params, logits, Z, A, y, act)
    for (W, b), (dW, db) in zip(params, grads):
        W -= learning_rate * dW  # W ← W − η ∂L/∂W
        b -= learning_rate * db  # b ← b − η ∂L/∂b
    return loss


# ---- checks at the public boundary ------------------------------------------------


def _stack_size(params) -> int | None:
    """The number of networks of a (checked) stack, or None for one network."""
    W = params[0][0]
    return None if W.ndim == 2 else W.shape[0]


def _check_X(params, X) -> np.ndarray:
    S = _stack_size(params)
    X = check_real_array(X, "X", ndim=2 if S is None else None)
    if S is not None and not (X.ndim == 2 or (X.ndim == 3 and X.shape[0] == S)):
        raise ValueError(
            f"X must be a 2-dimensional array (batch, n_in), shared by the {S} "
            f"networks of the stack, or 3-dimensional ({S}, batch, n_in), one batch "
            f"per network, got shape {X.shape}"
        )
    if X.shape[-2] == 0:
        # A mean over no examples is 0/0: numpy would warn and return NaN.
        raise ValueError(
            f"X must hold at least one example, got an empty batch of shape {X.shape}"
        )
    n_in = params[0][0].shape[-2]
    if X.shape[-1] != n_in:
        raise ValueError(
            f"X must have {n_in} columns, the inputs of the first layer, got shape "
            f"{X.shape}"
        )
    return X


def _check_y(params, X, y) -> np.ndarray:
    y = check_labels(y)
    S, batch = _stack_size(params), X.shape[-2]
    if S is None and y.shape != (batch, 1):
        raise ValueError(
            f"y must have shape (batch, 1) = ({batch}, 1), one label per row of "
            f"X, got {y.shape}"
        )
    if S is not None and y.shape not in ((batch, 1), (S, batch, 1)):
        raise ValueError(
            f"y must have shape (batch, 1) = ({batch}, 1), shared by the {S} networks "
            f"of the stack, or ({S}, {batch}, 1), one label per row of X, got "
            f"{y.shape}"
        )
    return y


def _check_one_output(params) -> None:
    W = params[-1][0]
    if W.shape[-1] != 1:
        raise ValueError(
            f"params must end in a layer with one output unit (a binary classifier), "
            f"got a last W of shape {W.shape}"
        )


def _checked(params, X, activation, y=None, *, one_output=True):
    """The public functions' single check: ``(act, params, X, y)`` ready for the
    algorithm."""
    act = _activation(activation)
    params = check_params(params)
    if one_output:
        _check_one_output(params)
    X = _check_X(params, X)
    return act, params, X, (None if y is None else _check_y(params, X, y))


def _check_rng_for(params, rng, name: str = "rng"):
    """One generator for one network, a list of S for a stack of S."""
    S = _stack_size(params)
    if S is None:
        check_rng(rng, name)
        return rng
    return check_rngs(rng, S, name)


def _single_number(value):
    """A 0-d result (one network) as a Python float; a stack's array as it is."""
    return float(value) if np.ndim(value) == 0 else value


# A stack on a big batch is slower than a loop over its networks: its
# (networks, batch, width) arrays outgrow the processor's caches.  Measured for
# the forward and backward pass of 40 networks of 4 hidden layers of 30 units,
# per network (CPU time, a loaded 2-core machine): batch 10 in chunks of 1, 20
# and 40 networks, 113, 20 and 32 µs; batch 200 in chunks of 1, 2 and 40, 386,
# 337 and 705 µs; batch 1000 in chunks of 1 and 40, 1494 and 2284 µs (the whole
# stack of 200: 4 times the loop's time).  So a stack runs in chunks of
# _CHUNK_ROWS rows (networks × examples) at most, but at least one network.  No
# computation mixes two networks, so each network's numbers are the same, bit
# for bit, whatever the chunks.
_CHUNK_ROWS = 256


def _chunks(params, rows: int) -> list:
    """Slices of a stack's networks, each at most _CHUNK_ROWS // rows networks."""
    S = _stack_size(params)
    size = max(1, _CHUNK_ROWS // rows)
    return [slice(start, start + size) for start in range(0, S, size)]


def _part(params, M, chunk: slice):
    """M (data X or labels y) for a chunk of the stack: shared data as it is."""
    return M if M.ndim == 2 else M[chunk]


def _joined(parts: list):
    """The results of the chunks of a stack as one: arrays concatenated along the
    networks' axis, lists and tuples joined element by element."""
    first = parts[0]
    if len(parts) == 1:
        return first
    if isinstance(first, np.ndarray):
        return np.concatenate(parts)
    return type(first)(_joined(list(group)) for group in zip(*parts))


def _per_network(function, params, X, y=None):
    """``function(params, X, y)`` for one network; for a stack, on chunks of its
    networks (views, so in-place updates reach the stack), joined."""
    if _stack_size(params) is None:
        return function(params, X, y)
    return _joined(
        [
            function(
                [(W[part], b[part]) for W, b in params],
                _part(params, X, part),
                None if y is None else _part(params, y, part),
            )
            for part in _chunks(params, X.shape[-2])
        ]
    )


def _loss_and_grads(params, X, y, act):
    """Both passes on checked arguments, a stack in chunks."""
    return _per_network(
        lambda p, X, y: backward(p, *feedforward(p, X, act), y, act), params, X, y
    )


def _accuracy_of_logits(logits: np.ndarray, y: np.ndarray):
    return np.mean((sigmoid(logits) >= 0.5) == y, axis=(-2, -1))


# ---- the public functions ---------------------------------------------------------


def forward(params, X, activation: str = "sigmoid"):
    """Return ``(logits, zs, layer_inputs)`` of a forward pass.

    ``zs[l]`` is the pre-activation of hidden layer l+1 and
    ``layer_inputs[l]`` the input of layer l+1 (``layer_inputs[0]`` is ``X``),
    so ``layer_inputs[1:]`` are the hidden layers' outputs; ``logits`` has
    shape ``(batch, n_out)``, or ``(S, batch, n_out)`` for a stack of S
    networks.  Checks its arguments and calls :func:`feedforward`.

    >>> params = init_params([2, 3, 1], np.random.default_rng(0))
    >>> logits, zs, acts = forward(params, np.zeros((4, 2)))
    >>> logits.shape, len(zs), len(acts)
    ((4, 1), 1, 2)

    Explained in: Chapter 3, "A small network from scratch".
    """
    act, params, X, _ = _checked(params, X, activation, one_output=False)
    return _forward(params, X, act)


def _forward(params, X, act):
    """feedforward on checked arguments, a stack in chunks; A[0] is X as given."""

    def hidden(params, X, _):
        logits, Z, A = feedforward(params, X, act)
        return logits, Z, A[1:]

    logits, Z, A = _per_network(hidden, params, X)
    return logits, Z, [X, *A]


def loss_and_grads(params, X, y, activation: str = "sigmoid"):
    """Return ``(loss, grads)``: mean binary cross-entropy and its gradient.

    The loss of one example with logit z and label y is the output unit's
    cross-entropy :func:`sigmoid_course.neuron.neuron_loss`, softplus(z) − y·z,
    which never takes a log of 0.  Its derivative with respect to z is
    σ(z) − y (:func:`sigmoid_course.neuron.loss_gradient_wrt_logit`): the
    σ'(z) of the output unit cancels.  Each hidden layer multiplies the error
    by Wᵀ and by the activation's derivative, computed from the stored forward
    outputs.  ``grads`` has the structure of ``params``.  For a stack of S
    networks the loss is an array of S losses, one per network.  Checks its
    arguments, then runs :func:`feedforward` and :func:`backward`.

    >>> rng = np.random.default_rng(0)
    >>> params = init_params([2, 4, 1], rng)
    >>> loss, grads = loss_and_grads(params, rng.normal(size=(8, 2)), np.ones((8, 1)))
    >>> [(dW.shape, db.shape) for dW, db in grads]
    [((2, 4), (4,)), ((4, 1), (1,))]

    Explained in: Chapter 3, "A small network from scratch"; used by
    Chapter 4 for every gradient it measures.
    """
    act, params, X, y = _checked(params, X, activation, y)
    loss, grads = _loss_and_grads(params, X, y, act)
    return _single_number(loss), grads


def predict_proba(params, X, activation: str = "sigmoid") -> np.ndarray:
    """Return the network's probabilities σ(logit), shape ``(batch, 1)``.

    A stack of S networks gives shape ``(S, batch, 1)``.

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


def accuracy(params, X, y, activation: str = "sigmoid"):
    """Return the fraction of examples whose prediction equals the label.

    A float for one network; an array of S fractions, one per network, for a
    stack of S.

    >>> single = [(np.ones((1, 1)), np.zeros(1))]
    >>> accuracy(single, np.array([[-2.0], [3.0]]), np.array([[0], [0]]))
    0.5

    Explained in: Chapter 3, "Training".
    """
    act, params, X, y = _checked(params, X, activation, y)
    return _single_number(
        _per_network(
            lambda p, X, y: _accuracy_of_logits(feedforward(p, X, act)[0], y),
            params, X, y,
        )
    )


def train(
    params,
    X,
    y,
    *,
    learning_rate: float,
    epochs: int,
    activation: str = "sigmoid",
    batch_size: int | None = None,
    rng: np.random.Generator | Sequence[np.random.Generator] | None = None,
    callback: Callable[[int, list], None] | None = None,
):
    """Return ``(params, losses)`` after plain gradient descent.

    Full-batch by default; with ``batch_size`` the examples are shuffled by
    ``rng`` every epoch and processed in mini-batches, one
    :func:`gradient_step` each.  ``losses[k]`` is the mean loss over epoch k,
    computed during the updates.  The input ``params`` are not modified.
    ``callback(epoch, params)``, if given, runs before each epoch and after
    the last one, for measurements.  The arguments are checked once, before
    the first epoch.

    A stack of S networks (:func:`init_params_stack`) trains in one batched
    computation; ``losses`` then has shape ``(S, epochs)``.  With mini-batches
    each network shuffles with its own generator: ``rng`` is a list of S
    generators, and network s of the stack follows exactly the run that
    network s alone would make with ``rng[s]``.  Chapter 4 draws network s
    from ``seeds[s]`` and shuffles with ``default_rng(seeds[s] + 1)``.

    >>> rng = np.random.default_rng(0)
    >>> X = np.array([[0.0], [1.0]]); y = np.array([[0], [1]])
    >>> params, losses = train(init_params([1, 1], rng), X, y, learning_rate=1.0,
    ...                        epochs=50)
    >>> bool(losses[-1] < losses[0])
    True
    >>> seeds = range(4)
    >>> stack, losses = train(init_params_stack([1, 3, 1], seeds), X, y,
    ...                       learning_rate=1.0, epochs=5, batch_size=1,
    ...                       rng=[np.random.default_rng(s + 1) for s in seeds])
    >>> losses.shape
    (4, 5)

    Explained in: Chapter 3, "Training"; Chapter 4 passes a callback.
    """
    act, params, X, y = _checked(params, X, activation, y)
    learning_rate = check_scalar(learning_rate, "learning_rate", "positive")
    epochs = check_count(epochs, "epochs", 0)
    if batch_size is not None:
        batch_size = check_count(batch_size, "batch_size", 1)
        rng = _check_rng_for(
            params, rng, "rng (mini-batches need it to shuffle the examples)"
        )
    if callback is not None:
        check_callable(callback, "callback")
    return _train(params, X, y, act, learning_rate, epochs, batch_size, rng, callback)


def _shuffled(X, y, rng):
    """(X, y) with their examples in a fresh random order: one order per generator."""
    n = X.shape[-2]
    if isinstance(rng, np.random.Generator):
        order = rng.permutation(n)
        return X[order], y[order]
    orders = np.stack([generator.permutation(n) for generator in rng])  # (S, n)

    def rows(M):  # M[orders[s]] for each network s
        if M.ndim == 2:
            return M[orders]
        return np.take_along_axis(M, orders[..., None], axis=-2)

    return rows(X), rows(y)


def _train(params, X, y, act, learning_rate, epochs, batch_size, rng, callback):
    # The loop updates its own copies in place, and cuts each epoch's shuffled
    # copy of the data into mini-batches by slicing.
    params = [(W.copy(), b.copy()) for W, b in params]
    n = X.shape[-2]
    size = n if batch_size is None else batch_size
    stacked = _stack_size(params) is not None
    losses = []
    for epoch in range(epochs):
        if callback is not None:
            callback(epoch, [(W.copy(), b.copy()) for W, b in params])
        if batch_size is None:
            X_epoch, y_epoch = X, y
        else:
            X_epoch, y_epoch = _shuffled(X, y, rng)
        total = 0.0
        for start in range(0, n, size):
            batch = slice(start, start + size)
            if stacked:  # in chunks of networks; their updates reach the stack
                X_batch, y_batch = X_epoch[..., batch, :], y_epoch[..., batch, :]
                loss = _per_network(
                    lambda p, X, y: gradient_step(p, X, y, act, learning_rate),
                    params, X_batch, y_batch,
                )
            else:
                X_batch, y_batch = X_epoch[batch], y_epoch[batch]
                loss = gradient_step(params, X_batch, y_batch, act, learning_rate)
            total += loss * X_batch.shape[-2]
        losses.append(total / n)
    if callback is not None:
        callback(epochs, [(W.copy(), b.copy()) for W, b in params])
    # One row of losses per network of a stack: shape (S, epochs).
    stack = params[0][0].shape[:-2]
    return params, np.moveaxis(np.array(losses).reshape((epochs, *stack)), 0, -1)


def _norms(vectors: np.ndarray) -> np.ndarray:
    # ‖v‖ along the last axis, as np.linalg.norm computes one vector's
    # (sqrt of the dot product v·v, one BLAS call each), so that a stack's
    # norms equal the single networks' bit for bit.
    return np.sqrt((vectors[..., None, :] @ vectors[..., :, None])[..., 0, 0])


def hidden_bias_gradient_norms(grads) -> np.ndarray:
    """Return ‖∂L/∂b‖ for each hidden layer, first hidden layer first.

    Nielsen's measure of how fast each layer learns: the output layer is
    left out.  For the gradients of a stack of S networks the result has
    shape ``(S, hidden layers)``: row s holds network s's norms.

    >>> grads = [(np.zeros((2, 2)), np.array([3.0, 4.0])),
    ...          (np.zeros((2, 1)), np.array([1.0]))]
    >>> hidden_bias_gradient_norms(grads)
    array([5.])

    Explained in: Chapter 4, "Learning speed per layer".
    """
    grads = check_params(grads, "grads")
    return _hidden_bias_gradient_norms(grads)


def _hidden_bias_gradient_norms(grads) -> np.ndarray:
    stack = grads[0][0].shape[:-2]
    norms = [_norms(db) for _, db in grads[:-1]]
    return np.stack(norms, axis=-1) if norms else np.zeros((*stack, 0))


def _single_network(params, name: str) -> None:
    S = _stack_size(check_params(params))
    if S is not None:
        raise ValueError(
            f"{name} takes one network, got a stack of {S}: pass one slice, "
            "[(W[s], b[s]) for W, b in params]"
        )


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

    Explained in: Chapter 8, "The two-moons plateau".
    """
    _single_network(params, "logit_linearity")
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
