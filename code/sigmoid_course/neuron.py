"""One sigmoid neuron by hand: backpropagation as a computational graph, and the loss at
its output.

A neuron f(w, x) = σ(w0·x0 + … + w(n−1)·x(n−1) + wn) has its bias as the last
weight, as in CS231n's worked example.  Its gradient is computed twice: once
through the elementary gates of σ(z) = 1/(1 + e^(−z)) (×−1, exp, +1, 1/x) and
once through a single sigmoid gate whose local gradient σ(1 − σ) reuses the
stored output.  The second half compares two losses for one neuron trained
by gradient descent: the binary cross-entropy, whose gradient with respect
to the logit is σ(z) − y, and the mean squared error, whose gradient keeps a
factor σ'(z).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import (
    check_choice,
    check_count,
    check_labels,
    check_real_array,
    check_same_shape,
    check_scalar,
)
from .activations import sigmoid, sigmoid_prime, softplus

__all__ = [
    "LOSSES",
    "GateStep",
    "NeuronGradients",
    "NeuronHistory",
    "loss_gradient_wrt_logit",
    "neuron_loss",
    "sigmoid_neuron",
    "sigmoid_neuron_by_gates",
    "train_neuron",
]


@dataclass(frozen=True)
class GateStep:
    """One gate of the graph: its input and output in the forward pass, its
    local gradient d(output)/d(input), and df/d(input), the gradient of the
    neuron's output with respect to the gate's input (backward pass)."""

    gate: str
    input: float
    output: float
    local: float
    grad: float


@dataclass(frozen=True)
class NeuronGradients:
    """Output f of the neuron, its gradient df/dz with respect to the
    pre-activation z, the gradients ``dx`` and ``dw``, and the gates of σ."""

    output: float
    dz: float
    dx: np.ndarray
    dw: np.ndarray
    steps: tuple[GateStep, ...]


def _check_neuron(w: ArrayLike, x: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    w_arr = check_real_array(w, "w", ndim=1)
    x_arr = check_real_array(x, "x", ndim=1)
    if w_arr.shape[0] != x_arr.shape[0] + 1:
        raise ValueError(
            f"w must hold one weight per input plus the bias, {x_arr.shape[0] + 1} "
            f"values, got {w_arr.shape[0]}"
        )
    return w_arr, x_arr


def _through_dot_product(
    w: np.ndarray, x: np.ndarray, f: float, dz: float, steps: list[GateStep]
) -> NeuronGradients:
    # The dot-product gate z = w·[x, 1]: dz/dx = w[:-1] and dz/dw = [x, 1].
    return NeuronGradients(
        output=f, dz=dz, dx=w[:-1] * dz, dw=np.append(x, 1.0) * dz, steps=tuple(steps)
    )


def sigmoid_neuron_by_gates(w: ArrayLike, x: ArrayLike) -> NeuronGradients:
    """Return the neuron's output and gradients, backpropagated gate by gate through σ.

    σ(z) = 1/(1 + e^(−z)) is split into four gates, z → −z → e^(−z) →
    1 + e^(−z) → 1/(1 + e^(−z)).  The backward pass starts from df/df = 1
    and multiplies, gate by gate from the output, by each gate's local
    gradient (−1/u², 1, e^(−z), −1).  Far in the left tail the
    intermediates overflow: u² = (1 + e^(−z))² exceeds the largest double
    for z < −354.89, so the local gradient −1/u² is 0 and df/dz comes out 0
    instead of about e^z; for z < −709.78 e^(−z) itself overflows and the
    backward pass computes 0·∞ = NaN.  :func:`sigmoid_neuron` avoids both.

    >>> r = sigmoid_neuron_by_gates([2.0, -3.0, -3.0], [-1.0, -2.0])
    >>> print(f"{r.output:.6f} {r.dz:.6f}")
    0.731059 0.196612
    >>> [s.gate for s in r.steps]
    ['*-1', 'exp', '+1', '1/x']

    Explained in: Chapter 3, "One neuron as a computational graph".
    """
    w, x = _check_neuron(w, x)
    z = float(w[:-1] @ x + w[-1])
    # Forward: the value after each gate.  Overflow of exp is the naive
    # graph's failure mode (documented above), not an error of the input;
    # Python floats then carry inf, 0 and NaN on without raising.
    negated = -z
    with np.errstate(over="ignore"):
        exponential = float(np.exp(negated))
    shifted = exponential + 1.0
    f = 1.0 / shifted
    inputs = [z, negated, exponential, shifted]
    outputs = [negated, exponential, shifted, f]
    locals_ = [-1.0, exponential, 1.0, -1.0 / (shifted * shifted)]
    names = ["*-1", "exp", "+1", "1/x"]
    # Backward: from the output gate to the first one.
    grads = [0.0] * 4
    upstream = 1.0
    for k in range(3, -1, -1):
        upstream *= locals_[k]
        grads[k] = upstream
    steps = [GateStep(*row) for row in zip(names, inputs, outputs, locals_, grads)]
    return _through_dot_product(w, x, f, grads[0], steps)


def sigmoid_neuron(w: ArrayLike, x: ArrayLike) -> NeuronGradients:
    """Return the neuron's output and gradients, with σ as one gate whose local gradient
    is f(1 − f).

    The backward pass needs no exponential at all: σ'(z) = f(1 − f) is
    computed from the output f stored by the forward pass, one subtraction
    and one multiplication.  ``steps`` holds that single gate.  It trades
    one tail for the other.  In the left tail it stays accurate where the
    gate-by-gate graph of :func:`sigmoid_neuron_by_gates` overflows.  In the
    right tail f(1 − f) loses relative accuracy as f nears 1, because f was
    rounded before 1 − f was formed (relative error 1.8e−8 at z = 20, 1.7e−4
    at z = 30), and once f rounds to 1, from z = 54 ln 2 ≈ 37.43 for the
    package's sigmoid, it is 0 instead of about e^(−z); the gate-by-gate
    graph and :func:`~sigmoid_course.activations.sigmoid_prime` keep their
    digits there (the cancellation of Chapter 6).

    >>> r = sigmoid_neuron([2.0, -3.0, -3.0], [-1.0, -2.0])
    >>> signed = lambda values: " ".join(f"{v:+.6f}" for v in values)
    >>> print(signed(r.dx), "|", signed(r.dw))
    +0.393224 -0.589836 | -0.196612 -0.393224 +0.196612

    Explained in: Chapter 3, "One neuron as a computational graph".
    """
    w, x = _check_neuron(w, x)
    z = float(w[:-1] @ x + w[-1])
    f = float(sigmoid(z))
    dz = f * (1.0 - f)
    return _through_dot_product(w, x, f, dz, [GateStep("sigmoid", z, f, dz, dz)])


# The two losses for one output unit, as functions of the logit z and label y.
LOSSES = ("cross_entropy", "mse")


def _check_loss_arguments(z: ArrayLike, y: ArrayLike, loss: str):
    check_choice(loss, "loss", LOSSES)
    z = check_real_array(z, "z", finite=False)
    y = check_labels(y)
    # One label per logit, or one label for all: never a silent (n,) × (n, 1) broadcast.
    check_same_shape(z, y, "z and y", scalars=True)
    return z, y


# The internals take checked float64 arrays and check nothing.


def _cross_entropy(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    return softplus((1.0 - 2.0 * y) * z)


def _loss(z: np.ndarray, y: np.ndarray, loss: str) -> np.ndarray:
    if loss == "cross_entropy":
        return _cross_entropy(z, y)
    return 0.5 * (sigmoid(z) - y) ** 2


def _loss_gradient(z: np.ndarray, y: np.ndarray, loss: str) -> np.ndarray:
    error = sigmoid(z) - y
    if loss == "cross_entropy":
        return error
    return error * sigmoid_prime(z)


def neuron_loss(z: ArrayLike, y: ArrayLike, loss: str = "cross_entropy") -> np.ndarray:
    """Return the loss of one sigmoid output with logit z and label y, elementwise.

    ``"cross_entropy"``: −y ln σ(z) − (1 − y) ln(1 − σ(z)) = softplus(z) − y·z,
    which never takes the log of 0.  It is evaluated as softplus((1 − 2y)·z),
    equal for y in {0, 1} and free of the cancellation in softplus(z) − z
    for large z.  ``"mse"``:
    ½(σ(z) − y)², with the ½ that makes its derivative free of a factor 2.
    ``y`` has the shape of ``z``, or is one label for all of it.

    >>> cross_entropy, mse = neuron_loss(0.0, 1), neuron_loss(0.0, 1, "mse")
    >>> print(f"{float(cross_entropy):.6f} {float(mse):.6f}")
    0.693147 0.125000
    >>> float(neuron_loss(-1000.0, 1))
    1000.0

    Explained in: Chapter 3, "Logistic regression and cross-entropy".
    """
    z, y = _check_loss_arguments(z, y, loss)
    return _loss(z, y, loss)


def loss_gradient_wrt_logit(
    z: ArrayLike, y: ArrayLike, loss: str = "cross_entropy"
) -> np.ndarray:
    """Return dL/dz for one sigmoid output, elementwise.

    Cross-entropy: σ(z) − y, because the σ'(z) of the chain rule cancels
    against the 1/σ(z) and 1/(1 − σ(z)) of the logarithms.  Mean squared
    error: (σ(z) − y)·σ'(z), which is tiny whenever σ is saturated, right or
    wrong.  ``y`` has the shape of ``z``, or is one label for all of it.

    >>> print(f"{float(loss_gradient_wrt_logit(4.0, 0)):.6f}")
    0.982014
    >>> print(f"{float(loss_gradient_wrt_logit(4.0, 0, 'mse')):.6f}")
    0.017345

    Explained in: Chapter 3, "Logistic regression and cross-entropy" and
    "Mean squared error keeps σ'".
    """
    z, y = _check_loss_arguments(z, y, loss)
    return _loss_gradient(z, y, loss)


@dataclass(frozen=True)
class NeuronHistory:
    """Weight, bias, mean loss and outputs before each epoch and after the last.

    Arrays of length ``epochs + 1``; ``output`` has one column per example.
    """

    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    output: np.ndarray


def train_neuron(
    w: float,
    b: float,
    x: ArrayLike,
    y: ArrayLike,
    *,
    loss: str,
    learning_rate: float,
    epochs: int,
) -> NeuronHistory:
    """Return the history of one neuron σ(w·x + b) trained by full-batch gradient
    descent.

    Each epoch computes dL/dz for every example with
    :func:`loss_gradient_wrt_logit`, then dL/dw = mean(dL/dz · x) and
    dL/db = mean(dL/dz), and steps against them.  Used to compare the two
    losses of :data:`LOSSES` from the same start.

    >>> h = train_neuron(2.0, 2.0, [1.0], [0], loss="cross_entropy",
    ...                  learning_rate=0.15, epochs=300)
    >>> print(f"{h.output[0, 0]:.3f} -> {h.output[-1, 0]:.3f}")
    0.982 -> 0.012

    Explained in: Chapter 3, "Mean squared error keeps σ'".
    """
    check_choice(loss, "loss", LOSSES)
    x = check_real_array(x, "x").reshape(-1)
    y = check_labels(y).reshape(-1)
    if x.shape != y.shape or x.size == 0:
        raise ValueError(
            f"x and y must hold the same positive number of examples, got {x.size} "
            f"and {y.size}"
        )
    w = check_scalar(w, "w")
    b = check_scalar(b, "b")
    learning_rate = check_scalar(learning_rate, "learning_rate", "positive")
    epochs = check_count(epochs, "epochs", 0)
    ws, bs, losses, outputs = [], [], [], []
    for epoch in range(epochs + 1):
        z = w * x + b
        ws.append(w)
        bs.append(b)
        losses.append(float(np.mean(_loss(z, y, loss))))
        outputs.append(sigmoid(z))
        if epoch == epochs:
            break
        dz = _loss_gradient(z, y, loss)
        w -= learning_rate * float(np.mean(dz * x))
        b -= learning_rate * float(np.mean(dz))
    return NeuronHistory(
        np.array(ws), np.array(bs), np.array(losses), np.array(outputs)
    )
