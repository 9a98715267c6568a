"""Helpers for the executable course on the sigmoid and its derivative.

The chapters import everything they need from here::

    from sigmoid_course import sigmoid, sigmoid_prime

One module per idea: :mod:`activations` (σ, its derivatives and relatives),
:mod:`derivatives` (numerical derivatives for checking), :mod:`precision`
(high-precision references and ulp errors), :mod:`datasets` (small seeded
data sets), :mod:`neuron` (one neuron by hand: its computational graph and
the loss at its output), :mod:`network` (a small network and its single
backward pass, one network or a stack of them), :mod:`seeds` (results over
many seeds, summarised), :mod:`gradient_check` (checking it against finite
differences, and what each costs), :mod:`diagrams` (pictures of networks drawn
from computed values), :mod:`gradient_flow` (how gradients shrink from layer to
layer, measured), :mod:`logistic_regression` (its gradient, Hessian and
Newton's method), :mod:`softmax` (many classes), :mod:`gates` (SiLU, GLU and
recurrent gates), :mod:`plotting` (the shared figure style) and
:mod:`widgets` (explorers).

Two modules are imported by name, not re-exported, because their names are
for learners' cells: :mod:`selfcheck` (multiple-choice self-checks that
answer back, ``from sigmoid_course.selfcheck import question, right,
self_check, wrong``) and :mod:`exercises` (code exercises the package checks,
``from sigmoid_course.exercises import EXERCISES``).
"""

from .activations import (
    log_sigmoid,
    logit,
    sigmoid,
    sigmoid_prime,
    sigmoid_second,
    softplus,
)
from .datasets import gaussian_clusters, two_moons, two_moons_posterior, xor
from .derivatives import (
    central_difference,
    complex_step_derivative,
    numerical_gradient,
    relative_error,
)
from .gates import (
    ForgetGateGradients,
    forget_gate_gradients,
    glu,
    glu_gradients,
    recurrent_jacobian_norms,
    silu,
    silu_prime,
)
from .gradient_check import gradient_check, gradient_cost
from .gradient_flow import (
    chain_factors,
    epochs_until,
    initial_gradient_norms,
    layer_gains,
    layer_statistics,
    nielsen_interval_width,
    record_training,
)
from .logistic_regression import (
    LogisticRegressionFit,
    fit_logistic_regression,
    logistic_regression_gradient,
    logistic_regression_hessian,
    logistic_regression_loss,
)
from .network import (
    accuracy,
    forward,
    hidden_bias_gradient_norms,
    init_params,
    init_params_stack,
    loss_and_grads,
    predict,
    predict_proba,
    train,
)
from .neuron import (
    loss_gradient_wrt_logit,
    neuron_loss,
    sigmoid_neuron,
    sigmoid_neuron_by_gates,
    train_neuron,
)
from .plotting import COLORS, new_axes, use_course_style
from .precision import sigmoid_prime_reference, sigmoid_reference, ulp_error
from .seeds import SeedSummary, over_seeds, summarise
from .softmax import log_softmax, softmax, softmax_jacobian
from .widgets import (
    gradient_norm_explorer,
    make_explorer,
    sigmoid_explorer,
    tangent_explorer,
)

__all__ = [
    "ForgetGateGradients",
    "LogisticRegressionFit",
    "SeedSummary",
    "fit_logistic_regression",
    "forget_gate_gradients",
    "glu",
    "glu_gradients",
    "log_softmax",
    "logistic_regression_gradient",
    "logistic_regression_hessian",
    "logistic_regression_loss",
    "recurrent_jacobian_norms",
    "silu",
    "silu_prime",
    "softmax",
    "softmax_jacobian",
    "COLORS",
    "accuracy",
    "central_difference",
    "chain_factors",
    "complex_step_derivative",
    "epochs_until",
    "forward",
    "gaussian_clusters",
    "gradient_check",
    "gradient_cost",
    "gradient_norm_explorer",
    "hidden_bias_gradient_norms",
    "init_params",
    "init_params_stack",
    "initial_gradient_norms",
    "layer_gains",
    "layer_statistics",
    "log_sigmoid",
    "logit",
    "loss_and_grads",
    "loss_gradient_wrt_logit",
    "make_explorer",
    "neuron_loss",
    "new_axes",
    "nielsen_interval_width",
    "numerical_gradient",
    "over_seeds",
    "predict",
    "predict_proba",
    "record_training",
    "relative_error",
    "sigmoid",
    "sigmoid_explorer",
    "sigmoid_neuron",
    "sigmoid_neuron_by_gates",
    "sigmoid_prime",
    "sigmoid_prime_reference",
    "sigmoid_reference",
    "sigmoid_second",
    "softplus",
    "summarise",
    "tangent_explorer",
    "train",
    "train_neuron",
    "two_moons",
    "two_moons_posterior",
    "xor",
    "ulp_error",
    "use_course_style",
]
