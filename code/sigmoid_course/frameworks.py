"""How PyTorch and JAX compute σ and its gradient on a CPU, modelled bit for bit.

Each model repeats the framework's own operations in the framework's own
order and rounds where the framework rounds, so that a reader needs neither
framework to see what it returns.  ``tests/test_frameworks.py`` compares every
model with ``torch`` and ``jax`` themselves, forward and gradient, on every
float16 and bfloat16 input and on more than 10⁶ float32 and float64 inputs.

Versions read and checked: torch 2.13.0 (CPU build) and jax/jaxlib 0.10.2
(CPU).  Where each rule lives in the frameworks' sources:

- PyTorch's forward σ: ``sigmoid_kernel`` in
  ``aten/src/ATen/native/cpu/UnaryOpsKernel.cpp``: ``1/(1 + exp(-x))``, for
  float16 and bfloat16 computed in float32 and rounded once.  Its ``exp`` is
  ``Vectorized<float>::exp()`` / ``Vectorized<double>::exp()``, that is
  Sleef's ``expf_u10`` and ``exp_u10`` (``sleef/src/libm/sleefsimdsp.c``,
  ``sleefsimddp.c``), with fused multiply-adds, in the AVX2 and AVX-512
  builds of the kernel that PyTorch picks on such CPUs.  Forced to its
  plain build (``ATEN_CPU_CAPABILITY=default``) PyTorch calls the C
  library's exp instead: about 1.5 % of float32 results then differ in the
  last bit, while the thresholds where σ′ becomes 0 stay the same
  (tests/test_frameworks.py).
- PyTorch's backward: ``tools/autograd/derivatives.yaml`` (``self:
  sigmoid_backward(grad, result)``) and ``sigmoid_backward_kernel`` in
  ``aten/src/ATen/native/cpu/BinaryOpsKernel.cpp``: ``a * (1 - b) * b`` in
  the working format, for bfloat16 in float32 and rounded once.
- JAX: ``jax.nn.sigmoid`` is ``lax.logistic``; ``logistic_impl`` in
  ``jax/_src/lax/lax.py`` is ``1/(1 + exp(-x))`` in the working format, and
  the derivative rule of ``logistic_p`` is ``g * (ans * (1 - ans))``, or
  ``g * (ans * logistic(-x))`` with ``accuracy=AccuracyMode.HIGHEST``.
- XLA's CPU ``exp``: the Cephes-style polynomial of ``GenerateVF32Exp``
  (``xla/service/cpu/llvm_ir_runtime.cc``) for float32 and the rational
  approximation of ``CreateExpF64`` (``xla/codegen/math/exp.cc``) for
  float64, with multiply-adds fused; float16 and bfloat16 go through float32,
  and results below the smallest normal number are flushed to zero.
"""

from __future__ import annotations

import functools

import ml_dtypes
import numpy as np
from numpy.typing import ArrayLike

from ._arrays import check_choice, check_float_format

__all__ = [
    "FORMATS", "sleef_exp", "xla_exp", "torch_sigmoid", "torch_sigmoid_grad",
    "jax_sigmoid", "jax_sigmoid_grad", "gradient_zero_from", "torch_bce_autocast",
]

F16, F32, F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
BF16 = np.dtype(ml_dtypes.bfloat16)
FORMATS = {"float16": F16, "bfloat16": BF16, "float32": F32, "float64": F64}


def _scalar(a):
    return a[()] if a.ndim == 0 else a


def _ieee(function):
    """Run a model under IEEE rules with NumPy's warnings off: overflow to inf,
    inf − inf = NaN and signalling NaNs are what the frameworks compute too, not
    errors of the model."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with np.errstate(all="ignore"):
            return function(*args, **kwargs)

    return wrapper


# ---- exact fused multiply-add and the two exps ------------------------------

def _two_sum(a, b):
    """(s, e) with s = fl(a + b) and s + e = a + b exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _odd_round(s, e):
    """s rounded to odd, given s = fl(x) and the exact error e = x − s."""
    even = (s.view(np.uint64) & np.uint64(1)) == 0
    toward = np.where(e > 0, np.inf, -np.inf)
    return np.where((e != 0) & even, np.nextafter(s, toward), s)


def _fma32(a, b, c):
    """float32 a·b + c rounded once: a·b is exact in float64, the sum is rounded
    to odd in float64 and then to float32, which is correct (Boldo & Melquiond)."""
    p = a.astype(F64) * b.astype(F64)
    c = np.asarray(c, dtype=F64)
    s, e = _two_sum(p, c)
    return _odd_round(s, e).astype(F32)


_SPLIT = 134217729.0  # 2^27 + 1, Veltkamp's splitting constant


def _two_prod(a, b):
    """(p, e) with p = fl(a·b) and p + e = a·b exactly (Dekker, no FMA needed)."""
    p = a * b
    ta, tb = _SPLIT * a, _SPLIT * b
    ah, bh = ta - (ta - a), tb - (tb - b)
    al, bl = a - ah, b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _fma64(a, b, c):
    """float64 a·b + c rounded once: the exact three-term sum rounded correctly
    by rounding the two small terms to odd first (Boldo & Melquiond 2008)."""
    a, b, c = np.broadcast_arrays(*(np.asarray(v, dtype=F64) for v in (a, b, c)))
    ph, pl = _two_prod(a, b)
    uh, ul = _two_sum(pl, c)
    th, tl = _two_sum(ph, uh)
    s, e = _two_sum(tl, ul)
    return th + _odd_round(s, e)


def _pow2(k, dtype):
    """2**k for integer arrays k in the normal range, built from the bits."""
    if dtype == F32:
        return ((k.astype(np.int32) + 127) << 23).view(F32)
    return ((k.astype(np.int64) + 1023) << 52).view(F64)


def _sleef_expf(d):
    q = np.rint(d * np.float32(1.442695040888963407359924681001892137426645954))
    s = _fma32(q, np.float32(-0.693145751953125), d)
    s = _fma32(q, np.float32(-1.428606765330187045e-06), s)
    u = np.full_like(s, np.float32(0.000198527617612853646278381))
    for c in (0.00139304355252534151077271, 0.00833336077630519866943359,
              0.0416664853692054748535156, 0.166666671633720397949219, 0.5):
        u = _fma32(u, s, np.float32(c))
    u = np.float32(1) + _fma32(s * s, u, s)
    h = q.astype(np.int32) >> 1
    return (u * _pow2(h, F32)) * _pow2(q.astype(np.int32) - h, F32)


_SLEEF_EXP_POLY = (  # Sleef's xexp: Estrin's scheme, c9 first
    0.2081276378237164457e-8, 0.2511210703042288022e-7, 0.2755762628169491192e-6,
    0.2755723402025388239e-5, 0.2480158687479686264e-4, 0.1984126989855865850e-3,
    0.1388888888914497797e-2, 0.8333333333314938210e-2, 0.4166666666666602598e-1,
    0.1666666666666669072e+0)


def _sleef_exp64(d):
    q = np.rint(d * 1.442695040888963407359924681001892137426645954)
    s = _fma64(q, -0.69314718055966295651160180568695068359375, d)
    s = _fma64(q, -0.28235290563031577122588448175013436025525412068e-12, s)
    s2 = s * s
    s4 = s2 * s2
    c9, c8, c7, c6, c5, c4, c3, c2, c1, c0 = _SLEEF_EXP_POLY
    high = _fma64(s2, _fma64(s, c7, c6), _fma64(s, c5, c4))
    low = _fma64(s2, _fma64(s, c3, c2), _fma64(s, c1, c0))
    u = _fma64(s4 * s4, _fma64(s, c9, c8), _fma64(s4, high, low))
    for c in (0.5, 1.0, 1.0):
        u = _fma64(u, s, c)
    h = q.astype(np.int64) >> 1
    return (u * _pow2(h, F64)) * _pow2(q.astype(np.int64) - h, F64)


@_ieee
def sleef_exp(x: ArrayLike) -> np.ndarray:
    """Return eˣ as PyTorch's CPU sigmoid kernel computes it (Sleef's u10 exp).

    Sleef reduces x = q·ln 2 + s with |s| ≤ ½ ln 2, evaluates a polynomial
    for eˢ with fused multiply-adds and scales by 2^q.  The FMAs are
    emulated exactly (an FMA rounds once: float32 ones through float64,
    float64 ones through error-free transformations), so that
    :func:`torch_sigmoid` is PyTorch's to the last bit on CPUs where
    PyTorch runs its AVX2 or AVX-512 kernels.  ``torch.exp`` itself is
    another kernel: it differs from this one in the last bit on 3.8 % of
    the float32 and 2.7 % of the float64 inputs of tests/test_frameworks.py
    (torch 2.13.0, AVX-512).  NumPy's own ``np.exp`` differs too: on
    float32 inputs spread over [−20, 20] in the last bit on about 40 % of
    them (x86-64 with AVX-512, NumPy 2.4; tests/test_frameworks.py).
    float32 or float64 in, the same out.

    >>> print(sleef_exp(np.float32(1.0)), np.float32(np.e))
    2.7182817 2.7182817
    >>> float(sleef_exp(-1.0e3)), float(sleef_exp(710.0))
    (0.0, inf)

    Explained in: Chapter 6, "How PyTorch and JAX compute σ′".
    """
    x = check_float_format(x, "x", ("float32", "float64"))
    nan = np.isnan(x)
    if x.dtype == F32:  # Sleef's own cut-offs: 0 below −104, inf above 100
        d = np.where(nan, np.float32(0), np.clip(x, np.float32(-104), np.float32(100)))
        u = _sleef_expf(d)
        lo, hi = x < -104, x > 100
    else:
        d = np.where(nan, 0.0, np.clip(x, -1000.0, 710.0))
        u = _sleef_exp64(d)
        lo, hi = x < -1000, x > 709.78271289338399678773454114191496482
    u = np.where(lo, x.dtype.type(0), np.where(hi, x.dtype.type(np.inf), u))
    return _scalar(np.where(nan, x, u).astype(x.dtype))


def _flush(a):
    """Flush float32/float64 results below the smallest normal number to ±0, as
    XLA's CPU code does (it runs with flush-to-zero set)."""
    tiny = np.finfo(a.dtype).tiny
    return np.where(np.abs(a) < tiny, np.copysign(a.dtype.type(0), a), a)


_XLA_EXPF_POLY = (1.9875691500E-4, 1.3981999507E-3, 8.3334519073E-3, 4.1665795894E-2,
                  1.6666665459E-1, 5.0000001201E-1)


def _xla_expf(x):
    x = np.clip(x, np.float32(-87.8), np.float32(88.8))
    n = np.floor(_fma32(x, np.float32(1.44269504088896341), np.float32(0.5)))
    n = np.clip(n, np.float32(-127), np.float32(127))
    a = _fma32(-np.float32(0.693359375), n, x)
    a = _fma32(-np.float32(-2.12194440e-4), n, a)
    p0, p1, *rest = (np.float32(c) for c in _XLA_EXPF_POLY)
    z = _fma32(a, p0, p1)
    for c in rest:
        z = _fma32(z, a, c)
    z = np.float32(1) + _fma32(z, a * a, a)
    return _flush(z * _pow2(n.astype(np.int32), F32))


def _xla_exp64(x):
    lo, hi = -708.3964185322641, 709.782712893384
    xc = np.clip(x, lo, hi)
    n = np.floor(_fma64(xc, 1.4426950408889634073599, 0.5))
    g = _fma64(-n, 0.693145751953125, xc)
    g = _fma64(-n, 1.42860682030941723212e-6, g)
    g2 = g * g
    p = _fma64(_fma64(1.26177193074810590878e-4, g2, 3.02994407707441961300e-2), g2,
               9.99999999999999999910e-1) * g
    q = _fma64(_fma64(_fma64(3.00198505138664455042e-6, g2, 2.52448340349684104192e-3),
                      g2, 2.27265548208155028766e-1), g2, 2.00000000000000000009e0)
    e = _fma64(p / (q - p), 2.0, 1.0)
    k = n.astype(np.int64)
    h = k >> 1
    r = (e * _pow2(h, F64)) * _pow2(k - h, F64)
    return np.where(x < lo, 0.0, np.where(x > hi, np.inf, r))


@_ieee
def xla_exp(x: ArrayLike) -> np.ndarray:
    """Return eˣ as JAX computes it on a CPU (XLA's own polynomial exp).

    float32: a Cephes polynomial on x − n·ln 2 (ln 2 in two parts),
    float64: a rational approximation; both with their multiply-adds fused
    by the compiler, and results below the smallest normal number flushed
    to 0 (float32 from x < −87.34, float64 from x < −708.40), where NumPy
    returns subnormal numbers.  float32 or float64 in, the same out.

    >>> print(xla_exp(np.float32(1.0)))
    2.7182817
    >>> float(xla_exp(-708.5)), float(sleef_exp(-708.5)) > 0
    (0.0, True)

    Explained in: Chapter 6, "How PyTorch and JAX compute σ′".
    """
    x = check_float_format(x, "x", ("float32", "float64"))
    nan = np.isnan(x)
    xc = np.where(nan, x.dtype.type(0), x)
    r = _xla_expf(xc) if x.dtype == F32 else _xla_exp64(xc)
    return _scalar(np.where(nan, x, r).astype(x.dtype))




# ---- PyTorch ------------------------------------------------------------------

def _torch_sigmoid(z):
    if z.dtype == F64:
        return 1.0 / (1.0 + sleef_exp(-z))
    w = z.astype(F32)  # float16/bfloat16: in float32, rounded once at the end
    return (np.float32(1) / (np.float32(1) + sleef_exp(-w))).astype(z.dtype)


@_ieee
def torch_sigmoid(z: ArrayLike) -> np.ndarray:
    """Return ``torch.sigmoid(z)`` as PyTorch's CPU kernel computes it.

    1/(1 + exp(−z)) with Sleef's exp (:func:`sleef_exp`); float16 and
    bfloat16 inputs are computed in float32 and rounded once to their format.
    ``z`` is a NumPy array (or scalar) of float16, bfloat16
    (``ml_dtypes.bfloat16``), float32 or float64; the result has its dtype.

    >>> print(torch_sigmoid(np.float16(8.3203125)))
    1.0
    >>> print(torch_sigmoid(np.float16(8.3125)))
    0.9995

    Explained in: Chapter 6, "How PyTorch and JAX compute σ′".
    """
    z = check_float_format(z, "z")
    return _scalar(np.asarray(_torch_sigmoid(z)))


def _torch_backward(grad, y):
    if y.dtype == BF16:  # converted to float32, rounded once (BinaryOpsKernel.cpp)
        a, b = grad.astype(F32), y.astype(F32)
        return (a * (np.float32(1) - b) * b).astype(BF16)
    one = y.dtype.type(1)  # float16: every operation rounds to float16
    return ((grad * (one - y)).astype(y.dtype) * y).astype(y.dtype)


@_ieee
def torch_sigmoid_grad(z: ArrayLike, grad: ArrayLike = 1.0) -> np.ndarray:
    """Return the gradient PyTorch's autograd passes back through ``torch.sigmoid``.

    ``sigmoid_backward(grad, result)`` from the saved output y =
    :func:`torch_sigmoid` of ``z``: ``grad * (1 - y) * y``, evaluated left to
    right in the working format (bfloat16: in float32, rounded once).
    ``grad`` is the gradient arriving from above, 1 by default, converted to
    the format of ``z``.

    >>> z = np.array([8.3125, 8.3203125], dtype=np.float16)
    >>> print(torch_sigmoid_grad(z))
    [0.000488 0.      ]

    Explained in: Chapter 6, "How PyTorch and JAX compute σ′".
    """
    z = check_float_format(z, "z")
    grad = np.asarray(grad).astype(z.dtype)
    return _scalar(np.asarray(_torch_backward(grad, _torch_sigmoid(z))))


# ---- JAX --------------------------------------------------------------------

def _round(a, dtype):
    """Round an XLA result to ``dtype``: float16/bfloat16 operations are done in
    float32 and rounded after each one; float32 results below the smallest normal
    number are flushed to zero first."""
    if dtype in (F16, BF16):
        return _flush(a.astype(F32)).astype(dtype) if dtype == BF16 else a.astype(dtype)
    return _flush(a.astype(dtype))


def _xla_exp_in(x):
    if x.dtype in (F32, F64):
        return xla_exp(x)
    return _round(xla_exp(x.astype(F32)), x.dtype)


def _jax_sigmoid(z):
    one = z.dtype.type(1)
    e = _xla_exp_in(-z)
    return _round(one / _round(one + e, z.dtype), z.dtype)


@_ieee
def jax_sigmoid(z: ArrayLike) -> np.ndarray:
    """Return ``jax.nn.sigmoid(z)`` (``lax.logistic``) as XLA computes it on a CPU.

    ``logistic_impl`` is 1/(1 + exp(−z)) in the working format: every
    operation is rounded to the format of ``z`` (float16 and bfloat16
    through float32, one operation at a time), with XLA's exp
    (:func:`xla_exp`) and results below the smallest normal number flushed
    to zero.  The ``accuracy`` argument of ``lax.logistic`` changes only the
    derivative.

    >>> print(jax_sigmoid(np.float16(7.625)), torch_sigmoid(np.float16(7.625)))
    1.0 0.9995

    Explained in: Chapter 6, "How PyTorch and JAX compute σ′".
    """
    z = check_float_format(z, "z")
    return _scalar(np.asarray(_jax_sigmoid(z)))


@_ieee
def jax_sigmoid_grad(z: ArrayLike, grad: ArrayLike = 1.0, *,
                     accuracy: str = "default") -> np.ndarray:
    """Return the gradient ``jax.grad`` passes back through ``lax.logistic``.

    The derivative rule of ``logistic_p``: with ``accuracy="default"``
    ``g * (ans * (1 - ans))``, with ``accuracy="highest"`` (JAX's
    ``lax.logistic(x, accuracy=lax.AccuracyMode.HIGHEST)``, from jax 0.7.2
    on) ``g * (ans * logistic(-x))``, the product form.  ``ans`` is
    :func:`jax_sigmoid` of ``z``; every operation rounds to the format of
    ``z`` as in :func:`jax_sigmoid`.

    >>> z = np.float16(8.0)
    >>> print(jax_sigmoid_grad(z), jax_sigmoid_grad(z, accuracy="highest"))
    0.0 0.0003355

    Explained in: Chapter 6, "How PyTorch and JAX compute σ′".
    """
    z = check_float_format(z, "z")
    check_choice(accuracy, "accuracy", ("default", "highest"))
    grad = np.asarray(grad).astype(z.dtype)
    dt, one = z.dtype, z.dtype.type(1)
    ans = _jax_sigmoid(z)
    other = _jax_sigmoid(-z) if accuracy == "highest" else _round(one - ans, dt)
    local = _round(ans * other, dt)
    return _scalar(np.asarray(_round(grad * local, dt)))


# ---- thresholds -----------------------------------------------------------------

def gradient_zero_from(gradient, fmt: str) -> float:
    """Return the smallest z > 0 of format ``fmt`` from which ``gradient(z)`` is 0.

    ``gradient`` is a function such as :func:`torch_sigmoid_grad` (taking a
    NumPy array of the format).  The positive values of a format are ordered
    like their bit patterns, so the answer is found by bisection over the
    bit patterns of the finite positive values, assuming the gradient stays
    0 once it is 0 (tests/test_frameworks.py checks that on every
    float16/bfloat16 value and on dense float32/float64 grids).

    >>> gradient_zero_from(torch_sigmoid_grad, "float16")
    8.3203125

    Explained in: Chapter 6, "Where each framework's σ′ becomes 0".
    """
    check_choice(fmt, "fmt", FORMATS)
    dtype = FORMATS[fmt]
    bits = {2: np.uint16, 4: np.uint32, 8: np.uint64}[dtype.itemsize]
    inf = np.array(np.inf, dtype=dtype).view(bits)[()]
    lo, hi = 0, int(inf)  # gradient(lo) != 0 (at 0 it is ¼), gradient(hi) == 0 (inf)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        value = np.array(mid, dtype=bits).view(dtype)
        if np.asarray(gradient(value)).astype(F64) == 0:
            hi = mid
        else:
            lo = mid
    return float(np.array(hi, dtype=bits).view(dtype).astype(F64))


# ---- the loss under CPU autocast ---------------------------------------------------

_LOG_CLAMP = np.float32(-100)
_EPSILON = np.float32(1e-12)


def _log32(p):
    """Natural log of float32 p, correctly rounded to float32 (the C library's logf,
    which PyTorch calls, may differ in the last bit)."""
    return np.log(p.astype(F64)).astype(F32)


@_ieee
def torch_bce_autocast(z: ArrayLike, y: ArrayLike, *, logits: bool = False):
    """Return (loss, dloss/dz) of σ then BCE, or of BCE-with-logits, under CPU autocast.

    ``z`` is float16 or bfloat16: the format autocast computes in.  Without
    ``logits``: s = ``torch.sigmoid(z)`` in that format; autocast runs
    ``binary_cross_entropy`` in float32, with each log clamped at −100
    (``aten/src/ATen/native/Loss.cpp``); its backward divides by
    max((1 − s)·s, 1e−12) in float32, and that gradient is rounded back to
    the format of ``z`` (inf where it exceeds the format) before
    :func:`torch_sigmoid_grad` multiplies it by (1 − s)·s.  With ``logits``:
    ``binary_cross_entropy_with_logits`` in float32, loss (1 − y)·z − log σ(z)
    and gradient σ(z) − y (``binary_cross_entropy_with_logits_backward``),
    computed in float32 and rounded once to the format of ``z``.  The
    losses use correctly rounded logarithms, which PyTorch's C library may
    miss by one float32 ulp; the gradients are PyTorch's bit for bit.

    >>> loss, grad = torch_bce_autocast(np.float16(10.0), 0.0)
    >>> print(loss, grad)
    100.0 nan
    >>> loss, grad = torch_bce_autocast(np.float16(10.0), 0.0, logits=True)
    >>> print(f"{float(loss):.6f} {float(grad):.6f}")
    10.000046 1.000000

    Explained in: Chapter 6, "Mixed precision: the loss from the logits".
    """
    z = check_float_format(z, "z", ("float16", "bfloat16"))
    y = np.asarray(y, dtype=F32)
    one = np.float32(1)
    if logits:
        w = z.astype(F32)
        b = sleef_exp(-np.abs(w))  # the kernel's buffer, e^(−|z|)
        log_sigmoid = np.minimum(w, np.float32(0)) - np.log1p(b.astype(F64)).astype(F32)
        loss = (one - y) * w - log_sigmoid
        grad = (_torch_sigmoid(w) - y).astype(z.dtype)  # σ(z) − y, in float32
        return _scalar(np.asarray(loss)), _scalar(np.asarray(grad))
    s = _torch_sigmoid(z)
    p = s.astype(F32)
    log1p_minus = np.log1p(-p.astype(F64)).astype(F32)
    loss = (y - one) * np.maximum(log1p_minus, _LOG_CLAMP) \
        - y * np.maximum(_log32(p), _LOG_CLAMP)
    d_s = (one * (p - y) / np.maximum((one - p) * p, _EPSILON)).astype(z.dtype)
    grad = _torch_backward(d_s, s)
    return _scalar(np.asarray(loss)), _scalar(np.asarray(grad))
