"""How gradients flow through a deep network: the measurements of Chapter 4.

Everything here is measured with the network module's single backward pass,
:func:`sigmoid_course.network.loss_and_grads`, and its training loop,
:func:`sigmoid_course.network.train` (through its ``callback``):

- :func:`chain_factors`: the factors σ'(z₁), w₂σ'(z₂), … of a chain with one
  neuron per layer, whose product is ∂a_L/∂b₁;
- :func:`nielsen_interval_width`: how wide the range of inputs is on which a
  factor |w σ'(wa + b)| reaches 1;
- :func:`initial_gradient_norms`: each hidden layer's bias-gradient norm at
  initialisation, for a given depth, activation and initialisation;
- :func:`layer_gains`: the factor by which each layer is predicted to shrink
  the gradient, from its weights and its activation's derivative;
- :func:`layer_statistics` and :func:`record_training`: mean and spread of
  each hidden layer's activations, their derivative, and the bias-gradient
  norms, epoch by epoch (the measurements of Glorot & Bengio, 2010).

Each measurement also takes a stack of networks, one per seed
(:func:`sigmoid_course.network.init_params_stack`), and measures all of them
in one batched computation: every result gains a leading axis, one row per
network, and row s equals, bit for bit, the measurement of network s alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import (
    as_numeric_array,
    as_result,
    check_choice,
    check_count,
    check_real_array,
    check_rng,
    check_same_shape,
    check_scalar,
)
from .activations import sigmoid, sigmoid_prime
from .network import (
    INITIALISERS,
    Activation,
    _accuracy_of_logits,
    _check_rng_for,
    _check_X,
    _check_y,
    _checked,
    _hidden_bias_gradient_norms,
    _loss_and_grads,
    _norms,
    _per_network,
    _train,
    backward,
    feedforward,
    init_params,
    init_params_stack,
)
from .neuron import _cross_entropy

__all__ = [
    "LayerStatistics",
    "TrainingRecord",
    "chain_factors",
    "epochs_until",
    "initial_gradient_norms",
    "layer_gains",
    "layer_statistics",
    "nielsen_interval_width",
    "record_training",
]


def chain_factors(w: ArrayLike, b: ArrayLike, x: ArrayLike = 0.0) -> np.ndarray:
    """Return the factors σ'(z₁), w₂σ'(z₂), …, w_Lσ'(z_L) of ∂a_L/∂b₁ in a chain of
    sigmoid neurons.

    The chain has one neuron per layer: a₀ = x, z_j = w_j a_{j−1} + b_j,
    a_j = σ(z_j).  By the chain rule ∂a_L/∂b₁ = σ'(z₁)·w₂σ'(z₂)···w_Lσ'(z_L),
    so the product of the returned factors is that derivative; a cost C(a_L)
    multiplies it by ∂C/∂a_L.  Returning the factors, not only the product,
    shows which layer shrinks (or grows) the gradient.

    ``w`` and ``b`` hold one weight and one bias per layer along their last
    axis; leading axes are independent chains (``x`` broadcasts against them).

    With w = 100 and biases that put every z at 0, each factor after the
    first is 100·σ'(0) = 25, the exploding case:

    >>> chain_factors([100.0, 100.0, 100.0], [-50.0, -50.0, -50.0], x=0.5)
    array([ 0.25, 25.  , 25.  ])

    Explained in: Chapter 4, "The chain bound".
    """
    w = check_real_array(w, "w")
    b = check_real_array(b, "b")
    x = check_real_array(x, "x")
    if w.ndim == 0 or w.shape[-1] == 0:
        raise ValueError(
            f"w must hold at least one weight along its last axis, got shape {w.shape}"
        )
    check_same_shape(w, b, "w and b (one weight and one bias per layer)")
    try:
        chains = np.broadcast_shapes(x.shape, w.shape[:-1])
    except ValueError:
        raise ValueError(
            f"x of shape {x.shape} does not broadcast against "
            f"the {w.shape[:-1]} chains of w"
        ) from None
    a = np.broadcast_to(x, chains)
    factors = np.empty(chains + w.shape[-1:])
    for j in range(w.shape[-1]):
        z = w[..., j] * a + b[..., j]
        slope = sigmoid_prime(z)
        factors[..., j] = slope if j == 0 else w[..., j] * slope
        a = sigmoid(z)
    return factors


def nielsen_interval_width(w: ArrayLike) -> np.ndarray:
    """Return the width of the set of inputs a where |w·σ'(wa + b)| ≥ 1, elementwise in
    w.

    σ'(z) ≥ 1/|w| holds for |z| ≤ 2 artanh(t) with t = √(1 − 4/|w|), so in
    terms of a the interval has width (4/|w|)·artanh(t), whatever b is.  This
    equals Nielsen's form (2/|w|)·ln(|w|(1 + t)/2 − 1).  Both subtract
    where the answer is small: t rounds to 1 for large |w|, and artanh(t) =
    ½ ln((1 + t)/(1 − t)) loses all digits of 1 − t (at |w| = 1e17 it
    divides by 0).  Since 1 − t = (4/|w|)/(1 + t), artanh(t) =
    ln(1 + t) + ½ ln(|w|/4), a sum of two positive terms, with t computed
    from the exact |w| − 4 as √((|w| − 4)/|w|): no subtraction loses digits
    for any |w| > 4.  The width is 0 for |w| ≤ 4, where σ' ≤ ¼ makes the
    factor smaller than 1 everywhere, and in the limit |w| → ∞.

    >>> print(f"{float(nielsen_interval_width(6.9)):.4f}")
    0.4477
    >>> print(f"{float(nielsen_interval_width(1e17)):.4e}")
    7.8288e-16
    >>> nielsen_interval_width([1.0, 4.0, np.inf])
    array([0., 0., 0.])

    Explained in: Chapter 4, "Exercises" (Nielsen's problem).
    """
    w, dtype = as_numeric_array(w, "w", allow_complex=False)
    size = np.abs(w)
    inside = np.isfinite(size) & (size > 4.0)
    safe = np.where(
        inside, size, 8.0
    )  # any value > 4: keeps sqrt, log and the division quiet
    t = np.sqrt((safe - 4.0) / safe)
    width = 4.0 / safe * (np.log1p(t) + 0.5 * np.log(safe / 4.0))
    width = np.where(inside, width, 0.0)
    width = np.where(np.isnan(size), np.nan, width)
    return as_result(width, dtype)


def initial_gradient_norms(
    X: ArrayLike,
    y: ArrayLike,
    depth: int,
    rng: np.random.Generator | None = None,
    *,
    seeds: Sequence[int] | None = None,
    width: int = 30,
    activation: str = "sigmoid",
    init: str = "scaled_normal",
) -> np.ndarray:
    """Return ‖∂L/∂b‖ of each hidden layer of a freshly initialised network, first
    hidden layer first.

    The network has ``depth`` hidden layers of ``width`` units and one
    sigmoid output; ``rng`` draws its parameters with ``init`` (see
    :data:`sigmoid_course.network.INITIALISERS`).  The gradient is the mean
    over all of (X, y), from :func:`sigmoid_course.network.loss_and_grads`.
    This is Nielsen's measure of how fast each layer starts to learn.

    Give ``seeds`` instead of ``rng`` for many networks at once: the result
    then has shape ``(len(seeds), depth)``, and row s is exactly the result
    for ``rng = np.random.default_rng(seeds[s])``.

    >>> from sigmoid_course.datasets import gaussian_clusters
    >>> X, y = gaussian_clusters(200, np.random.default_rng(0))
    >>> norms = initial_gradient_norms(X, y, 3, np.random.default_rng(1))
    >>> norms.shape, bool(norms[0] < norms[1] < norms[2])
    ((3,), True)
    >>> initial_gradient_norms(X, y, 3, seeds=range(20)).shape
    (20, 3)

    Explained in: Chapter 4, "Learning speed per layer".
    """
    if (rng is None) == (seeds is None):
        raise ValueError(
            "give rng (one network) or seeds (one network per seed), not "
            + ("both" if seeds is not None else "neither")
        )
    if rng is not None:
        check_rng(rng)
    depth = check_count(depth, "depth", 1)
    width = check_count(width, "width", 1)
    check_choice(init, "init", INITIALISERS)
    X = check_real_array(X, "X", ndim=2)
    sizes = [X.shape[1]] + [width] * depth + [1]
    if seeds is None:
        params = init_params(sizes, rng, init)
    else:
        params = init_params_stack(sizes, seeds, init)
    act, params, X, y = _checked(params, X, activation, y)
    _, grads = _loss_and_grads(params, X, y, act)
    return _hidden_bias_gradient_norms(grads)


def layer_gains(params, X: ArrayLike, activation: str = "sigmoid") -> np.ndarray:
    """Return the predicted ratio ‖δˡ‖/‖δˡ⁺¹‖ for each hidden layer l below the top one.

    Backpropagation sets δˡ = f'(zˡ) ⊙ (Wˡ⁺¹ δˡ⁺¹).  If the n_l·n_{l+1}
    entries of Wˡ⁺¹ are independent with mean square v, each entry of
    Wˡ⁺¹δˡ⁺¹ has mean square v‖δˡ⁺¹‖², so ‖δˡ‖ ≈ √(n_l·v)·rms(f'(zˡ))·‖δˡ⁺¹‖.
    The gain is computed from the actual weights (v = mean of W²) and the
    actual derivatives on X; for the sigmoid it is at most √(n_l·v)/4.

    >>> params = init_params([2, 4, 4, 1], np.random.default_rng(0), "uniform_fan_in")
    >>> gains = layer_gains(params, np.zeros((1, 2)))
    >>> gains.shape, bool(gains[0] < 0.25)
    ((1,), True)

    For a stack of S networks the result has shape ``(S, layers)``.

    Explained in: Chapter 4, "Why each layer costs a factor of about five".
    """
    act, params, X, _ = _checked(params, X, activation, one_output=False)

    def gains(params, X, _):
        _, zs, activations = feedforward(params, X, act)
        # Means over each network's matrix (the last two axes): per network in a
        # stack.
        return _by_layer(
            [
                np.sqrt(W.shape[-2] * np.mean(W * W, axis=(-2, -1)))
                * np.sqrt(np.mean(act.derivative(z, a) ** 2, axis=(-2, -1)))
                for (W, _), z, a in zip(params[1:-1], zs, activations[1:])
            ],
            params,
        )

    return _per_network(gains, params, X)


@dataclass(frozen=True)
class LayerStatistics:
    """Per hidden layer (first hidden layer first): mean and standard deviation
    of the activations, and the mean of the activation's derivative at z."""

    mean: np.ndarray
    std: np.ndarray
    derivative: np.ndarray


def layer_statistics(
    params, X: ArrayLike, activation: str = "sigmoid"
) -> LayerStatistics:
    """Return the mean, spread and mean derivative of each hidden layer's activations on
    X.

    Each statistic pools all units and all examples of a layer, as in Glorot
    & Bengio's (2010) Fig. 2.  For the sigmoid the derivative is
    σ'(z) = a(1 − a), so a layer whose outputs sit near 0 or 1 (saturated)
    passes little gradient back; the derivative comes from the network
    module's activation table, the one its backward pass uses.

    >>> params = init_params([2, 3, 1], np.random.default_rng(0))
    >>> stats = layer_statistics(params, np.zeros((4, 2)))
    >>> stats.mean, stats.std, stats.derivative
    (array([0.5]), array([0.]), array([0.25]))

    For a stack of S networks each array has shape ``(S, hidden layers)``.

    Explained in: Chapter 4, "Exploding layers".
    """
    act, params, X, _ = _checked(params, X, activation, one_output=False)

    def statistics(params, X, _):
        _, zs, layer_inputs = feedforward(params, X, act)
        return _layer_statistics(params, zs, layer_inputs, act)

    return LayerStatistics(*_per_network(statistics, params, X))


def _by_layer(values: list, params) -> np.ndarray:
    """One value per layer (each a number, or S numbers for a stack) as an array
    whose last axis is the layer."""
    if values:
        return np.stack(values, axis=-1)
    return np.zeros((*params[0][0].shape[:-2], 0))


def _layer_statistics(params, zs, layer_inputs, act) -> tuple:
    """(mean, std, derivative) of each hidden layer, as in LayerStatistics."""
    # Statistics over all units and examples of a layer: the last two axes, so
    # that each network of a stack has its own.
    hidden, both = layer_inputs[1:], (-2, -1)
    return (
        _by_layer([a.mean(axis=both) for a in hidden], params),
        _by_layer([a.std(axis=both) for a in hidden], params),
        _by_layer(
            [act.derivative(z, a).mean(axis=both) for z, a in zip(zs, hidden)], params
        ),
    )


@dataclass(frozen=True)
class TrainingRecord:
    """What :func:`record_training` measured on its probe set.

    Row k of each measurement is the state before epoch k (the last row is
    after training), column l is hidden layer l + 1: ``gradient_norms``,
    ``mean``, ``std`` and ``derivative`` have shape ``(epochs + 1, hidden
    layers)``, ``accuracy`` ``(epochs + 1,)`` and ``losses`` (the mean
    training loss of each epoch) ``(epochs,)``.  The output unit's measurements
    have shape ``(epochs + 1,)`` like ``accuracy``: ``probe_loss`` (the mean
    cross-entropy on the probe), ``output_mean`` (the mean predicted
    probability) and ``output_weight_norm`` (the length ‖W‖ of the output
    layer's weights), which show a network whose output has become constant.
    For a stack of S networks every array gains a leading axis of length S,
    one row per network, and ``params`` is the trained stack."""

    params: list
    losses: np.ndarray
    gradient_norms: np.ndarray
    accuracy: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    derivative: np.ndarray
    probe_loss: np.ndarray | None = None
    output_mean: np.ndarray | None = None
    output_weight_norm: np.ndarray | None = None

    def epochs_to(self, level: float):
        """Return the first epoch after which the probe accuracy is at least ``level``.

        One network: an int, or None if it never got there.  A stack of
        networks: a float array, one entry per network, with ``inf`` for a
        network that never got there, ready for
        :func:`sigmoid_course.seeds.summarise`.

        >>> r = TrainingRecord([], np.zeros(2), np.zeros((3, 1)),
        ...                    np.array([0.5, 0.95, 1.0]),
        ...                    *np.zeros((3, 3, 1)))
        >>> r.epochs_to(0.9), r.epochs_to(1.1)
        (1, None)
        >>> stack = TrainingRecord([], np.zeros((2, 2)), np.zeros((2, 3, 1)),
        ...                        np.array([[0.5, 0.95, 1.0], [0.5, 0.6, 0.7]]),
        ...                        *np.zeros((3, 2, 3, 1)))
        >>> stack.epochs_to(0.9)
        array([ 1., inf])
        """
        level = check_scalar(level, "level")
        reached = self.accuracy >= level
        if reached.ndim == 1:
            where = np.flatnonzero(reached)
            return int(where[0]) if where.size else None
        first = np.argmax(reached, axis=-1).astype(np.float64)
        return np.where(reached.any(axis=-1), first, np.inf)


def _checked_run(params, X, y, activation, X_probe, y_probe, learning_rate,
                 batch_size, rng):
    """The checks of a measured training run: the network and data as
    :func:`sigmoid_course.network.train` checks them, and the probe (default:
    all of X, y)."""
    if (X_probe is None) != (y_probe is None):
        raise ValueError("give both X_probe and y_probe, or neither")
    act, params, X, y = _checked(params, X, activation, y)
    if X_probe is None:
        X_probe, y_probe = X, y
    else:
        X_probe = _check_X(params, X_probe)
        y_probe = _check_y(params, X_probe, y_probe)
    learning_rate = check_scalar(learning_rate, "learning_rate", "positive")
    batch_size = check_count(batch_size, "batch_size", 1)
    rng = _check_rng_for(params, rng)
    return act, params, X, y, X_probe, y_probe, learning_rate, batch_size, rng


def record_training(
    params,
    X: ArrayLike,
    y: ArrayLike,
    *,
    activation: str,
    learning_rate: float,
    epochs: int,
    batch_size: int,
    rng: np.random.Generator | Sequence[np.random.Generator],
    X_probe: ArrayLike | None = None,
    y_probe: ArrayLike | None = None,
) -> TrainingRecord:
    """Return a :class:`TrainingRecord` of mini-batch training, measured before every
    epoch and at the end.

    Trains on (X, y) with :func:`sigmoid_course.network.train` and measures
    in its ``callback``, on the fixed probe set (X_probe, y_probe) (default:
    all of X, y): the hidden bias-gradient norms, the accuracy and
    :func:`layer_statistics`.  Like Glorot & Bengio's fixed set of test
    examples, a probe of a few hundred examples keeps the measurements
    comparable from epoch to epoch, and cheap next to the training itself.  The
    measurements do not touch
    ``rng``, so the training run is the one ``train`` alone would make.

    A stack of S networks (:func:`sigmoid_course.network.init_params_stack`)
    is trained and measured in one batched computation, with ``rng`` a list
    of S generators, one per network (as for ``train``); every array of the
    record then has a leading axis of length S.

    >>> from sigmoid_course.datasets import gaussian_clusters
    >>> X, y = gaussian_clusters(100, np.random.default_rng(0))
    >>> params = init_params([20, 8, 8, 1], np.random.default_rng(1))
    >>> record = record_training(params, X, y, activation="tanh", learning_rate=0.1,
    ...                          epochs=3,
    ...                          batch_size=10, rng=np.random.default_rng(2))
    >>> record.gradient_norms.shape, record.mean.shape, record.losses.shape
    ((4, 2), (4, 2), (3,))
    >>> seeds = range(20)
    >>> stack = init_params_stack([20, 8, 8, 1], seeds)
    >>> record = record_training(stack, X, y, activation="tanh", learning_rate=0.1,
    ...                          epochs=3, batch_size=10,
    ...                          rng=[np.random.default_rng(s + 1) for s in seeds])
    >>> record.gradient_norms.shape, record.accuracy.shape, record.losses.shape
    ((20, 4, 2), (20, 4), (20, 3))

    Explained in: Chapter 8, "Saturation of the top hidden layer".
    """
    act, params, X, y, X_probe, y_probe, learning_rate, batch_size, rng = (
        _checked_run(params, X, y, activation, X_probe, y_probe, learning_rate,
                     batch_size, rng)
    )
    epochs = check_count(epochs, "epochs", 0)
    rows = []

    def probe(params, X, y):
        # One forward pass on the probe serves the gradient, the accuracy and the
        # statistics.
        logits, zs, layer_inputs = feedforward(params, X, act)
        loss, grads = backward(params, logits, zs, layer_inputs, y, act)
        return (
            _hidden_bias_gradient_norms(grads),
            _accuracy_of_logits(logits, y),
            *_layer_statistics(params, zs, layer_inputs, act),
            loss,
            sigmoid(logits).mean(axis=(-2, -1)),
            _norms(params[-1][0][..., 0]),
        )

    def measure(epoch: int, current) -> None:
        rows.append(_per_network(probe, current, X_probe, y_probe))

    final, losses = _train(
        params, X, y, act, learning_rate, epochs, batch_size, rng, measure
    )
    # Rows are epochs; a stack's networks come first: (S, epochs + 1, ...).
    stacked = params[0][0].ndim == 3
    columns = [
        np.moveaxis(np.array(column), 0, 1) if stacked else np.array(column)
        for column in zip(*rows)
    ]
    return TrainingRecord(final, losses, *columns)


# ---- how long a run takes, and the controls of Chapter 8 ---------------------------


def _scaled(act: Activation, scale: float) -> Activation:
    """The activation scale·f(z): forward scale·f, derivative scale·f' from its
    output (a/scale is f's own output)."""
    return Activation(
        f"{scale:g} {act.name}",
        lambda z: scale * act.forward(z),
        lambda z, a: scale * act.derivative(z, a / scale),
    )


class _TopSlope:
    """``act`` in the forward pass; in the backward pass the top hidden layer's
    derivative is the constant ``slope``, every other layer's is ``act``'s.

    :func:`sigmoid_course.network.feedforward` applies ``forward`` to the hidden
    layers in order, from the first to the top, and
    :func:`sigmoid_course.network.backward` passes each layer's own stored
    pre-activation to ``derivative``.  So the last array ``forward`` received
    is the top hidden layer's pre-activation, and ``derivative`` recognises it
    by identity (not by value).  The object is made and used by
    :func:`epochs_until` only, which never asks it for layer statistics.
    """

    def __init__(self, act: Activation, slope: float):
        self.name = f"{act.name}, slope {slope:g} in the top hidden layer's backward"
        self._act, self._slope, self._top = act, slope, None

    def forward(self, z):
        self._top = z
        return self._act.forward(z)

    def derivative(self, z, a):
        if z is self._top:
            return np.full_like(a, self._slope)
        return self._act.derivative(z, a)


def _first_epoch_check(accuracy, loss):
    if (accuracy is None) == (loss is None):
        raise ValueError(
            "give accuracy (a level to reach) or loss (a level to fall below), not "
            + ("both" if accuracy is not None else "neither")
        )
    if accuracy is not None:
        level = check_scalar(accuracy, "accuracy", "positive")
        if level > 1:
            raise ValueError(f"accuracy must be a fraction in (0, 1], got {accuracy!r}")
        return "accuracy", level
    return "loss", check_scalar(loss, "loss", "positive")


def epochs_until(
    params,
    X: ArrayLike,
    y: ArrayLike,
    *,
    learning_rate: float,
    max_epochs: int,
    batch_size: int,
    rng: np.random.Generator | Sequence[np.random.Generator],
    activation: str = "sigmoid",
    accuracy: float | None = None,
    loss: float | None = None,
    X_probe: ArrayLike | None = None,
    y_probe: ArrayLike | None = None,
    hidden_scale: float = 1.0,
    top_slope: float | None = None,
):
    """Return the first epoch after which a network's probe accuracy reaches
    ``accuracy`` (or its probe loss falls below ``loss``); ``inf`` if it does
    not within ``max_epochs``.

    Epoch k counts as :meth:`TrainingRecord.epochs_to` counts it: the probe is
    measured before every epoch and after the last, so 0 means "already at
    the start" and k means "after k epochs" of mini-batch training with
    :func:`sigmoid_course.network.train` (same arguments, same shuffles).  The
    probe is (``X_probe``, ``y_probe``), by default all of (X, y); ``loss``
    is its mean cross-entropy.

    A stack of S networks (:func:`sigmoid_course.network.init_params_stack`,
    ``rng`` a list of S generators) gives an array of S epochs, ready for
    :func:`sigmoid_course.seeds.summarise`.  A network leaves the stack as
    soon as it gets there, so a sweep costs the epochs its networks need, not
    S · ``max_epochs``; each network's run is, bit for bit, the one it makes
    in the whole stack, because no computation mixes two networks.

    Two controls change the run, for the experiments of Chapter 8:

    - ``hidden_scale`` = k makes every hidden unit output k·f(z) instead of
      f(z) (k = 4 with the sigmoid: 4σ).  With the next layers' weights
      divided by k the network computes the same function as before, with
      a different parametrisation.
    - ``top_slope`` = c replaces the derivative of the top hidden layer by the
      constant c in the backward pass only (c = ¼: σ'(0) for every unit of
      that layer, saturated or not); the forward pass is unchanged.  The
      updates are then no longer the loss's gradient.

    >>> from sigmoid_course.datasets import gaussian_clusters
    >>> X, y = gaussian_clusters(200, np.random.default_rng(0))
    >>> seeds = range(4)
    >>> stack = init_params_stack([20, 8, 8, 1], seeds, "xavier_sigmoid")
    >>> epochs_until(stack, X, y, accuracy=0.9, learning_rate=0.5, max_epochs=50,
    ...              batch_size=10, rng=[np.random.default_rng(s + 1) for s in seeds])
    array([13., 10.,  8., 14.])

    Explained in: Chapter 4, "Remedies"; Chapter 8, "The 4σ control" and
    "The σ′ → ¼ control".
    """
    kind, level = _first_epoch_check(accuracy, loss)
    act, params, X, y, X_probe, y_probe, learning_rate, batch_size, rng = (
        _checked_run(params, X, y, activation, X_probe, y_probe, learning_rate,
                     batch_size, rng)
    )
    max_epochs = check_count(max_epochs, "max_epochs", 0)
    hidden_scale = check_scalar(hidden_scale, "hidden_scale", "positive")
    if hidden_scale != 1.0:
        act = _scaled(act, hidden_scale)
    if top_slope is not None:
        act = _TopSlope(act, check_scalar(top_slope, "top_slope", "non-negative"))

    single = params[0][0].ndim == 2
    if single:  # a stack of one: the same numbers (see init_params_stack)
        params = [(W[None], b[None]) for W, b in params]
        rng = [rng]
    data = [X, y, X_probe, y_probe]  # 2-D: shared; 3-D: one per network
    result = np.full(len(rng), np.inf)
    active = np.arange(len(rng))  # the networks still training
    current = [(W.copy(), b.copy()) for W, b in params]
    def at_level(params, X, y):  # per network: has it got there?
        logits = feedforward(params, X, act)[0]
        if kind == "accuracy":
            return _accuracy_of_logits(logits, y) >= level
        return _cross_entropy(logits, y).sum(axis=(-2, -1)) / y.shape[-2] < level

    for epoch in range(max_epochs + 1):
        reached = _per_network(at_level, current, data[2], data[3])
        result[active[reached]] = epoch
        if reached.all() or epoch == max_epochs:
            break
        if reached.any():  # the others go on alone
            keep = ~reached
            active = active[keep]
            current = [(W[keep], b[keep]) for W, b in current]
            rng = [generator for generator, k in zip(rng, keep) if k]
            data = [M if M.ndim == 2 else M[keep] for M in data]
        current, _ = _train(
            current, data[0], data[1], act, learning_rate, 1, batch_size, rng, None
        )
    return float(result[0]) if single else result
