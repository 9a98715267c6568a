"""Property-based tests (Hypothesis) of the package's public numerical functions.

Inputs are drawn as a new user might pass them: float16/32/64, integers and
bools, 0-d, empty and up to 3-d arrays, non-contiguous and read-only views,
with ±0, subnormals, ±inf, NaN and huge magnitudes among the values.  For
each function: no warning (warnings are errors, pyproject.toml), the
documented dtype and shape, the input left as it was, and the documented ulp
bound against the 50-digit decimal reference of tests/reference.py; then the
identities σ(−x) = 1 − σ(x) and logit(σ(x)) ≈ x.

The profile is derandomized, so CI draws the same examples on every run, and
keeps max_examples modest so that the whole unit-test run stays fast.
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from reference import (
    decimal_reference,
    log_sigmoid_exact,
    logit_exact,
    nielsen_width_exact,
    sigmoid_exact,
    sigmoid_prime_exact,
    sigmoid_second_exact,
    softplus_exact,
)
from sigmoid_course import (
    central_difference,
    chain_factors,
    complex_step_derivative,
    log_sigmoid,
    logit,
    loss_gradient_wrt_logit,
    neuron_loss,
    nielsen_interval_width,
    relative_error,
    sigmoid,
    sigmoid_prime,
    sigmoid_second,
    softplus,
)
from sigmoid_course.precision import ulp_error

settings.register_profile(
    "course",
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# A longer hunt, by hand: HYPOTHESIS_PROFILE=thorough make test-unit
settings.register_profile("thorough", settings.get_profile("course"), max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "course"))

FLOATS = [np.float16, np.float32, np.float64]
OTHERS = [np.bool_, np.int8, np.int32, np.int64, np.uint8, np.uint64]


def _elements(dtype, lo=None, hi=None):
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        bits = dtype.itemsize * 8
        if lo is None:
            return st.floats(
                width=bits, allow_nan=True, allow_infinity=True, allow_subnormal=True
            )
        top = float(np.finfo(dtype).max)
        return st.floats(
            max(lo, -top), min(hi, top), width=bits, allow_subnormal=True
        ) | st.just(np.nan)
    if dtype.kind == "b":
        return st.booleans()
    if lo is not None:
        return st.integers(
            max(int(lo), np.iinfo(dtype).min), min(int(hi), np.iinfo(dtype).max)
        )
    return hnp.from_dtype(dtype)


@st.composite
def numeric_arrays(draw, dtypes=FLOATS + OTHERS, lo=None, hi=None):
    """An array of one of ``dtypes``: maybe 0-d or empty, maybe a non-contiguous or
    read-only view."""
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    arr = draw(hnp.arrays(dtype, shape, elements=_elements(dtype, lo, hi)))
    layout = draw(st.sampled_from(["contiguous", "strided", "transposed"]))
    if layout == "strided" and arr.ndim:
        arr = np.repeat(arr, 2, axis=-1)[..., ::2]
    elif layout == "transposed":
        arr = arr.T
    if draw(st.booleans()):
        arr.setflags(write=False)
    return arr


def _result_dtype(x):
    return x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)


def _check_elementwise(f, x, dtype=None):
    """Call f(x) and check the promises every elementwise helper makes; return the
    result.

    ``dtype``: the documented result dtype, if it does not follow the input's.
    """
    before, flags = x.copy(), (x.flags.writeable, x.flags.c_contiguous, x.strides)
    out = f(x)
    np.testing.assert_array_equal(x, before, err_msg="the input was modified")
    assert (x.flags.writeable, x.flags.c_contiguous, x.strides) == flags
    assert out.dtype == (dtype or _result_dtype(x)), (out.dtype, x.dtype)
    assert np.shape(out) == x.shape
    if x.ndim == 0:
        assert isinstance(out, np.generic), "a 0-d input gives a numpy scalar"
    else:
        assert isinstance(out, np.ndarray)
    return np.asarray(out)


# (function, exact formula, documented float64 ulp bound).  Rounded once from
# float64 work, float16 and float32 results are within 1 ulp.
ELEMENTWISE = {
    "sigmoid": (sigmoid, sigmoid_exact, 2.0),
    "sigmoid_prime": (sigmoid_prime, sigmoid_prime_exact, 4.0),
    "sigmoid_second": (sigmoid_second, sigmoid_second_exact, 6.0),
    "softplus": (softplus, softplus_exact, 2.0),
    "log_sigmoid": (log_sigmoid, log_sigmoid_exact, 2.0),
}


@pytest.mark.parametrize("name", ELEMENTWISE)
@given(x=numeric_arrays())
def test_activations_keep_their_promises_on_any_input(name, x):
    f, exact, bound = ELEMENTWISE[name]
    out = _check_elementwise(f, x)
    xf = x.astype(np.float64)
    finite = np.isfinite(xf)
    np.testing.assert_array_equal(
        np.isnan(out), np.isnan(xf), err_msg="NaN in, NaN out, and nowhere else"
    )
    if finite.any():
        errors = ulp_error(out[finite], decimal_reference(exact, xf[finite]))
        limit = bound if out.dtype == np.float64 else 1.0
        assert errors.max() <= limit, (xf[finite][errors.argmax()], errors.max())


@given(
    p=numeric_arrays(FLOATS, 0.0, 1.0)
    | numeric_arrays([np.bool_, np.int8, np.uint8], 0, 1)
)
def test_logit_keeps_its_promises_on_any_probability(p):
    out = _check_elementwise(logit, p)
    pf = p.astype(np.float64)
    np.testing.assert_array_equal(out[pf == 0], -np.inf)
    np.testing.assert_array_equal(out[pf == 1], np.inf)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(pf))
    inside = (pf > 0) & (pf < 1)
    if inside.any():
        errors = ulp_error(out[inside], decimal_reference(logit_exact, pf[inside]))
        assert errors.max() <= (2.0 if out.dtype == np.float64 else 1.0)


@given(
    p=st.floats(-1e300, 1e300).filter(lambda v: not 0 <= v <= 1)
    | st.sampled_from([np.inf, -np.inf])
)
def test_logit_rejects_every_value_outside_the_unit_interval(p):
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\]"):
        logit(p)


@given(x=numeric_arrays(FLOATS))
def test_sigmoid_is_symmetric(x):
    # σ(−x) = 1 − σ(x), to the rounding of the two results and of 1 − σ(x).
    s, r = np.asarray(sigmoid(x), np.float64), np.asarray(sigmoid(-x), np.float64)
    eps = np.finfo(_result_dtype(x)).eps
    np.testing.assert_allclose(r, 1.0 - s, rtol=0, atol=2 * eps)


@given(x=st.floats(-700.0, 30.0))
def test_logit_inverts_sigmoid(x):
    # The error of σ(x) (≤ 2 ulp) is amplified by logit's slope 1/σ'(x); logit adds ≤ 2
    # ulp of x.
    eps = np.finfo(np.float64).eps
    tolerance = 8 * eps * max(1.0, abs(x)) + 2 * eps / float(sigmoid_prime(x))
    assert abs(float(logit(sigmoid(x))) - x) <= tolerance


@given(w=numeric_arrays())
def test_nielsen_interval_width_keeps_its_promises(w):
    out = _check_elementwise(nielsen_interval_width, w)
    wf = w.astype(np.float64)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(wf))
    assert np.all(out[~np.isnan(wf)] >= 0)
    finite = np.isfinite(wf)
    if finite.any():
        errors = ulp_error(
            out[finite], decimal_reference(nielsen_width_exact, wf[finite])
        )
        assert errors.max() <= (4.0 if out.dtype == np.float64 else 1.0)


@given(z=numeric_arrays(FLOATS + [np.int32], -1e6, 1e6), data=st.data())
def test_neuron_losses_match_the_decimal_cross_entropy(z, data):
    y = data.draw(hnp.arrays(np.int8, z.shape, elements=st.integers(0, 1)))
    # The losses are float64 whatever the logit's dtype.
    loss = _check_elementwise(lambda v: neuron_loss(v, y), z, np.float64)
    grad = _check_elementwise(
        lambda v: loss_gradient_wrt_logit(v, y, "mse"), z, np.float64
    )
    zf = z.astype(np.float64)
    ok = ~np.isnan(zf)
    if ok.any():
        exact = decimal_reference(softplus_exact, ((1 - 2 * y) * zf)[ok])
        assert ulp_error(loss[ok], exact).max() <= 2.0
    assert np.all(np.abs(grad[ok]) <= 0.25)  # |σ − y|·σ' ≤ 1·¼


@given(w=numeric_arrays(FLOATS, -1e3, 1e3), data=st.data())
def test_chain_factors_have_one_factor_per_layer_and_the_chain_bound(w, data):
    if w.size == 0 or not np.all(np.isfinite(w)):
        return  # no chain (the rejection of these is tested in test_arrays.py)
    w = w.reshape(-1, w.shape[-1]) if w.ndim else w.reshape(1, 1)
    b = data.draw(hnp.arrays(np.float64, w.shape, elements=st.floats(-1e3, 1e3)))
    before = w.copy()
    factors = chain_factors(w, b, 0.5)
    np.testing.assert_array_equal(w, before)
    assert factors.shape == w.shape and factors.dtype == np.float64
    # |factor j| = |w_j| σ'(z_j) ≤ |w_j|/4 for j ≥ 1, and σ'(z_1) ≤ 1/4.
    assert np.all(np.abs(factors[:, 0]) <= 0.25)
    assert np.all(
        np.abs(factors[:, 1:]) <= np.abs(w[:, 1:].astype(np.float64)) / 4 * (1 + 1e-15)
    )


@given(x=numeric_arrays(FLOATS, -50.0, 50.0))
def test_derivative_estimates_agree_with_sigmoid_prime(x):
    xf = x.astype(np.float64)
    for estimate, tolerance in (
        (central_difference, 1e-9),
        (complex_step_derivative, 1e-15),
    ):
        out = _check_elementwise(lambda v, f=estimate: f(sigmoid, v), x)
        ok = ~np.isnan(xf)
        exact = np.asarray(sigmoid_prime(xf), np.float64)[ok]
        scale = tolerance if out.dtype == np.float64 else np.finfo(out.dtype).eps
        assert np.all(np.abs(out[ok].astype(np.float64) - exact) <= 4 * scale), (
            estimate.__name__
        )


@given(a=numeric_arrays(FLOATS + [np.int32], -1e300, 1e300), data=st.data())
def test_relative_error_is_a_number_between_0_and_2(a, data):
    if not np.all(np.isfinite(a.astype(np.float64))):
        with pytest.raises(ValueError, match="analytic must hold finite numbers"):
            relative_error(a, a)
        return
    n = data.draw(hnp.arrays(np.float64, a.shape, elements=st.floats(-1e300, 1e300)))
    before = a.copy()
    r = relative_error(a, n)
    np.testing.assert_array_equal(a, before)
    assert type(r) is float and 0.0 <= r <= 2.0
    assert relative_error(a, a) == 0.0
