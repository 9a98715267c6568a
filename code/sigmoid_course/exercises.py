"""Code exercises that the package checks: write the function, get specific feedback.

``EXERCISES`` maps a name to an :class:`Exercise`:

>>> sorted(EXERCISES)
['layer_gain', 'network_backward', 'neuron_backward', 'sigmoid', 'sigmoid_prime']

- ``exercise.task``: what to write, in a paragraph;
- ``exercise.check(fn)``: runs the learner's ``fn`` on inputs chosen to
  expose the classic mistakes, prints what it found (which input, what was
  expected, what came back, and what that usually means) and returns a
  :class:`CheckResult` with ``.passed`` (bool) and ``.messages`` (one string
  per problem found);
- ``exercise.hint()``: prints the next hint; after the last it repeats the
  last and says so;
- ``exercise.solution``: the reference implementation, plain NumPy as a
  learner would write it, which the chapter shows in the exercise's solution
  dropdown (``literalinclude`` with ``:pyobject:``).

Nothing a learner's function does makes ``check`` raise: an exception
inside ``fn``, ``None``, a wrong type or shape, NaN or inf, a changed input
and numpy warnings (recorded, even where pytest turns warnings into errors)
all become messages.  The expected values come from independent
references: 50-digit decimal arithmetic for σ and σ′
(:mod:`sigmoid_course.precision`), the package's single backward pass and
its measured gains for the rest (tested against finite differences).
When the output matches a known mistake (the wrong code is kept here, to
recognise its output), the message names it.

**The cell pattern.**  In the chapter, under the exercise's text, one code
cell holds a starter function whose body calls the reference, clearly
marked, and the check::

    exercise = EXERCISES["sigmoid"]


    def my_sigmoid(x):
        # Replace this line with your own code, then run the cell.
        return exercise.solution(x)


    result = exercise.check(my_sigmoid)

On the website no Python runs, so the page shows the starter and the check's
report for the reference: what is checked, and that the reference passes.
In JupyterLab or on Binder the learner replaces the body and runs the cell
again; ``exercise.hint()`` in a new cell prints a hint.  The solution
dropdown shows ``sigmoid_solution`` from this module.  The cell's output is
fixed text, so nbval compares it.
"""

from __future__ import annotations

import math
import re
import textwrap
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .activations import sigmoid, sigmoid_prime
from .gradient_flow import layer_gains
from .network import loss_and_grads
from .precision import sigmoid_prime_reference, sigmoid_reference, ulp_error

__all__ = [
    "EXERCISES",
    "CheckResult",
    "Exercise",
    "layer_gain_solution",
    "network_backward_solution",
    "neuron_backward_solution",
    "sigmoid_prime_solution",
    "sigmoid_solution",
]

_WIDTH = 76  # printed lines fit a code cell's output at 1280 px and on paper


# ---- the reference solutions (shown on the page) -------------------------------


def sigmoid_solution(x):
    """Return σ(x) = 1/(1 + e^(−x)) elementwise, for any float64 array x.

    Only e^(−|x|) is computed, which never overflows: σ(x) is 1/(1 + e) for
    x ≥ 0 and e/(1 + e) for x < 0 (the same number, multiplied by eˣ/eˣ).

    >>> sigmoid_solution(np.array([-800.0, 0.0, 800.0]))
    array([0. , 0.5, 1. ])

    Explained in: Chapter 1, "Exercises".
    """
    e = np.exp(-np.abs(x))  # at most 1: no overflow
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime_solution(x):
    """Return σ′(x) = σ(x)(1 − σ(x)) elementwise, accurate in both tails.

    σ′ is even, σ′(x) = e^(−|x|)/(1 + e^(−|x|))², and this form never
    overflows and never subtracts: σ(1 − σ) subtracts from 1 a number that
    rounds to 1 in the right tail.

    >>> sigmoid_prime_solution(np.array([0.0, 40.0, -40.0])) > 0
    array([ True,  True,  True])

    Explained in: Chapter 2, "The derivative of the sigmoid".
    """
    e = np.exp(-np.abs(x))
    return e / (1 + e) ** 2


def neuron_backward_solution(w, x):
    """Return ``(dw, dx)`` for f = σ(w[0]x[0] + w[1]x[1] + w[2]) (CS231n's neuron).

    The forward pass computes z and f = σ(z); the backward pass multiplies
    df/dz = f(1 − f) by the local gradients of z = w·[x, 1]: ∂z/∂w = [x, 1]
    and ∂z/∂x = w[:2].

    >>> dw, dx = neuron_backward_solution(np.array([2.0, -3.0, -3.0]),
    ...                                   np.array([-1.0, -2.0]))
    >>> print(np.round(dw, 6), np.round(dx, 6))
    [-0.196612 -0.393224  0.196612] [ 0.393224 -0.589836]

    Explained in: Chapter 3, "One neuron as a computational graph".
    """
    z = w[0] * x[0] + w[1] * x[1] + w[2]  # forward pass
    f = 1 / (1 + np.exp(-z))
    dz = f * (1 - f)  # backward pass: df/dz, from the stored output
    dw = np.array([x[0] * dz, x[1] * dz, 1.0 * dz])
    dx = np.array([w[0] * dz, w[1] * dz])
    return dw, dx


def network_backward_solution(params, X, y):
    """Return ``grads`` of the mean binary cross-entropy of a sigmoid network.

    ``params = [(W1, b1), ..., (WL, bL)]`` with W of shape (n_in, n_out);
    hidden layers and the single output unit are sigmoids.  The forward pass
    stores every layer's output A; the backward pass starts from
    Δ = (σ(z) − y)/batch at the output (the output's σ′ cancels against the
    cross-entropy) and moves down with Δ ← (Δ Wᵀ) ⊙ A(1 − A).

    >>> params = [(np.zeros((2, 1)), np.zeros(1))]
    >>> grads = network_backward_solution(params, np.ones((4, 2)), np.ones((4, 1)))
    >>> grads[0][0].ravel(), grads[0][1]
    (array([-0.5, -0.5]), array([-0.5]))

    Explained in: Chapter 3, "A small network from scratch".
    """
    activations = [X]  # forward: the input of every layer
    for W, b in params[:-1]:
        activations.append(1 / (1 + np.exp(-(activations[-1] @ W + b))))
    W, b = params[-1]
    output = 1 / (1 + np.exp(-(activations[-1] @ W + b)))
    delta = (output - y) / X.shape[0]  # dL/dz at the output, batch mean
    grads = [None] * len(params)
    for layer in range(len(params) - 1, -1, -1):  # backward, from the top
        A = activations[layer]
        grads[layer] = (A.T @ delta, delta.sum(axis=0))
        if layer > 0:
            W = params[layer][0]
            delta = (delta @ W.T) * A * (1 - A)
    return grads


def layer_gain_solution(W, z):
    """Return the gain √(n·mean(W²))·rms(σ′(z)) of a sigmoid layer.

    ``z`` (shape (batch, n)) holds the layer's pre-activations and ``W``
    (shape (n, m)) the weights of the layer above, which carry its error
    down: backpropagation multiplies by Wᵀ and then by σ′(z), and for
    independent weights that scales the error's norm by about this factor.

    >>> print(f"{layer_gain_solution(np.full((4, 3), 0.5), np.zeros((2, 4))):.4f}")
    0.2500

    Explained in: Chapter 4, "Why each layer costs a factor of about five".
    """
    n = W.shape[0]  # the units of this layer
    s = 1 / (1 + np.exp(-z))
    slopes = s * (1 - s)  # σ′(z) from the forward pass
    return np.sqrt(n * np.mean(W**2)) * np.sqrt(np.mean(slopes**2))


# ---- running the learner's code safely --------------------------------------------


@dataclass(frozen=True)
class _Call:
    """What one call of the learner's function did: its value, the exception it
    raised (or None) and the warnings it emitted."""

    value: object
    error: Exception | None
    warnings: tuple[str, ...]


def _call(fn: Callable, *args) -> _Call:
    """Call ``fn(*args)``; never raises: exceptions and warnings are recorded.

    numpy is set to warn on overflow, invalid operations and division by
    zero (not on underflow, which is how tails end), whatever the learner set.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(all="warn", under="ignore"):
            try:
                value, error = fn(*args), None
            except Exception as exc:  # the learner's bug: reported, not raised
                value, error = None, exc
    said = tuple(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    return _Call(value, error, said)


def _quiet(fn: Callable, *args):
    """``fn(*args)`` with numpy's warnings silenced: for the known-wrong code."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            return fn(*args)


_ERROR_MEANINGS = (
    (
        ("only length-1", "only size-1", "only 0-dimensional", "only integer scalar"),
        "A function of the math module (math.exp, math.log) takes one number, "
        "not an array: use np.exp, np.log, which work elementwise.",
    ),
    (
        ("could not be broadcast", "mismatch in its core dimension", "not aligned"),
        "Two arrays whose shapes do not fit were combined. Write down each "
        "shape: x @ W needs x of shape (batch, n_in) and W of shape (n_in, n_out).",
    ),
    (
        ("is not defined",),
        "A name is used before it is defined: run the cell with the imports "
        "first, and check the spelling.",
    ),
    (
        ("object is not callable",),
        "Something that is not a function was called: a variable may have "
        "taken the name of a function (sigmoid = sigmoid(x), for instance).",
    ),
    (
        ("index", "out of bounds"),
        "An index is beyond the end of an array: check the shapes of the "
        "arguments in the exercise's text.",
    ),
)


def _explain_error(exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}"
    for needles, meaning in _ERROR_MEANINGS:
        if any(n in str(exc) for n in needles):
            return f"{text}. {meaning}"
    return f"{text}. Read the last line of the error and the line it names."


def _shape_of(value) -> str:
    shape = getattr(value, "shape", None)
    return f"shape {tuple(shape)}" if shape is not None else "no shape"


def _kind(value) -> str:
    if value is None:
        return "None"
    dtype = getattr(value, "dtype", None)
    kind = type(value).__name__
    return f"a {kind} of dtype {dtype}" if dtype is not None else f"a {kind}"


def _float_array(
    value, what: str, shape: tuple, why_shape: str = ""
) -> tuple[np.ndarray | None, str]:
    """``(array, "")`` if ``value`` is a float64 array of ``shape``, else ``(None,
    problem)``; ``why_shape`` replaces the general guess at a wrong shape."""
    if value is None:
        return None, (
            f"{what} is None: the function has no `return`, or returns before "
            "the result is computed."
        )
    if not isinstance(value, (np.ndarray, np.generic, float, int, list, tuple)):
        return None, f"{what} is {_kind(value)}, expected a NumPy array."
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        return None, f"{what} is not an array of numbers: {exc}"
    if arr.dtype.kind not in "fiub":
        return None, f"{what} has dtype {arr.dtype}, expected float64 numbers."
    if arr.dtype.kind == "f" and arr.dtype != np.float64:
        return None, (
            f"{what} has dtype {arr.dtype}: it was computed in lower precision "
            "and lost digits. Keep float64 throughout (no astype, no np.float32)."
        )
    if arr.shape != shape:
        return None, (
            f"{what} has shape {arr.shape}, expected {shape}. "
            + why_shape
            if why_shape
            else f"{what} has shape {arr.shape}, expected {shape}. "
            + (
                "A reduction (sum, mean, max) or a reshape changed the shape."
                if arr.size != math.prod(shape)
                else "It holds the right number of values in another shape: "
                "a reshape, ravel or transpose changed it."
            )
        )
    return arr.astype(np.float64), ""


def _any_shape(value) -> tuple:
    """The shape numpy gives ``value``, or () if it cannot make an array of it."""
    try:
        return tuple(np.asarray(value, dtype=object).shape)
    except Exception:  # a ragged or strange object: no shape to report
        return ()


def _number(v: float, digits: int = 6) -> str:
    return f"{v:.{digits}e}" if np.isfinite(v) and v != 0 else repr(float(v))


def _same(a: np.ndarray, b: np.ndarray, rtol: float = 1e-9) -> bool:
    """Equal arrays, NaN equal to NaN, up to a relative ``rtol``."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    with np.errstate(all="ignore"):
        close = np.isclose(a, b, rtol=rtol, atol=0.0, equal_nan=True)
    return bool(np.all(close))


@dataclass(frozen=True)
class _Mistake:
    """A classic mistake: its name, what it usually means and how to fix it, and
    code that makes it, whose output the checker recognises."""

    name: str
    meaning: str
    code: Callable


def _name_the_mistake(report, mistakes: Sequence[_Mistake], matched) -> bool:
    """Report the first of ``mistakes`` whose name is in ``matched`` (the
    mistakes that explain every failure); True if one was."""
    for mistake in mistakes:
        if matched and mistake.name in matched:
            report.mistake(mistake)
            return True
    return False


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` found: ``passed``, the problems (``messages``, one string
    each, empty if passed) and the whole printed ``report``."""

    exercise: str
    passed: bool
    messages: list[str] = field(default_factory=list)
    report: str = ""

    def __repr__(self) -> str:
        verdict = "passed" if self.passed else f"{len(self.messages)} problem(s)"
        return f"CheckResult({self.exercise!r}: {verdict})"


class _Report:
    """The lines ``check`` prints, and the problems it found."""

    def __init__(self, heading: str):
        self.lines = textwrap.wrap(heading, _WIDTH, subsequent_indent="  ")
        self.problems: list[str] = []
        self.checks = 0

    def ok(self, what: str) -> None:
        self.checks += 1
        self._add("  ok    ", what)

    def fail(self, what: str, details: Sequence[str] = ()) -> None:
        self.checks += 1
        self._add("  FAIL  ", what)
        for detail in details:
            self._add("        ", detail)
        self.problems.append(" ".join([what, *details]))

    def mistake(self, mistake: _Mistake) -> None:
        text = f"This looks like a known mistake: {mistake.name}. {mistake.meaning}"
        self._add("  ", text)
        self.problems.append(text)

    def note(self, text: str) -> None:
        self._add("  ", text)
        self.problems.append(text)

    def _add(self, indent: str, text: str) -> None:
        self.lines += textwrap.wrap(
            text, _WIDTH, initial_indent=indent, subsequent_indent=" " * len(indent)
        )

    def finish(self) -> str:
        failed = len([p for p in self.lines if p.startswith("  FAIL")])
        if self.problems:
            self.lines.append(
                f"Not yet: {failed} of {self.checks} checks failed. "
                "exercise.hint() prints a hint."
            )
        else:
            self.lines.append(f"Passed: all {self.checks} checks.")
        return "\n".join(self.lines)


class Exercise:
    """A code exercise: ``task``, ``check(fn)``, ``hint()`` and ``solution``.

    Made once per exercise, in :data:`EXERCISES`.

    >>> exercise = EXERCISES["sigmoid"]
    >>> exercise.check(lambda x: None).passed
    Checking <lambda>(x) on 24 float64 inputs, x = -800 to 800:
      FAIL  its result is None: the function has no `return`, or returns before
            the result is computed.
    Not yet: 1 of 1 checks failed. exercise.hint() prints a hint.
    False

    Explained in: Chapter 1, "Exercises".
    """

    def __init__(
        self,
        name: str,
        task: str,
        solution: Callable,
        hints: Sequence[str],
        checker: Callable[[Callable, _Report], None],
        heading: Callable[[str], str],
    ):
        self.name = name
        self.task = task
        self.solution = solution
        self.hints = tuple(hints)
        self._checker = checker
        self._heading = heading
        self._hints_given = 0

    def check(self, fn: Callable) -> CheckResult:
        """Run ``fn`` on the exercise's inputs; print and return what was found."""
        label = getattr(fn, "__name__", type(fn).__name__)
        report = _Report(self._heading(label))
        if not callable(fn):
            report.fail(
                f"check needs your function itself, check({label}) with no "
                f"parentheses after its name; it got {_kind(fn)}."
            )
        else:
            try:
                self._checker(fn, report)
            except Exception as exc:  # output no rule foresaw: reported, not raised
                report.fail(
                    "the checker could not read what your function returned",
                    [f"({type(exc).__name__}: {exc}). Compare its type and shape "
                     "with the exercise's text."],
                )
        text = report.finish()
        print(text)
        return CheckResult(self.name, not report.problems, list(report.problems), text)

    def hint(self) -> None:
        """Print the next hint; after the last one, print the last one again."""
        k = min(self._hints_given, len(self.hints) - 1)
        print(f"Hint {k + 1} of {len(self.hints)}: {self.hints[k]}")
        if k == len(self.hints) - 1:
            print(
                "That was the last hint. The solution is in the dropdown under "
                "the exercise."
            )
        self._hints_given += 1

    def __repr__(self) -> str:
        return f"Exercise({self.name!r}): {self.task}"


# ---- σ and σ′: elementwise functions ----------------------------------------------

#: The inputs of the σ and σ′ exercises: both tails to the end of float64
#: (exp overflows beyond ±709.78, σ′ and σ(x < 0) underflow beyond −745.13),
#: where s(1 − s) and 1 − σ cancel (x ≥ 20), and the middle.
ELEMENTWISE_INPUTS = np.array(
    [
        [-800.0, -745.0, -740.0, -710.0, -400.0, -100.0],
        [-40.0, -30.0, -20.0, -5.0, -2.75, -1.0],
        [-1e-8, 0.0, 1e-8, 0.5, 1.0, 2.75],
        [5.0, 20.0, 30.0, 40.0, 710.0, 800.0],
    ]
)


@dataclass(frozen=True)
class _Elementwise:
    """How to check an elementwise function f(x): its name, its reference
    (50 digits), the tolerance in ulp, its mistakes, and how to explain a
    wrong value in each region."""

    name: str
    reference: Callable
    ulps: float
    mistakes: tuple[_Mistake, ...]
    explain: Callable[[float, float, float], str]


def _point_signature(fn: Callable, expected: np.ndarray):
    """Per input: (warned, error in ulp, value), calling fn on one input at a
    time; None if fn fails on a single input."""
    out = []
    for x, want in zip(ELEMENTWISE_INPUTS.ravel(), expected.ravel()):
        call = _call(fn, np.array([x]))
        if call.error is not None:
            return None
        got, problem = _float_array(call.value, "", (1,))
        if problem:
            return None
        error = _within(got, np.array([want], dtype=object), 0.0)[1][0]
        out.append((bool(call.warnings), float(error), float(got[0])))
    return out


#: An error this large (in ulp) is a mistake's mark; smaller ones, which
#: differ between correct-but-plain ways of computing, are not compared.
_GROSS_ULPS = 1e3


def _within(got: np.ndarray, exact: np.ndarray, ulps: float):
    """(all within ``ulps``, ulp errors) of float64 values against 50-digit ones;
    NaN and ±inf count as infinitely far."""
    finite = np.isfinite(got)
    errors = np.full(got.shape, np.inf)
    if np.any(finite):
        errors[finite] = ulp_error(got[finite], np.asarray(exact)[finite])
    return bool(np.all(errors <= ulps)), errors


def _check_elementwise(spec: _Elementwise, fn: Callable, report: _Report) -> None:
    x = ELEMENTWISE_INPUTS
    exact = spec.reference(x)
    call = _call(fn, x.copy())
    if call.error is not None:
        report.fail(f"{spec.name} raised an exception", [_explain_error(call.error)])
        return
    got, problem = _float_array(call.value, "its result", x.shape)
    if problem:
        report.fail(problem)
        return
    report.ok(f"returns a float64 array of the input's shape, {x.shape}")
    argument = x.copy()
    _call(fn, argument)
    if np.array_equal(argument, x):
        report.ok("leaves its input unchanged")
    else:
        report.fail(
            "it changes its input array",
            ["An in-place operation (x *= -1, x[...] = ...) wrote into the "
             "caller's array. Compute into a new array: y = -x."],
        )
    # Warnings, input by input, so that the message names the inputs.
    learner = _point_signature(fn, exact)
    if call.warnings:
        warned = []
        if learner is not None:
            warned = [
                float(v) for v, sig in zip(x.ravel(), learner) if sig[0]
            ]
        where = ", ".join(f"x = {v:g}" for v in warned[:6]) or "some inputs"
        report.fail(
            f"numpy warned ({'; '.join(call.warnings)}) at {where}",
            ["A warning means an intermediate overflowed or became NaN: here "
             "exp(t) exceeds the largest float64, 1.8e308, once t > 709.78. "
             "Call exp only with exponents <= 0, e = np.exp(-np.abs(x)) "
             "(np.where(c, a, b) computes both a and b for every x)."],
        )
    else:
        report.ok("no numpy warning (exp(t) overflows for t > 709.78)")
    ok, errors = _within(got, exact, spec.ulps)
    if ok:
        report.ok(
            f"within {spec.ulps:g} ulp of {spec.name} to 50 digits at every "
            "input, both tails included"
        )
    else:
        wrong = np.flatnonzero(~(errors <= spec.ulps))
        details, said = [], set()
        for k in wrong[:4]:
            xv, want, have = x.flat[k], float(exact.flat[k]), float(got.flat[k])
            meaning = spec.explain(xv, want, have)
            digits = 15 if abs(have - want) < 1e-5 * abs(want) else 6
            details.append(
                f"x = {xv:g}: expected {_number(want, digits)}, got "
                f"{_number(have, digits)}"
                + (
                    f" ({errors.flat[k]:.1e} ulp off)."
                    if np.isfinite(errors.flat[k])
                    else "."
                )
                + ("" if meaning in said else " " + meaning)
            )
            said.add(meaning)
        if len(wrong) > 4:
            details.append(f"... and {len(wrong) - 4} more inputs.")
        report.fail(
            f"wrong at {len(wrong)} of {x.size} inputs "
            f"(more than {spec.ulps:g} ulp from {spec.name})",
            details,
        )
    if report.problems and learner is not None:
        # The first mistake that also warns where the learner's code warns;
        # failing that, the first whose values alone match.
        found = [
            (mistake, same_warnings)
            for mistake in spec.mistakes
            for same_warnings in [_matches(mistake.code, learner, exact, spec.ulps)]
            if same_warnings is not None
        ]
        found.sort(key=lambda pair: not pair[1])
        if found:
            report.mistake(found[0][0])


def _matches(code: Callable, learner, exact, ulps) -> bool | None:
    """Whether the known-wrong ``code`` fails where the learner's function
    fails, in the same way: None if not; else True if it also warns at the
    same inputs, False if only its values match.

    The values match if the same inputs are grossly wrong (NaN, inf, or
    more than :data:`_GROSS_ULPS` off) and the wrong values agree to 2
    digits.  A mistake whose values are all right (warnings only) matches a
    function whose values are right and that warns at the same inputs.
    """
    theirs = _point_signature(code, exact)
    if theirs is None or learner is None:
        return None
    same_warnings = [w for w, _, _ in learner] == [w for w, _, _ in theirs]
    if all(error <= ulps for _, error, _ in theirs):
        values_right = all(error <= ulps for _, error, _ in learner)
        return True if values_right and same_warnings else None
    for (_, e1, v1), (_, e2, v2) in zip(learner, theirs):
        gross = e1 > _GROSS_ULPS
        if gross != (e2 > _GROSS_ULPS):
            return None
        # Wrong values agree loosely: where digits cancel, the last bit of
        # an intermediate (which differs between implementations) decides
        # the leading digits of the wrong result.
        if gross and not _same(np.array(v1), np.array(v2), rtol=1e-2):
            return None
    return same_warnings


def _digits_lost(want: float, have: float) -> str:
    """What a finite wrong value off by a small relative error usually means."""
    relative = abs(have - want) / abs(want)
    if 1e-9 <= relative < 1e-6:
        return (
            "Off in the 7th to 9th digit: the size of float32's rounding "
            "(computed in float32?)."
        )
    return (
        "Off in the last digits: more than rounding alone, so the formula "
        "loses digits somewhere (a subtraction of nearly equal numbers?)."
    )


def _explain_sigmoid(x: float, want: float, have: float) -> str:
    if np.isnan(have):
        return (
            "NaN is inf/inf: e^x / (1 + e^x) with e^x = inf. Divide e^(-|x|) "
            "instead."
        )
    if have == 0.0 and want > 0.0:
        return (
            "sigma(x) is a tiny positive number here (below 2.2e-308 a "
            "subnormal float). 0 comes from an exp that overflowed to inf, "
            "from clipping x, or from float32 (nothing below 1.4e-45)."
        )
    if x < -1 and abs(have - want) > 1e-6 * want:
        return (
            "In the left tail sigma is small; writing it as 1 - (number close "
            "to 1) loses its digits (cancellation). Use e/(1 + e), e = e^x."
        )
    if abs(have - want) < 1e-6 * abs(want):
        return _digits_lost(want, have)
    return "Check the formula: sigma(x) = 1/(1 + e^(-x))."


def _explain_sigmoid_prime(x: float, want: float, have: float) -> str:
    if np.isnan(have):
        return (
            "NaN is inf/inf or 0*inf: e^(-x) overflowed. sigma' is even, so "
            "use e = e^(-|x|)."
        )
    if x > 1:
        return (
            "In the right tail s = sigma(x) rounds toward 1 and 1 - s keeps "
            "only its last bits (cancellation): s(1 - s) loses digits from x "
            "of about 5 and is 0 once s rounds to 1 (from x = 36.74 with "
            "1/(1 + e^(-x)), 37.43 with a correctly rounded sigma). Use "
            "sigma(x)sigma(-x) or "
            "e/(1 + e)^2 with e = e^(-|x|)."
        )
    if have == 0.0 and want > 0.0:
        return (
            "sigma'(x) is tiny but positive here. 0 comes from "
            "(1 + e^(-x))^2 overflowing to inf (from x < -354.9), from an exp "
            "that overflowed, from clipping x, or from float32."
        )
    if abs(have - want) < 1e-6 * abs(want):
        return _digits_lost(want, have)
    return (
        "Check the formula: sigma'(x) = sigma(x)(1 - sigma(x)) = "
        "e^(-x)/(1 + e^(-x))^2."
    )


_SIGMOID = _Elementwise(
    name="sigma(x)",
    reference=sigmoid_reference,
    # The plain e/(1 + e) of the solution reaches 2.31 ulp (measured on
    # 250 000 inputs); the package's compensated sigmoid stays within 2.
    ulps=4.0,
    mistakes=(
        _Mistake(
            "the one-liner 1/(1 + np.exp(-x)) for every x",
            "exp(-x) overflows for x < -709.78: numpy warns, and the result is "
            "0 even where sigma(x) is a small positive number (x = -740: "
            "4.2e-322). Compute with e = np.exp(-np.abs(x)) and two formulas.",
            lambda x: 1 / (1 + np.exp(-x)),
        ),
        _Mistake(
            "e^x/(1 + e^x) for every x",
            "np.exp(x) overflows for x > 709.78 and inf/inf is NaN. Use "
            "e/(1 + e) only where x < 0, and 1/(1 + e^(-x)) where x >= 0.",
            lambda x: np.exp(x) / (1 + np.exp(x)),
        ),
        _Mistake(
            "np.where with an exp in each branch",
            "np.where(x >= 0, 1/(1 + np.exp(-x)), np.exp(x)/(1 + np.exp(x))) "
            "has the right values, but numpy computes both branches for "
            "every x, so each exp overflows in one tail (with a warning). "
            "Compute e = np.exp(-np.abs(x)) once and use it in both branches.",
            lambda x: np.where(
                x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x))
            ),
        ),
        _Mistake(
            "sigma(x) = 1 - sigma(-x) in the left tail",
            "For x < 0, 1 - 1/(1 + e^x) subtracts two numbers close to 1 and "
            "keeps only the last bits of the difference (cancellation): at "
            "x = -30 the result is off in the 4th digit, and from x = -36.74 "
            "down it is 0. Compute e^x/(1 + e^x) there.",
            lambda x: np.where(x >= 0, 1 / (1 + np.exp(-x)), 1 - 1 / (1 + np.exp(x))),
        ),
        _Mistake(
            "(1 + tanh(x/2))/2",
            "The identity is exact, but in the left tail tanh(x/2) rounds to "
            "-1 and 1 + tanh(x/2) cancels: 0 from x of about -38, wrong "
            "digits long before. Use the exponential forms.",
            lambda x: (1 + np.tanh(x / 2)) / 2,
        ),
        _Mistake(
            "computing in float32",
            "float32 keeps about 7 significant digits (float64 about 16) and "
            "nothing below 1.4e-45: the middle is off in the 7th digit and the "
            "left tail is 0 from x of about -104. Keep float64 throughout.",
            lambda x: sigmoid_solution(x.astype(np.float32)).astype(np.float64),
        ),
        _Mistake(
            "clipping x before the exponential",
            "np.clip(x, -500, 500) avoids the overflow but changes the "
            "answer: sigma(-740) is e^-740 = 4.2e-322, not e^-500. "
            "Use e = np.exp(-np.abs(x)), which never overflows.",
            lambda x: 1 / (1 + np.exp(-np.clip(x, -500.0, 500.0))),
        ),
    ),
    explain=_explain_sigmoid,
)

_SIGMOID_PRIME = _Elementwise(
    name="sigma'(x)",
    reference=sigmoid_prime_reference,
    # The solution's e/(1 + e)^2 reaches 3.80 ulp and sigma(x)sigma(-x) from
    # the plain sigmoid 3.90 (measured on 250 000 inputs); the package's
    # compensated form stays within 2.5.
    ulps=6.0,
    mistakes=(
        # The same mistake with a stable s and with the one-liner for s,
        # which also overflows (and warns) in the left tail.
        *(
            _Mistake(
                "s(1 - s) with s = sigma(x) for every x",
                "Where sigma(x) is close to 1 (x >= 20 here), 1 - s is the "
                "difference of two nearly equal numbers and keeps only the "
                "last bits of s: off in the 8th digit at x = 20, and exactly 0 "
                "once s rounds to 1 (from x = 36.74 with the one-liner for s, "
                "37.43 with a correctly rounded one), where sigma'(40) = "
                "4.2e-18. sigma' is even: compute it from "
                "e = np.exp(-np.abs(x)) as e/(1 + e)**2, or as sigma(x)*sigma(-x).",
                lambda x, s=s: s(x) * (1 - s(x)),
            )
            for s in (sigmoid_solution, lambda x: 1 / (1 + np.exp(-x)))
        ),
        _Mistake(
            "e^(-x)/(1 + e^(-x))^2 for every x",
            "np.exp(-x) overflows for x < -709.78 (inf/inf = NaN), and "
            "(1 + e^(-x))^2 overflows already for x < -354.9 (the result is "
            "0 instead of about e^x). sigma' is even: use e = np.exp(-np.abs(x)).",
            lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2,
        ),
        _Mistake(
            "e^(-x)/(1 + e^(-x)) without the square",
            "That is sigma(x)(1 - sigma(x))/sigma(x) = 1 - sigma(x): the "
            "derivative of 1/(1 + e^(-x)) has the square (1 + e^(-x))^2 in "
            "its denominator (quotient or chain rule).",
            lambda x: np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))),
        ),
        _Mistake(
            "s(1 + s) instead of s(1 - s)",
            "A sign slipped: d/dx (1 + e^(-x))^(-1) = e^(-x)/(1 + e^(-x))^2, "
            "and e^(-x)/(1 + e^(-x)) = 1 - sigma(x), so sigma' = s(1 - s).",
            lambda x: sigmoid_solution(x) * (1 + sigmoid_solution(x)),
        ),
        _Mistake(
            "sigma(x)^2",
            "sigma' = sigma(x)(1 - sigma(x)), not sigma(x)^2: the second "
            "factor is 1 - sigma(x) = sigma(-x).",
            lambda x: sigmoid_solution(x) ** 2,
        ),
    ),
    explain=_explain_sigmoid_prime,
)


def _elementwise_heading() -> Callable[[str], str]:
    low, high = ELEMENTWISE_INPUTS.min(), ELEMENTWISE_INPUTS.max()
    return lambda label: (
        f"Checking {label}(x) on {ELEMENTWISE_INPUTS.size} float64 inputs, "
        f"x = {low:g} to {high:g}:"
    )


# ---- the neuron --------------------------------------------------------------------

#: CS231n's neuron (w, x) and three more, whose logits lie between -6 and 6
#: (where f(1 - f) is accurate, so the chain rule alone is checked).
NEURON_CASES = (
    (np.array([2.0, -3.0, -3.0]), np.array([-1.0, -2.0])),
    (np.array([0.5, 1.5, -0.25]), np.array([1.2, -0.4])),
    (np.array([-1.0, 2.0, 0.75]), np.array([2.5, 1.5])),
    (np.array([0.3, -0.7, 1.1]), np.array([-2.0, 3.0])),
)


def _neuron_expected(w: np.ndarray, x: np.ndarray):
    """(dw, dx) by the chain rule with the package's σ′ (tested against the
    complex step in tests/test_exercises.py)."""
    dz = float(sigmoid_prime(w[0] * x[0] + w[1] * x[1] + w[2]))
    return np.array([x[0], x[1], 1.0]) * dz, w[:2] * dz


def _neuron_variant(change: str) -> Callable:
    def backward(w, x):
        z = w[0] * x[0] + w[1] * x[1] + w[2]
        f = float(sigmoid(z))
        dz = {
            "no_sigma_prime": 1.0,
            "sigma_not_prime": f,
            "one_plus": f * (1 + f),
            "sign": -f * (1 - f),
        }.get(change, f * (1 - f))
        dw = np.array([x[0], x[1], 1.0]) * dz
        dx = w[:2] * dz
        if change == "dx_from_x":
            dx = x * dz
        if change == "bias_zero":
            dw[2] = 0.0
        if change == "bias_is_one":
            dw[2] = 1.0
        return dw, dx

    return backward


_NEURON_MISTAKES = (
    _Mistake(
        "the sigmoid's local gradient is missing",
        "df/dw[i] = sigma'(z) * dz/dw[i]: the gradient that arrives at z is "
        "f(1 - f) (the sigmoid gate's local gradient times df/df = 1), and "
        "every input of the dot product gets that times its own local "
        "gradient.",
        _neuron_variant("no_sigma_prime"),
    ),
    _Mistake(
        "sigma(z) used where sigma'(z) belongs",
        "The local gradient of the sigmoid gate is its derivative "
        "f(1 - f), not its output f.",
        _neuron_variant("sigma_not_prime"),
    ),
    _Mistake(
        "f(1 + f) instead of f(1 - f)",
        "sigma'(z) = f(1 - f): the derivative of (1 + e^(-z))^(-1) is "
        "e^(-z)/(1 + e^(-z))^2 = f(1 - f).",
        _neuron_variant("one_plus"),
    ),
    _Mistake(
        "a sign error",
        "Every gradient has the opposite sign: sigma' is positive, and "
        "dz/dw = [x0, x1, 1], dz/dx = [w0, w1] carry no minus sign.",
        _neuron_variant("sign"),
    ),
    _Mistake(
        "dx computed from x instead of w",
        "For z = w0 x0 + w1 x1 + w2, dz/dx0 = w0: the local gradient of a "
        "product is the other factor. So dx = w[:2] * df/dz and "
        "dw = [x0, x1, 1] * df/dz.",
        _neuron_variant("dx_from_x"),
    ),
    _Mistake(
        "the bias gradient left at 0",
        "The bias w[2] enters z with factor 1, so df/dw[2] = df/dz * 1.",
        _neuron_variant("bias_zero"),
    ),
    _Mistake(
        "the bias gradient set to 1",
        "dz/dw[2] = 1 is the local gradient; the chain rule multiplies it by "
        "df/dz = f(1 - f).",
        _neuron_variant("bias_is_one"),
    ),
)


def _check_neuron(fn: Callable, report: _Report) -> None:
    matched: set[str] | None = None
    for k, (w, x) in enumerate(NEURON_CASES, start=1):
        where = f"w = {w.tolist()}, x = {x.tolist()}"
        w_in, x_in = w.copy(), x.copy()
        call = _call(fn, w_in, x_in)
        if call.error is not None:
            report.fail(f"case {k} ({where}) raised", [_explain_error(call.error)])
            return
        value = call.value
        if not (isinstance(value, (tuple, list)) and len(value) == 2):
            report.fail(
                f"case {k} ({where}): the result is {_kind(value)}",
                ["Return the pair (dw, dx): return dw, dx."],
            )
            return
        shapes = [_any_shape(v) for v in value]
        if shapes == [(2,), (3,)]:
            report.fail(
                f"case {k} ({where}): the result is (dx, dw), shapes (2,) and (3,)",
                ["Return them in the order (dw, dx): dw has one entry per "
                 "weight, three with the bias."],
            )
            return
        dw, problem = _float_array(value[0], "dw", (3,))
        if not problem:
            dx, problem = _float_array(value[1], "dx", (2,))
        if problem:
            if "shape (2,)" in problem and "dw" in problem:
                problem += " dw needs the bias's gradient too: dz/dw[2] = 1."
            report.fail(f"case {k} ({where}): {problem}")
            return
        if not (np.array_equal(w_in, w) and np.array_equal(x_in, x)):
            report.fail(
                f"case {k}: the function changed w or x",
                ["Write results into new arrays, not into the arguments."],
            )
            return
        want_dw, want_dx = _neuron_expected(w, x)
        off = [
            (name, want, got)
            for name, want, got in (("dw", want_dw, dw), ("dx", want_dx, dx))
            if not _same(got, want, rtol=1e-8)
        ]
        if call.warnings:
            report.fail(f"case {k}: numpy warned: {'; '.join(call.warnings)}")
        if off:
            details = [
                f"{name}: expected {np.array2string(want, precision=6)}, got "
                f"{np.array2string(got, precision=6)}."
                for name, want, got in off
            ]
            report.fail(f"case {k} ({where}): " + " and ".join(n for n, _, _ in off)
                        + " wrong", details)
            names = {
                m.name
                for m in _NEURON_MISTAKES
                if all(
                    _same(a, b, rtol=1e-8)
                    for a, b in zip(_quiet(m.code, w, x), (dw, dx))
                )
            }
            matched = names if matched is None else matched & names
        elif not call.warnings:
            report.ok(f"case {k} ({where}): dw and dx right to 8 digits")
    _name_the_mistake(report, _NEURON_MISTAKES, matched)


# ---- the network -------------------------------------------------------------------


@dataclass(frozen=True)
class _Network:
    """One network the network exercise tries: layer sizes, batch, seed."""

    sizes: tuple[int, ...]
    batch: int
    seed: int

    def data(self):
        rng = np.random.default_rng(self.seed)
        params = [
            (
                rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_in, n_out)),
                rng.normal(0.0, 0.5, n_out),
            )
            for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])
        ]
        X = rng.normal(size=(self.batch, self.sizes[0]))
        y = (rng.uniform(size=(self.batch, 1)) < 0.5).astype(np.float64)
        return params, X, y

    def describe(self) -> str:
        examples = "example" if self.batch == 1 else "examples"
        hidden = "no hidden layer" if len(self.sizes) == 2 else (
            f"{len(self.sizes) - 2} hidden"
        )
        return (
            f"network {'-'.join(map(str, self.sizes))} ({hidden}), "
            f"batch of {self.batch} {examples}"
        )


#: The networks tried, in order: every layer width differs from its
#: neighbours' (a transposed or missing Wᵀ cannot pass by luck), one has no
#: hidden layer and one a batch of one.
NETWORKS = (
    _Network((2, 3, 1), 5, 1),
    _Network((3, 1), 4, 2),
    _Network((2, 4, 3, 1), 1, 3),
    _Network((4, 3, 2, 1), 6, 4),
)


def _network_variant(change: str) -> Callable:
    """The solution's backward pass with one classic mistake."""

    def backward(params, X, y):
        activations = [X]
        for W, b in params[:-1]:
            activations.append(sigmoid(activations[-1] @ W + b))
        W, b = params[-1]
        logits = activations[-1] @ W + b
        out = sigmoid(logits)
        error = out - y
        if change == "sign":
            error = y - out
        if change == "output_sigma_prime":
            error = error * out * (1 - out)
        delta = error if change == "sum" else error / X.shape[0]
        grads = [None] * len(params)
        for layer in range(len(params) - 1, -1, -1):
            A = activations[layer]
            grads[layer] = (A.T @ delta, delta.sum(axis=0))
            if layer > 0:
                W = params[layer][0]
                back = delta * 1.0 if change == "no_transpose" else delta @ W.T
                slope = {
                    "no_derivative": 1.0,
                    "derivative_of_a": sigmoid_prime(A),
                    "sigma_not_prime": A,
                }.get(change, A * (1 - A))
                delta = back * slope
        return grads

    return backward


_NETWORK_MISTAKES = (
    _Mistake(
        "the factor A(1 - A) is missing",
        "Moving the error down into hidden layer l takes two steps: through "
        "the weights, Delta W^T, and through the layer's sigmoids, "
        "elementwise times sigma'(z) = A(1 - A) of that layer. Without the "
        "second, every hidden layer's gradient is too large.",
        _network_variant("no_derivative"),
    ),
    _Mistake(
        "W^T is missing",
        "The error of the layer above, Delta of shape (batch, n_out), reaches "
        "layer l through its weights: Delta @ W.T, of shape (batch, n_in), "
        "then times A(1 - A). Multiplying elementwise instead only runs "
        "when n_out = 1 broadcasts, and gives wrong numbers.",
        _network_variant("no_transpose"),
    ),
    _Mistake(
        "the sum over the batch instead of the mean",
        "The loss is the mean over the batch, so the output error is "
        "(sigma(z) - y)/batch: every gradient here is batch times too large.",
        _network_variant("sum"),
    ),
    _Mistake(
        "a sign error",
        "Every gradient has the opposite sign: at the output dL/dz = "
        "sigma(z) - y, not y - sigma(z). Gradient descent subtracts the "
        "gradient; with this sign it would climb the loss.",
        _network_variant("sign"),
    ),
    _Mistake(
        "the output keeps sigma'(z)",
        "With cross-entropy the output's sigma'(z) cancels: dL/dz = "
        "sigma(z) - y. Multiplying by A(1 - A) at the output belongs to the "
        "squared error, not to this loss.",
        _network_variant("output_sigma_prime"),
    ),
    _Mistake(
        "sigma'(A) instead of A(1 - A)",
        "A is already sigma(z): sigma'(z) = A(1 - A). sigmoid_prime(A) "
        "applies the sigmoid a second time.",
        _network_variant("derivative_of_a"),
    ),
    _Mistake(
        "A where A(1 - A) belongs",
        "The sigmoid's local gradient is its derivative A(1 - A), not its "
        "output A.",
        _network_variant("sigma_not_prime"),
    ),
)


def _parameter_name(layer: int, part: int) -> str:
    name = "dW" if part == 0 else "db"
    return f"{name} of layer {layer + 1} (grads[{layer}][{part}])"


def _shape_meaning(part: int, got: tuple, want: tuple, params, layer: int) -> str:
    n_in, n_out = params[layer][0].shape
    if part == 0 and got == want[::-1]:
        return (
            "It is the transpose: dW = A^T @ Delta, with A the layer's input "
            "(batch, n_in) and Delta its error (batch, n_out)."
        )
    if part == 0 and got == (n_in, n_in):
        return (
            "An extra W^T: the error was moved down through this layer's "
            "weights before its own gradient was taken. Take dW and db from "
            "Delta first, then Delta @ W.T for the layer below."
        )
    if part == 1 and len(got) == 2:
        return "db is Delta summed over the batch: delta.sum(axis=0)."
    if part == 1 and got != (n_out,):
        return "db has one entry per unit of the layer: delta.sum(axis=0)."
    return ""


def _read_grads(value, params, report: _Report, where: str):
    """The learner's grads as float arrays, or None after reporting why not."""
    if (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], (float, int, np.floating))
        and isinstance(value[1], (list, tuple))
    ):
        report.fail(
            f"{where}: the result is (loss, grads), as loss_and_grads returns",
            ["This exercise asks for grads alone: return grads."],
        )
        return None
    if not isinstance(value, (list, tuple)) or len(value) != len(params):
        count = len(value) if isinstance(value, (list, tuple)) else None
        report.fail(
            f"{where}: the result is {_kind(value)}"
            + (f" of {count} entries" if count is not None else ""),
            [f"Return a list with one (dW, db) pair per layer, {len(params)} "
             "here, in the order of params (first layer first)."],
        )
        return None
    grads = []
    for layer, (pair, (W, b)) in enumerate(zip(value, params)):
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2):
            report.fail(
                f"{where}: grads[{layer}] is {_kind(pair)}",
                ["Each entry is a pair (dW, db), like params' (W, b)."],
            )
            return None
        arrays = []
        for part, (got, want) in enumerate(zip(pair, (W, b))):
            why = _shape_meaning(part, _any_shape(got), want.shape, params, layer)
            arr, problem = _float_array(
                got, _parameter_name(layer, part), want.shape, why
            )
            if problem:
                report.fail(f"{where}: {problem}")
                return None
            arrays.append(arr)
        grads.append(tuple(arrays))
    return grads


def _relative(got: np.ndarray, want: np.ndarray) -> float:
    scale = max(float(np.max(np.abs(want))), 1e-300)
    with np.errstate(all="ignore"):
        return float(np.max(np.abs(got - want))) / scale


def _check_network(fn: Callable, report: _Report) -> None:
    matched = _network_cases(fn, report)
    if matched is not None and not _name_the_mistake(
        report, _NETWORK_MISTAKES, matched
    ):
        report.note(
            "The output layer's gradients are the place to start: "
            "dW = A^T Delta with Delta = (sigma(z) - y)/batch, then move "
            "Delta down one layer at a time."
        )


def _network_cases(fn: Callable, report: _Report) -> set[str] | None:
    """Run fn on every network, reporting each; return the mistakes whose
    gradients equal the learner's on every network where the learner's were
    wrong (None if none was wrong), up to the first network where fn fails
    outright."""
    matched: set[str] | None = None
    for network in NETWORKS:
        params, X, y = network.data()
        where = network.describe()
        copies = ([(W.copy(), b.copy()) for W, b in params], X.copy(), y.copy())
        call = _call(fn, *copies)
        if call.error is not None:
            report.fail(f"{where}: your function raised", [_explain_error(call.error)])
            shapes = _network_error_mistake(call.error, params)
            if shapes is not None:
                report.mistake(shapes)
                return None
            return matched
        grads = _read_grads(call.value, params, report, where)
        if grads is None:
            return matched
        changed = not (
            all(
                np.array_equal(W, W0) and np.array_equal(b, b0)
                for (W, b), (W0, b0) in zip(copies[0], params)
            )
            and np.array_equal(copies[1], X)
            and np.array_equal(copies[2], y)
        )
        if changed:
            report.fail(
                f"{where}: your function changed params, X or y",
                ["In-place updates (W -= ..., delta *= ... on a view of the "
                 "input) wrote into the caller's arrays. Compute new arrays."],
            )
            return matched
        if call.warnings:
            report.fail(f"{where}: numpy warned: {'; '.join(call.warnings)}")
        _, want = loss_and_grads(params, X, y)
        off = [
            (layer, part)
            for layer in range(len(params))
            for part in (0, 1)
            if not _relative(grads[layer][part], want[layer][part]) <= 1e-7
        ]
        if not off:
            if not call.warnings:
                report.ok(f"{where}: every dW and db right to 7 digits")
            continue
        details = []
        for layer, part in off[:3]:
            got, exact = grads[layer][part], want[layer][part]
            with np.errstate(all="ignore"):
                k = int(np.nanargmax(np.abs(got - exact))) if np.any(
                    np.isfinite(got)
                ) else 0
            index = np.unravel_index(k, exact.shape)
            details.append(
                f"{_parameter_name(layer, part)} is off: at entry "
                f"{tuple(int(i) for i in index)} expected {exact[index]:+.6e}, "
                f"got {got[index]:+.6e}."
            )
        right = [
            f"layer {layer + 1}"
            for layer in range(len(params))
            if (layer, 0) not in off and (layer, 1) not in off
        ]
        if right:
            details.append(f"Right: {', '.join(right)}.")
        report.fail(f"{where}: {len(off)} of {2 * len(params)} arrays wrong", details)
        names = {
            m.name
            for m in _NETWORK_MISTAKES
            if _grads_match(m.code, (params, X, y), grads)
        }
        matched = names if matched is None else matched & names
    return matched


def _network_error_mistake(exc: Exception, params) -> _Mistake | None:
    """The known mistake that a shape error inside the learner's backward pass
    points to, from the shapes numpy names in its message."""
    text = str(exc)
    widths = [W.shape for W, _ in params]
    if "could not be broadcast" in text:
        shapes = [
            tuple(int(n) for n in found.split(",") if n.strip())
            for found in re.findall(r"\(([\d,]+)\)", text)
        ]
        pairs = {(a[-1], b[-1]) for a in shapes for b in shapes if a and b}
        if any((n_out, n_in) in pairs for n_in, n_out in widths):
            return _NETWORK_MISTAKES[1]  # W^T is missing
    if "mismatch in its core dimension" in text or "not aligned" in text:
        return _Mistake(
            "a transpose is missing",
            "A matrix product had the wrong orientation: the error moves down "
            "as Delta @ W.T, shape (batch, n_out) times (n_out, n_in), and "
            "dW = A.T @ Delta, shape (n_in, batch) times (batch, n_out).",
            _network_variant("none"),
        )
    return None


def _grads_match(code: Callable, args: tuple, grads) -> bool:
    try:
        theirs = _quiet(code, *args)
        return all(
            _same(a, b, rtol=1e-7)
            for pair_a, pair_b in zip(theirs, grads)
            for a, b in zip(pair_a, pair_b)
        )
    except Exception:  # a variant that cannot run on these shapes
        return False


# ---- the gain of a layer -----------------------------------------------------------


@dataclass(frozen=True)
class _GainCase:
    """W (n, m) of the layer above and z (batch, n), from a seed: weights with
    a non-zero mean (so an rms differs from a standard deviation) and
    pre-activations spread over the sigmoid's flat tails."""

    n: int
    m: int
    batch: int
    seed: int
    spread: float

    def data(self):
        rng = np.random.default_rng(self.seed)
        W = rng.normal(0.3, 1.0 / np.sqrt(self.n), (self.n, self.m))
        z = rng.normal(0.5, self.spread, (self.batch, self.n))
        return W, z


GAIN_CASES = (
    _GainCase(4, 3, 10, 1, 3.0),
    _GainCase(5, 5, 8, 2, 1.0),
    _GainCase(3, 6, 1, 3, 4.0),
    _GainCase(30, 30, 50, 4, 2.0),
)


def _gain_expected(W: np.ndarray, z: np.ndarray) -> float:
    """The gain as :func:`sigmoid_course.gradient_flow.layer_gains` measures it,
    for a layer whose pre-activations are z: an identity first layer makes
    them exactly z."""
    n, m = W.shape
    params = [
        (np.eye(n), np.zeros(n)),
        (W, np.zeros(m)),
        (np.ones((m, 1)), np.zeros(1)),
    ]
    return float(layer_gains(params, z)[0])


def _gain_variant(change: str) -> Callable:
    def gain(W, z):
        s = sigmoid(z)
        slopes = {
            "sigma_not_prime": s,
            "quarter": np.full_like(s, 0.25),
        }.get(change, s * (1 - s))
        n = W.shape[1] if change == "fan_out" else W.shape[0]
        weights = np.sqrt(n * np.mean(W**2))
        if change == "std":
            weights = np.sqrt(n) * np.std(W)
        if change == "sum":
            weights = np.sqrt(n * np.sum(W**2))
        slope = (
            np.mean(slopes) if change == "mean_slope" else np.sqrt(np.mean(slopes**2))
        )
        value = weights * slope
        return value**2 if change == "no_sqrt" else value

    return gain


_GAIN_MISTAKES = (
    _Mistake(
        "the mean of sigma'(z) instead of its root mean square",
        "The gain multiplies norms, which add squares: rms(sigma'(z)) = "
        "sqrt(mean(sigma'(z)^2)). Where some units are saturated the mean is "
        "smaller than the rms.",
        _gain_variant("mean_slope"),
    ),
    _Mistake(
        "the square roots are missing",
        "n * mean(W^2) * mean(sigma'^2) is the gain of the squared norm; "
        "the norm's gain is its square root.",
        _gain_variant("no_sqrt"),
    ),
    _Mistake(
        "sigma(z) where sigma'(z) belongs",
        "The error is multiplied by the slope sigma'(z) = s(1 - s), which is "
        "largest where sigma = 1/2, not where sigma is largest.",
        _gain_variant("sigma_not_prime"),
    ),
    _Mistake(
        "n taken from the wrong side of W",
        "W has shape (n, m): n units in this layer, m in the layer above. "
        "Delta @ W.T has n entries per example, one per unit of this layer, "
        "each of mean square mean(W^2) |Delta|^2, so its norm grows with "
        "sqrt(n): n = W.shape[0].",
        _gain_variant("fan_out"),
    ),
    _Mistake(
        "the standard deviation of W instead of its root mean square",
        "The size of W's entries is sqrt(mean(W^2)); the standard deviation "
        "leaves out their mean, which is not 0 here.",
        _gain_variant("std"),
    ),
    _Mistake(
        "the bound 1/4 instead of the measured sigma'(z)",
        "sigma' <= 1/4 gives an upper bound on the gain; the gain itself "
        "uses the slopes at this layer's pre-activations z.",
        _gain_variant("quarter"),
    ),
    _Mistake(
        "the sum of W^2 instead of its mean",
        "n * mean(W^2) = sum(W^2)/m: with the sum, the gain grows with the "
        "width m of the layer above.",
        _gain_variant("sum"),
    ),
)


def _check_gain(fn: Callable, report: _Report) -> None:
    matched: set[str] | None = None
    for case in GAIN_CASES:
        W, z = case.data()
        where = f"W of shape {W.shape}, z of shape {z.shape}"
        W_in, z_in = W.copy(), z.copy()
        call = _call(fn, W_in, z_in)
        if call.error is not None:
            report.fail(f"{where}: your function raised", [_explain_error(call.error)])
            return
        got, problem = _float_array(call.value, "the gain", ())
        if problem:
            report.fail(
                f"{where}: {problem}",
                ["The gain is one number for the whole layer: average over "
                 "every unit and example (np.mean over the whole array)."],
            )
            return
        if not (np.array_equal(W_in, W) and np.array_equal(z_in, z)):
            report.fail(f"{where}: your function changed W or z")
            return
        if call.warnings:
            report.fail(f"{where}: numpy warned: {'; '.join(call.warnings)}")
        want = _gain_expected(W, z)
        have = float(got)
        if _same(np.array(have), np.array(want), rtol=1e-9):
            if not call.warnings:
                report.ok(f"{where}: gain {want:.6f}, right to 9 digits")
            continue
        got_text = f"{have:.6f}" if np.isfinite(have) else repr(have)
        report.fail(f"{where}: expected {want:.6f}, got {got_text}")
        names = {
            m.name
            for m in _GAIN_MISTAKES
            if _same(np.array(_quiet(m.code, W, z)), np.array(have), rtol=1e-9)
        }
        matched = names if matched is None else matched & names
    _name_the_mistake(report, _GAIN_MISTAKES, matched)


# ---- the registry ------------------------------------------------------------------


def _args_heading(signature: str, what: str) -> Callable[[str], str]:
    return lambda label: f"Checking {label}{signature} on {what}:"


EXERCISES: dict[str, Exercise] = {
    "sigmoid": Exercise(
        "sigmoid",
        "Write fn(x) that returns sigma(x) = 1/(1 + e^(-x)) elementwise for a "
        "float64 array x of any shape: no overflow or warning anywhere "
        "(x = -800 included), within a few ulp of the exact value in both "
        "tails, and the result has the shape of x.",
        sigmoid_solution,
        (
            "Try the one-liner 1/(1 + np.exp(-x)) at x = -800: np.exp(800) is "
            "larger than the largest float64, 1.8e308.",
            "e^t never overflows when t <= 0. Compute e = np.exp(-np.abs(x)) "
            "once; it lies in (0, 1].",
            "For x >= 0, sigma(x) = 1/(1 + e). For x < 0, multiply 1/(1 + e^(-x)) "
            "by e^x/e^x: sigma(x) = e^x/(e^x + 1) = e/(1 + e). Combine the two "
            "with np.where(x >= 0, ..., ...).",
        ),
        lambda fn, report: _check_elementwise(_SIGMOID, fn, report),
        _elementwise_heading(),
    ),
    "sigmoid_prime": Exercise(
        "sigmoid_prime",
        "Write fn(x) that returns sigma'(x) = sigma(x)(1 - sigma(x)) "
        "elementwise for a float64 array x: within a few ulp of the exact "
        "value in both tails (x = 40, where sigma(x) rounds to 1, and "
        "x = -800 included), with no warning.",
        sigmoid_prime_solution,
        (
            "Try s*(1 - s) with s = sigmoid(x) at x = 40: s is 1.0 in float64, "
            "so the result is 0, but sigma'(40) = 4.2e-18.",
            "sigma' is even: sigma'(-x) = sigma'(x). So only the left tail "
            "needs care, with e = np.exp(-np.abs(x)), which never overflows.",
            "For x >= 0, e^(-x)/(1 + e^(-x))^2 never overflows; by evenness "
            "the same formula with e = np.exp(-np.abs(x)) serves every x: "
            "e/(1 + e)**2.",
        ),
        lambda fn, report: _check_elementwise(_SIGMOID_PRIME, fn, report),
        _elementwise_heading(),
    ),
    "neuron_backward": Exercise(
        "neuron_backward",
        "Write fn(w, x) that returns (dw, dx), the gradients of "
        "f = sigma(w[0]x[0] + w[1]x[1] + w[2]) with respect to w (shape (3,)) "
        "and x (shape (2,)): CS231n's neuron, by a forward and a backward pass.",
        neuron_backward_solution,
        (
            "Forward: z = w[0]*x[0] + w[1]*x[1] + w[2], then f = sigma(z). "
            "Keep f: the backward pass needs it.",
            "Backward: df/dz = f*(1 - f). Then each input of z gets df/dz "
            "times its local gradient: dz/dw = [x[0], x[1], 1], "
            "dz/dx = [w[0], w[1]].",
            "dw = np.array([x[0], x[1], 1.0]) * dz and dx = w[:2] * dz, with "
            "dz = f*(1 - f); return dw, dx.",
        ),
        _check_neuron,
        _args_heading(
            "(w, x)", f"{len(NEURON_CASES)} neurons, CS231n's first"
        ),
    ),
    "network_backward": Exercise(
        "network_backward",
        "Write fn(params, X, y) that returns grads, the gradient of the mean "
        "binary cross-entropy of a network of sigmoid layers with one sigmoid "
        "output: params = [(W1, b1), ...] with W of shape (n_in, n_out), X of "
        "shape (batch, n_in), y of shape (batch, 1) holding 0 and 1, and "
        "grads = [(dW1, db1), ...] shaped like params (as loss_and_grads "
        "returns them).",
        network_backward_solution,
        (
            "Forward: keep every layer's input, A0 = X, A1 = sigma(A0 W1 + b1), "
            "..., and the output sigma(z) of the last layer.",
            "At the output, with cross-entropy, dL/dz = (sigma(z) - y)/batch "
            "(the mean over the batch); call it Delta. For every layer, from "
            "the top: dW = A^T @ Delta and db = Delta.sum(axis=0).",
            "To go down one layer: Delta = (Delta @ W.T) * A * (1 - A), with W "
            "the weights of the layer you just did and A its input. Write down "
            "every shape: Delta is (batch, n_out), W is (n_in, n_out).",
        ),
        _check_network,
        _args_heading(
            "(params, X, y)",
            f"{len(NETWORKS)} networks, one with no hidden layer and one with a "
            "batch of one",
        ),
    ),
    "layer_gain": Exercise(
        "layer_gain",
        "Write fn(W, z) that returns the gain sqrt(n * mean(W^2)) * "
        "rms(sigma'(z)) of a sigmoid layer of n units: z of shape (batch, n) "
        "holds its pre-activations, W of shape (n, m) the weights of the layer "
        "above, and rms(v) = sqrt(mean(v^2)) over all entries.",
        layer_gain_solution,
        (
            "Two factors: one for the weights, sqrt(n * mean(W**2)), one for "
            "the slopes, sqrt(mean(sigma'(z)**2)). n = W.shape[0].",
            "sigma'(z) = s*(1 - s) with s = sigma(z): the slope, not the "
            "output. np.mean averages over every entry of an array.",
            "return np.sqrt(n * np.mean(W**2)) * np.sqrt(np.mean(slopes**2)) "
            "with slopes = s*(1 - s).",
        ),
        _check_gain,
        _args_heading("(W, z)", f"{len(GAIN_CASES)} layers, one a batch of one"),
    ),
}
