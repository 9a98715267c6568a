"""The NumPy models of sigmoid_course.frameworks against PyTorch and JAX themselves.

Every model must return the framework's result bit for bit (NaN counted equal
to NaN, whatever its payload; the sign of a zero counts): forward σ and the
gradient, on every float16 and every bfloat16 bit pattern (finite and not)
and on 2^20 float32 and 2^20 float64 inputs, half random bit patterns and
half a dense grid across the range where σ and σ′ change.  The gradient is
taken with an upstream gradient that is not 1, so that the order of the
multiplications matters, and with 1.  The loss under CPU autocast is
checked too: its gradient bit for bit, its value to one float32 ulp (the
model's logarithms are correctly rounded; PyTorch's come from the C library).

Needs torch and jax: `make test-frameworks` (part of `make test`) installs
requirements-frameworks.lock first; `make test-unit` leaves this file out.
Array lengths are multiples of 64 and torch runs on one thread: PyTorch's
vectorised loops hand a leftover tail of fewer than two vectors to a scalar
loop that calls the C library's exp instead of Sleef's.

tools/frameworks_mutations.py changes each model by one ulp in turn and
checks that the tests here fail on an assertion (11 of 11 did).
"""

import functools
import os
import subprocess
import sys

os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax
import ml_dtypes
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sigmoid_course import frameworks as fw

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402

torch.set_num_threads(1)

BF16 = np.dtype(ml_dtypes.bfloat16)
TORCH_DTYPE = {"float16": torch.float16, "bfloat16": torch.bfloat16,
               "float32": torch.float32, "float64": torch.float64}
UINT = {2: np.uint16, 4: np.uint32, 8: np.uint64}
GRID = {"float32": 120.0, "float64": 800.0}  # beyond the overflow of exp(−z)
N_WIDE = 2**19  # random bit patterns, and as many grid points: 2^20 in all


def inputs(fmt: str) -> np.ndarray:
    """Every value of a 16-bit format; 2^20 float32/float64 inputs otherwise."""
    dtype = fw.FORMATS[fmt]
    if dtype.itemsize == 2:
        return np.arange(2**16, dtype=np.uint16).view(dtype)
    bits = UINT[dtype.itemsize]
    rng = np.random.default_rng(2026)
    random = rng.integers(0, np.iinfo(bits).max, N_WIDE, dtype=bits, endpoint=True)
    grid = np.linspace(-GRID[fmt], GRID[fmt], N_WIDE).astype(dtype)
    return np.concatenate([random.view(dtype), grid])


def as64(a) -> np.ndarray:
    """float64 copy; signalling NaNs among the bit patterns stay NaN, quietly."""
    with np.errstate(invalid="ignore"):
        return np.asarray(a).astype(np.float64)


def upstream(x: np.ndarray) -> np.ndarray:
    return np.random.default_rng(7).uniform(0.5, 2.0, x.size).astype(x.dtype)


def to_torch(a: np.ndarray) -> torch.Tensor:
    if a.dtype.itemsize == 2:  # torch has no bfloat16 NumPy bridge: go by the bits
        bits = torch.from_numpy(a.view(np.uint16).copy())
        return bits.view(TORCH_DTYPE[a.dtype.name])
    return torch.from_numpy(a.copy())


def from_torch(t: torch.Tensor, dtype: np.dtype) -> np.ndarray:
    t = t.detach()
    if dtype.itemsize == 2:
        return t.view(torch.uint16).numpy().view(dtype)
    return t.numpy()


def differing(a, b) -> np.ndarray:
    """Indices where a and b differ in their bits (two NaNs count as equal)."""
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype, (a.dtype, b.dtype)
    bits = UINT[a.dtype.itemsize]
    nan = np.isnan(as64(a)) & np.isnan(as64(b))
    return np.flatnonzero((a.view(bits) != b.view(bits)) & ~nan)


def assert_bitwise(x, framework, model, what):
    bad = differing(framework, model)
    shown = [(x[i], framework[i], model[i]) for i in bad[:5]]
    assert bad.size == 0, (
        f"{what}: {bad.size} of {x.size} differ, e.g. (x, framework, model) {shown}")


FORMAT_NAMES = list(fw.FORMATS)


@functools.cache
def model(name: str, fmt: str, upstream_gradient: bool = True) -> np.ndarray:
    """A model's result on inputs(fmt), computed once per session (the float64
    models emulate every fused multiply-add and take a few seconds)."""
    x = inputs(fmt)
    g = upstream(x) if upstream_gradient else np.ones_like(x)
    return {
        "torch forward": lambda: fw.torch_sigmoid(x),
        "torch gradient": lambda: fw.torch_sigmoid_grad(x, g),
        "jax forward": lambda: fw.jax_sigmoid(x),
        "jax default gradient": lambda: fw.jax_sigmoid_grad(x, g),
        "jax highest gradient": lambda: fw.jax_sigmoid_grad(x, g, accuracy="highest"),
        "sleef exp": lambda: fw.sleef_exp(x),
        "xla exp": lambda: fw.xla_exp(x),
    }[name]()


@pytest.fixture(scope="module", params=FORMAT_NAMES)
def case(request):
    x = inputs(request.param)
    return request.param, x, upstream(x)


def test_inputs_are_large_enough():
    assert inputs("float16").size == inputs("bfloat16").size == 2**16
    assert inputs("float32").size >= 10**6 and inputs("float64").size >= 10**6
    assert all(inputs(f).size % 64 == 0 for f in FORMAT_NAMES)


def test_torch_sigmoid_and_its_gradient_match_the_model(case):
    fmt, x, g = case
    t = to_torch(x).requires_grad_(True)
    y = torch.sigmoid(t)
    y.backward(to_torch(g))
    assert_bitwise(x, from_torch(y, x.dtype), model("torch forward", fmt),
                   f"torch.sigmoid {fmt}")
    assert_bitwise(x, from_torch(t.grad, x.dtype), model("torch gradient", fmt),
                   f"torch gradient {fmt}")
    t1 = to_torch(x).requires_grad_(True)
    torch.sigmoid(t1).sum().backward()  # upstream gradient 1
    assert_bitwise(x, from_torch(t1.grad, x.dtype),
                   model("torch gradient", fmt, upstream_gradient=False),
                   f"torch gradient of the sum {fmt}")


def _logistic_highest(v):
    return lax.logistic(v, accuracy=lax.AccuracyMode.HIGHEST)


@pytest.mark.parametrize("accuracy", ["default", "highest"])
@pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])
def test_jax_sigmoid_and_its_gradient_match_the_model(case, accuracy, jit):
    fmt, x, g = case
    f = jax.nn.sigmoid if accuracy == "default" else _logistic_highest

    def forward_and_vjp(v, gv):
        y, vjp = jax.vjp(f, v)
        return y, vjp(gv)[0]

    run = jax.jit(forward_and_vjp) if jit else forward_and_vjp
    y, grad = run(jnp.asarray(x), jnp.asarray(g))
    what = f"jax {accuracy} {'jit' if jit else 'eager'} {fmt}"
    assert_bitwise(x, np.asarray(y), model("jax forward", fmt), f"{what} forward")
    assert_bitwise(x, np.asarray(grad), model(f"jax {accuracy} gradient", fmt),
                   f"{what} gradient")


def test_jax_grad_of_the_sum_matches_the_model():
    for fmt in FORMAT_NAMES:
        x = inputs(fmt)[: 2**16]
        grad = jax.grad(lambda v: jnp.sum(jax.nn.sigmoid(v).astype(jnp.float64)))(
            jnp.asarray(x))
        assert_bitwise(x, np.asarray(grad), fw.jax_sigmoid_grad(x), f"jax.grad {fmt}")


def test_the_exps_are_the_frameworks_and_not_numpys():
    """The models need their own exp: NumPy's differs in the last bit."""
    for fmt in ("float32", "float64"):
        x = inputs(fmt)
        with np.errstate(over="ignore", invalid="ignore"):
            numpy_exp = np.exp(x)
        xla = model("xla exp", fmt)
        assert differing(np.asarray(jnp.exp(jnp.asarray(x))), xla).size == 0
        assert differing(numpy_exp, model("sleef exp", fmt)).size > 100
        assert differing(numpy_exp, xla).size > 100


def test_torch_exp_is_another_kernel_than_the_exp_inside_torch_sigmoid():
    """sleef_exp is the exp of PyTorch's sigmoid kernel (torch_sigmoid, built
    on it, matches torch.sigmoid bit for bit); torch.exp is another kernel and
    differs from it in the last bit on a few per cent of the inputs, the
    shares sleef_exp's docstring quotes (measured 3.8 % of the float32 and
    2.7 % of the float64 inputs, x86-64 with AVX-512)."""
    for fmt in ("float32", "float64"):
        x = inputs(fmt)
        exp = from_torch(torch.exp(to_torch(x)), x.dtype)
        share = differing(exp, model("sleef exp", fmt)).size / x.size
        assert 0.005 < share < 0.1, (fmt, share)


def test_numpys_exp_differs_from_sleefs_on_many_float32_inputs():
    """The share that sleef_exp's docstring and Chapter 6 quote (about 40 %)."""
    x = np.random.default_rng(20).uniform(-20, 20, 2**20).astype(np.float32)
    share = differing(np.exp(x), fw.sleef_exp(x)).size / x.size
    assert 0.3 < share < 0.5, share


THRESHOLD_MODELS = {
    "PyTorch": fw.torch_sigmoid_grad,
    "JAX default": fw.jax_sigmoid_grad,
    "JAX HIGHEST": lambda z: fw.jax_sigmoid_grad(z, accuracy="highest"),
}


def _framework_gradient(name, z):
    if name == "PyTorch":
        t = to_torch(z).requires_grad_(True)
        torch.sigmoid(t).sum().backward()
        return from_torch(t.grad, z.dtype)
    f = jax.nn.sigmoid if name == "JAX default" else _logistic_highest
    return np.asarray(jax.vjp(f, jnp.asarray(z))[1](jnp.ones_like(jnp.asarray(z)))[0])


@pytest.mark.parametrize("name", THRESHOLD_MODELS)
@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_gradient_thresholds_hold_in_the_frameworks(name, fmt):
    """The framework's gradient is 0 at the model's threshold t and at every input
    above it, and not 0 at the float just below t."""
    t = fw.gradient_zero_from(THRESHOLD_MODELS[name], fmt)
    dtype = fw.FORMATS[fmt]
    x = inputs(fmt)
    x = x[np.isfinite(as64(x)) & (as64(x) > 0)]
    at = np.array([t]).astype(dtype)
    bits = UINT[dtype.itemsize]
    below = (at.view(bits) - bits(1)).view(dtype)  # the float just below t
    z = np.concatenate([x, np.repeat(at, 64), np.repeat(below, 64)])
    z = z[: z.size // 64 * 64]
    grad = as64(_framework_gradient(name, z))
    assert np.all(grad[as64(z) >= t] == 0), f"{name} {fmt}: nonzero gradient from {t}"
    assert np.all(grad[as64(z) == as64(below)[0]] != 0), f"{name} {fmt}: 0 below {t}"
    assert np.count_nonzero(as64(z) == t) >= 64


_PLAIN_KERNELS = """
import numpy as np, torch
torch.set_num_threads(1)
assert torch.backends.cpu.get_cpu_capability() == "DEFAULT"
for name, dtype in (("float16", torch.float16), ("bfloat16", torch.bfloat16),
                    ("float32", torch.float32), ("float64", torch.float64)):
    for z in {points}[name]:  # the threshold, then the float just below it
        t = torch.full((1,), z, dtype=torch.float64).to(dtype).requires_grad_(True)
        torch.sigmoid(t).sum().backward()
        print(name, float(t.detach().double()), float(t.grad.double()))
x = np.random.default_rng(20).uniform(-20, 20, 2**20).astype(np.float32)
np.save({path!r}, torch.sigmoid(torch.from_numpy(x)).numpy())
"""


def test_pytorchs_plain_kernels_differ_in_the_last_bit_but_not_in_the_thresholds(
        tmp_path):
    """With ATEN_CPU_CAPABILITY=default PyTorch uses the C library's exp, not
    Sleef's: some float32 σ differ in the last bit from the model (which
    follows the AVX2/AVX-512 kernels), but σ′ still becomes 0 exactly at the
    model's thresholds (0 at the threshold, not 0 at the float just below)."""
    points = {}
    for f in FORMAT_NAMES:
        t = np.array([fw.gradient_zero_from(fw.torch_sigmoid_grad, f)])
        t = t.astype(fw.FORMATS[f])
        bits = UINT[t.dtype.itemsize]
        below = (t.view(bits) - bits(1)).view(t.dtype)
        points[f] = (float(as64(t)[0]), float(as64(below)[0]))
    path = str(tmp_path / "sigma.npy")
    env = dict(os.environ, ATEN_CPU_CAPABILITY="default")
    out = subprocess.run(
        [sys.executable, "-c", _PLAIN_KERNELS.format(points=points, path=path)],
        env=env, capture_output=True, text=True, check=True).stdout.split("\n")
    rows = [line.split() for line in out if line]
    assert len(rows) == 8
    for (name, z, grad), (_, below, grad_below) in zip(rows[::2], rows[1::2]):
        assert (float(z), float(below)) == points[name], (name, z, below)
        assert float(grad) == 0.0 and float(grad_below) != 0.0, (name, grad, grad_below)
    x = np.random.default_rng(20).uniform(-20, 20, 2**20).astype(np.float32)
    share = differing(np.load(path), fw.torch_sigmoid(x)).size / x.size
    assert 0.005 < share < 0.05, share  # measured 1.5 % (x86-64, glibc)


# ---- σ followed by BCE, against BCE-with-logits, under CPU autocast -----------

def _autocast_bce(z: np.ndarray, y: float, logits: bool):
    dtype = TORCH_DTYPE[z.dtype.name]
    t = to_torch(z).requires_grad_(True)
    target = torch.full(t.shape, y)
    with torch.autocast("cpu", dtype=dtype):
        if logits:
            loss = F.binary_cross_entropy_with_logits(t, target, reduction="none")
        else:
            loss = F.binary_cross_entropy(torch.sigmoid(t), target, reduction="none")
    loss.backward(torch.ones_like(loss))
    assert loss.dtype == torch.float32  # CPU autocast runs both losses in float32
    return loss.detach().numpy(), from_torch(t.grad, z.dtype)


@pytest.mark.parametrize("logits", [False, True], ids=["bce", "with_logits"])
@pytest.mark.parametrize("y", [0.0, 1.0])
@pytest.mark.parametrize("fmt", ["float16", "bfloat16"])
def test_autocast_losses_match_the_model(fmt, y, logits):
    x = inputs(fmt)
    x = x[np.isfinite(as64(x))]
    x = x[: x.size // 64 * 64]
    loss, grad = _autocast_bce(x, y, logits)
    model_loss, model_grad = fw.torch_bce_autocast(x, y, logits=logits)
    assert_bitwise(x, grad, model_grad, f"gradient, {fmt}, y = {y}, logits={logits}")
    # The logarithms are the C library's (BCE) and Sleef's log1p (with logits);
    # the model's are correctly rounded.  A log off by one ulp moves the BCE loss
    # (one log term times ±1) by one ulp of the loss; with logits it moves
    # min(z, 0) − log1p(e^(−|z|)) by one ulp of that term, which survives the
    # subtraction from (1 − y)·z, plus one rounding of the result.
    gap = np.abs(as64(loss) - as64(model_loss))
    allowed = as64(np.spacing(np.abs(model_loss)))
    if logits:
        w = as64(x)
        log_term = np.minimum(w, 0) - np.log1p(np.exp(-np.abs(w)))
        allowed += as64(np.spacing(np.abs(log_term.astype(np.float32))))
    assert np.all(gap <= allowed), f"loss: a gap of {gap.max()} exceeds the allowance"
    clamped = model_loss == 100
    assert np.array_equal(loss[clamped], model_loss[clamped])


def test_autocast_cases_of_the_chapter():
    """The three cases the chapter shows, from PyTorch itself."""
    loss, grad = _autocast_bce(np.full(64, 10.0, np.float16), 0.0, logits=False)
    assert loss[0] == 100.0 and np.isnan(as64(grad[0]))
    loss, grad = _autocast_bce(np.full(64, 10.0, BF16), 0.0, logits=False)
    assert loss[0] == 100.0 and grad[0] == 0
    loss, grad = _autocast_bce(np.full(64, -12.0, np.float16), 1.0, logits=False)
    assert abs(loss[0] - 12.0) < 0.01 and np.isneginf(as64(grad[0]))
    loss, grad = _autocast_bce(np.full(64, 10.0, np.float16), 0.0, logits=True)
    assert abs(loss[0] - 10.0000454) < 1e-5 and grad[0] == 1.0

