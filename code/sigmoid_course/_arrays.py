"""Input checking shared by every numerical helper in the package.

The helpers accept what a reader naturally types (a float, a list, an array)
and promise numpy results in a predictable dtype.  Doing the conversion in one
place keeps the error messages and dtype rules identical everywhere.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

# Low-precision inputs are computed in a wider type and rounded once at the
# end: that is both simpler and more accurate than working in float16/32.
_WORKING_DTYPE = {
    np.dtype(np.float16): np.dtype(np.float64),
    np.dtype(np.float32): np.dtype(np.float64),
    np.dtype(np.complex64): np.dtype(np.complex128),
}


def as_numeric_array(x: ArrayLike, name: str = "x", *, allow_complex: bool = True):
    """Return ``(array, result_dtype)`` for a numeric input, or raise ``TypeError``.

    Integers and booleans become float64; float16/32/64 (and complex, when
    allowed) keep their dtype as ``result_dtype`` but the returned array is in
    the wider working dtype.

    >>> a, dt = as_numeric_array([1, 2])
    >>> a.dtype, dt
    (dtype('float64'), dtype('float64'))
    """
    if x is None or isinstance(x, (str, bytes)):
        raise TypeError(
            f"{name} must be a number, a list of numbers or a numeric numpy array, "
            f"got {type(x).__name__}"
        )
    try:
        arr = np.asarray(x)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(
            f"{name} must be a rectangular array of numbers: {exc}"
        ) from None
    kind = arr.dtype.kind
    if kind in "biu":
        arr = arr.astype(np.float64)
    elif kind == "c" and not allow_complex:
        raise TypeError(f"{name} must be real, got complex dtype {arr.dtype}")
    elif kind not in "fc":
        raise TypeError(
            f"{name} must be a number, a list of numbers or a numeric numpy array, "
            f"got values of dtype {arr.dtype} ({type(x).__name__})"
        )
    result_dtype = arr.dtype
    arr = arr.astype(_WORKING_DTYPE.get(result_dtype, result_dtype), copy=False)
    return arr, result_dtype


def as_result(values: np.ndarray, result_dtype: np.dtype):
    """Round ``values`` to ``result_dtype``; a 0-d result becomes a numpy scalar."""
    out = np.asarray(values).astype(result_dtype, copy=False)
    return out[()] if out.ndim == 0 else out


def _kind_of(value) -> str:
    """How an argument that broke a rule is named in a message: its type, and dtype if
    it has one."""
    dtype = getattr(value, "dtype", None)
    name = type(value).__name__
    return f"{name} of dtype {dtype}" if dtype is not None else name


def is_integer(n) -> bool:
    """Return True for a Python or numpy integer that is not a bool (True is no count or
    width)."""
    return isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_))


def check_count(value, name: str, minimum: int) -> int:
    """Return ``value`` as an int: ``TypeError`` unless it is an integer, ``ValueError``
    below ``minimum``.

    >>> check_count(2.5, "n", 1)
    Traceback (most recent call last):
    ...
    TypeError: n must be an integer of at least 1, got float 2.5
    """
    if not is_integer(value):
        raise TypeError(
            f"{name} must be an integer of at least {minimum}, "
            f"got {type(value).__name__} {value!r}"
        )
    if value < minimum:
        raise ValueError(
            f"{name} must be at least {minimum}, got {value}"
        )
    return int(value)


def check_text(value, name: str) -> str:
    """Return ``value`` if it is a string with some text: ``TypeError`` for another
    kind, ``ValueError`` for an empty or blank string.

    >>> check_text(" ", "prompt")
    Traceback (most recent call last):
    ...
    ValueError: prompt must hold some text, got ' '
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {_kind_of(value)}")
    if not value.strip():
        raise ValueError(f"{name} must hold some text, got {value!r}")
    return value


def check_real(name: str, value, what: str = "a real number") -> float:
    """Return ``value`` as a float, or raise ``TypeError`` if it is not a real scalar
    (bools excluded).

    The kind of object only; :func:`check_scalar` also checks the value.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"{name} must be {what}, got {_kind_of(value)}")
    return float(value)


_SCALAR_RULES = {
    # rule: (test on a float, what the message says was expected)
    "finite": (lambda v: np.isfinite(v), "a finite real number"),
    "positive": (lambda v: np.isfinite(v) and v > 0, "a positive finite number"),
    "non-negative": (
        lambda v: np.isfinite(v) and v >= 0,
        "a non-negative finite number",
    ),
}


def check_scalar(value, name: str, rule: str = "finite") -> float:
    """Return ``value`` as a float that obeys ``rule``: "finite", "positive" or
    "non-negative".

    ``TypeError`` unless ``value`` is a real scalar (a bool is not),
    ``ValueError`` if it breaks the rule; NaN and ±inf break every rule.

    >>> check_scalar(0.5, "learning_rate", "positive")
    0.5
    >>> check_scalar(float("nan"), "learning_rate", "positive")
    Traceback (most recent call last):
    ...
    ValueError: learning_rate must be a positive finite number, got nan
    """
    test, what = _SCALAR_RULES[rule]
    number = check_real(name, value, what)
    if not test(number):
        raise ValueError(f"{name} must be {what}, got {value!r}")
    return number


def check_real_array(
    x, name: str, *, ndim: int | None = None, finite: bool = True
) -> np.ndarray:
    """Return ``x`` as a float64 array of real numbers, checked once.

    ``TypeError`` unless ``x`` is real and numeric (bools and integers are
    converted; strings, objects and complex numbers are not);
    ``ValueError`` for a ragged list, a number of dimensions other than
    ``ndim`` (when given) and, with ``finite``, any NaN or ±inf.  The input is
    never modified: a float64 array comes back as it is, not copied.

    >>> check_real_array([[1, 2]], "X", ndim=2)
    array([[1., 2.]])
    >>> check_real_array([1.0, float("nan")], "w")
    Traceback (most recent call last):
    ...
    ValueError: w must hold finite numbers, got nan at index (1,)
    """
    arr, _ = as_numeric_array(x, name, allow_complex=False)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(
            f"{name} must be a {ndim}-dimensional array, got shape {arr.shape}"
        )
    arr = arr.astype(np.float64, copy=False)
    # np.isfinite(arr).all() is the one pass every call makes; the position of
    # the first bad entry is looked for only when there is one.
    if finite and not np.isfinite(arr).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise ValueError(
            f"{name} must hold finite numbers, got {arr[where]} at index {where}"
        )
    return arr


def check_same_shape(
    a: np.ndarray, b: np.ndarray, names: str, *, scalars: bool = False
) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have one shape (``names`` is "a and
    b").

    With ``scalars``, a 0-d ``a`` or ``b`` is allowed to stand for every
    element of the other; any other pair of shapes is an error, not a
    broadcast.
    """
    if a.shape == b.shape or (scalars and (a.ndim == 0 or b.ndim == 0)):
        return
    raise ValueError(f"{names} must have the same shape, got {a.shape} and {b.shape}")


def check_rng(rng, name: str = "rng") -> None:
    """Raise ``TypeError`` unless ``rng`` is a ``numpy.random.Generator``, so that runs
    repeat by seed."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator (np.random.default_rng(seed)), "
            f"got {type(rng).__name__}"
        )


def check_callable(f, name: str = "f") -> None:
    """Raise ``TypeError`` unless ``f`` can be called."""
    if not callable(f):
        raise TypeError(f"{name} must be a callable function, got {type(f).__name__}")


def check_choice(value, name: str, options) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``options`` (a name from a
    table)."""
    try:
        ok = value in options
    except TypeError:  # an unhashable value is in no table of names
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {value!r}")


def check_labels(y, name: str = "y") -> np.ndarray:
    """Return ``y`` as a float64 array of labels: ``ValueError`` naming its first entry
    that is neither 0 nor 1.

    NaN is neither; ``TypeError`` for non-numeric ``y``.

    >>> check_labels([0, 1, 2])
    Traceback (most recent call last):
    ...
    ValueError: y must contain only 0 and 1, got 2.0
    """
    y = check_real_array(y, name, finite=False)
    bad = (y != 0) & (y != 1)
    if np.any(bad):
        raise ValueError(
            f"{name} must contain only 0 and 1, got {y[bad].flat[0]}"
        )
    return y


def check_rngs(rngs, count: int, name: str = "rng") -> list:
    """Return ``rngs`` as a list of ``count`` ``numpy.random.Generator`` objects.

    A stack of networks shuffles with one generator per network: ``TypeError``
    unless ``rngs`` is a list or tuple of generators, ``ValueError`` unless it
    holds exactly ``count`` of them (one generator twice would couple two
    networks' shuffles, so that is a ``ValueError`` too).

    >>> rngs = check_rngs([np.random.default_rng(seed + 1) for seed in range(3)], 3)
    >>> len(rngs)
    3
    """
    what = (
        f"a list of {count} numpy.random.Generator objects, one per network of the "
        "stack"
    )
    if not isinstance(rngs, (list, tuple)):
        raise TypeError(f"{name} must be {what}, got {_kind_of(rngs)}")
    for k, rng in enumerate(rngs):
        check_rng(rng, f"{name}[{k}]")
    if len(rngs) != count:
        raise ValueError(f"{name} must be {what}, got {len(rngs)}")
    if len({id(rng) for rng in rngs}) != count:
        raise ValueError(
            f"{name} must hold {count} distinct generators, one "
            "np.random.default_rng(seed) per network, got one generator twice"
        )
    return list(rngs)


def check_seeds(seeds, name: str = "seeds", *, distinct: bool = False) -> list:
    """Return ``seeds`` as a non-empty list of non-negative Python ints.

    ``TypeError`` unless ``seeds`` is a sequence or range of integers (a
    single int, a string or a float is not), ``ValueError`` for an empty
    one, a negative seed or, with ``distinct``, a seed given twice.

    >>> check_seeds(range(3))
    [0, 1, 2]
    >>> check_seeds([1, 1], distinct=True)
    Traceback (most recent call last):
    ...
    ValueError: seeds must not repeat a seed, got 1 twice
    """
    if isinstance(seeds, np.ndarray):
        if seeds.ndim != 1:
            raise ValueError(
                f"{name} must be a 1-dimensional array of seeds, got shape "
                f"{seeds.shape}"
            )
        seeds = seeds.tolist()
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, (list, tuple, range)):
        raise TypeError(
            f"{name} must be a list or range of integer seeds, got {_kind_of(seeds)}"
        )
    if len(seeds) == 0:
        raise ValueError(f"{name} must hold at least one seed, got none")
    checked = [check_count(seed, f"{name}[{k}]", 0) for k, seed in enumerate(seeds)]
    if distinct and len(set(checked)) != len(checked):
        seen = set()
        twice = next(s for s in checked if s in seen or seen.add(s))
        raise ValueError(f"{name} must not repeat a seed, got {twice} twice")
    return checked


def check_params(params, name: str = "params") -> list:
    """Return ``params`` as a list of ``(W, b)`` pairs of float64 arrays, checked once.

    One network has ``W`` of shape ``(n_in, n_out)`` and ``b`` of shape
    ``(n_out,)``; a **stack** of S networks (one per seed, trained together)
    has ``W`` of shape ``(S, n_in, n_out)`` and ``b`` of shape ``(S, n_out)``
    in every layer.  ``TypeError`` unless ``params`` is a non-empty list or
    tuple of pairs of real numeric numpy arrays; ``ValueError`` unless every
    ``W`` has one of those shapes and its ``b`` the matching one, all layers
    hold the same number of networks, each layer takes as many inputs as the
    one before gives outputs, and every entry is finite.  Float64 arrays are
    returned as they are (no copy).

    >>> check_params([(np.ones((2, 1)), np.array([np.nan]))])
    Traceback (most recent call last):
    ...
    ValueError: params layer 1: b must hold finite numbers, got nan at index (0,)
    >>> check_params([(np.ones((3, 2, 1)), np.zeros(1))])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: params layer 1: W of shape ... needs b of shape (3, 1), got (1,)
    """
    if not isinstance(params, (list, tuple)):
        raise TypeError(
            f"{name} must be a list of (W, b) pairs, got {type(params).__name__}"
        )
    if not params:
        raise ValueError(
            f"{name} must hold at least one (W, b) layer, got an empty "
            f"{type(params).__name__}"
        )
    checked = []
    for k, layer in enumerate(params, start=1):
        if not (isinstance(layer, (list, tuple)) and len(layer) == 2):
            raise TypeError(
                f"{name} layer {k} must be a (W, b) pair, got {_kind_of(layer)}"
            )
        for part, arr in zip("Wb", layer):
            if not isinstance(arr, np.ndarray):
                raise TypeError(
                    f"{name} layer {k}: {part} must be a numpy array, got "
                    f"{_kind_of(arr)}"
                )
        W = check_real_array(layer[0], f"{name} layer {k}: W")
        if W.ndim not in (2, 3):
            raise ValueError(
                f"{name} layer {k}: W must be a 2-dimensional array (n_in, n_out), or "
                f"3-dimensional (networks, n_in, n_out) for a stack, got shape "
                f"{W.shape}"
            )
        if W.ndim == 3 and W.shape[0] == 0:
            raise ValueError(
                f"{name} layer {k}: a stack must hold at least one network, got W of "
                f"shape {W.shape}"
            )
        b = check_real_array(layer[1], f"{name} layer {k}: b")
        if b.shape != W.shape[:-2] + W.shape[-1:]:
            axes = "(n_in, n_out)" if W.ndim == 2 else "(networks, n_in, n_out)"
            raise ValueError(
                f"{name} layer {k}: W of shape {axes} = {W.shape} needs b of "
                f"shape {W.shape[:-2] + W.shape[-1:]}, got {b.shape}"
            )
        if checked:
            before = checked[-1][0]
            if W.shape[:-2] != before.shape[:-2]:
                raise ValueError(
                    f"{name} layer {k}: W of shape {W.shape} must be "
                    + _networks(before)
                    + f" like layer {k - 1}, whose W has shape {before.shape}"
                )
            if W.shape[-2] != before.shape[-1]:
                raise ValueError(
                    f"{name} layer {k}: W must have {before.shape[-1]} rows, the "
                    f"outputs of layer {k - 1}, got shape {W.shape}"
                )
        checked.append((W, b))
    return checked


_FLOAT_FORMATS = ("float16", "bfloat16", "float32", "float64")


def check_float_format(x, name: str, formats=_FLOAT_FORMATS) -> np.ndarray:
    """Return ``x`` as a NumPy array of one of the floating-point ``formats``.

    The framework models compute in the format of their input, so the format
    is not guessed: ``TypeError`` unless ``x`` is a NumPy array or scalar
    whose dtype is one of ``formats`` (bfloat16 is ``ml_dtypes.bfloat16``),
    or a Python float, which is a float64.

    >>> check_float_format(np.float32(1.5), "z")
    array(1.5, dtype=float32)
    >>> check_float_format([1.0], "z")
    Traceback (most recent call last):
    ...
    TypeError: z must be a NumPy array or scalar of float16, bfloat16, float32 \
or float64, got list
    """
    if isinstance(x, float) and "float64" in formats:
        x = np.float64(x)
    dtype = getattr(x, "dtype", None)
    if not isinstance(x, (np.ndarray, np.generic)) or dtype is None \
            or dtype.name not in formats:
        wanted = ", ".join(formats[:-1]) + " or " + formats[-1]
        raise TypeError(
            f"{name} must be a NumPy array or scalar of {wanted}, got {_kind_of(x)}"
        )
    return np.asarray(x)


def _networks(W: np.ndarray) -> str:
    """'one network' or 'a stack of S networks', as the shape of W says."""
    return "one network" if W.ndim == 2 else f"a stack of {W.shape[0]} networks"
