"""Change each NumPy model of PyTorch and JAX by one ulp and check that
tests/test_frameworks.py notices (issue 16: "changing any one model by one ulp
makes it fail").

For each public model of sigmoid_course.frameworks, the script appends to
code/sigmoid_course/frameworks.py a wrapper that rebinds the model to one whose
every finite result is moved one step in its bit pattern (one ulp away from the
model's value; 0 becomes the smallest subnormal, the largest finite value and
inf and NaN stay), runs the part of tests/test_frameworks.py that checks that
model, and writes the file back as it was, whatever happens. A mutation is
detected when one of those tests fails on an assertion (an exception raised by
the wrapper would not count); one that is not has survived, and the script then
exits with status 1.

Needs torch and jax in the environment, as tests/test_frameworks.py does
(`make test-frameworks` installs them into .venv). About 5 minutes on two
cores. Run it with nothing else importing the package from this checkout.

    .venv/bin/python tools/frameworks_mutations.py [NAME ...]
"""

import argparse
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[1]
MODULE = ROOT / "code" / "sigmoid_course" / "frameworks.py"

NUDGE = '''

# ---- one-ulp mutation (tools/frameworks_mutations.py; never committed) ----
def _one_ulp(r):
    r = np.asarray(r)
    bits = {2: np.uint16, 4: np.uint32, 8: np.uint64}[r.dtype.itemsize]
    b = r.view(bits).copy()
    with np.errstate(all="ignore"):
        v = r.astype(F64)
        ok = np.isfinite(v) & (np.abs(v) < float(ml_dtypes.finfo(r.dtype).max))
    b[ok] += bits(1)
    return _scalar(b.view(r.dtype))


_model = {name}
'''


def _wrap(name, signature, call, result):
    return NUDGE.replace("{name}", name) + (
        f"\n\ndef {name}({signature}):\n    r = _model({call})\n    return {result}\n")


BCE = "z, y, *, logits=False"
BCE_CALL = "z, y, logits=logits"
TORCH = "torch_sigmoid_and_its_gradient"
# name: (the block appended to frameworks.py, the tests that check the model)
MUTATIONS = {
    "torch_sigmoid": (_wrap("torch_sigmoid", "z", "z", "_one_ulp(r)"), TORCH),
    "torch_sigmoid_grad": (
        _wrap("torch_sigmoid_grad", "z, grad=1.0", "z, grad", "_one_ulp(r)"),
        f"{TORCH} or thresholds"),
    "jax_sigmoid": (_wrap("jax_sigmoid", "z", "z", "_one_ulp(r)"), "jax"),
    "jax_sigmoid_grad, default": (
        _wrap("jax_sigmoid_grad", "z, grad=1.0, *, accuracy='default'",
              "z, grad, accuracy=accuracy",
              "_one_ulp(r) if accuracy == 'default' else r"), "jax"),
    "jax_sigmoid_grad, highest": (
        _wrap("jax_sigmoid_grad", "z, grad=1.0, *, accuracy='default'",
              "z, grad, accuracy=accuracy",
              "_one_ulp(r) if accuracy == 'highest' else r"), "jax"),
    "sleef_exp": (_wrap("sleef_exp", "x", "x", "_one_ulp(r)"),
                  f"{TORCH} or exps or torch_exp"),
    "xla_exp": (_wrap("xla_exp", "x", "x", "_one_ulp(r)"), "exps or jax"),
    "torch_bce_autocast, loss of sigmoid then BCE": (
        _wrap("torch_bce_autocast", BCE, BCE_CALL,
              "(r[0] if logits else _one_ulp(r[0]), r[1])"), "autocast"),
    "torch_bce_autocast, gradient of sigmoid then BCE": (
        _wrap("torch_bce_autocast", BCE, BCE_CALL,
              "(r[0], r[1] if logits else _one_ulp(r[1]))"), "autocast"),
    "torch_bce_autocast, loss with logits": (
        _wrap("torch_bce_autocast", BCE, BCE_CALL,
              "(_one_ulp(r[0]) if logits else r[0], r[1])"), "autocast"),
    "torch_bce_autocast, gradient with logits": (
        _wrap("torch_bce_autocast", BCE, BCE_CALL,
              "(r[0], _one_ulp(r[1]) if logits else r[1])"), "autocast"),
}


def run(name):
    """Apply one mutation, run its tests, restore the module; return the
    pytest command, its summary line and the ids of the tests that failed on
    an assertion (a model that crashes is not a detection)."""
    block, selection = MUTATIONS[name]
    original = MODULE.read_text()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.xml"
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                   "tests/test_frameworks.py", "-k", selection]
        try:
            MODULE.write_text(original + block)
            out = subprocess.run(command + [f"--junitxml={report}"], cwd=ROOT,
                                 capture_output=True, text=True).stdout
        finally:
            MODULE.write_text(original)
        cases = ElementTree.parse(report).iter("testcase") if report.exists() else []
        failed = sorted(case.get("name") for case in cases
                        if any((f.get("message") or "").startswith("AssertionError")
                               for f in case.iter("failure")))
    lines = out.strip().splitlines()
    shown = shlex.join(["python"] + command[1:])
    return shown, lines[-1] if lines else "(no output)", failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"mutations to run, all by default: {list(MUTATIONS)}")
    names = parser.parse_args().names or list(MUTATIONS)
    unknown = [n for n in names if n not in MUTATIONS]
    if unknown:
        parser.error(f"unknown {unknown}; expected some of {list(MUTATIONS)}")
    survived = []
    for name in names:
        command, summary, failed = run(name)
        print(f"{name}\n  {command}\n  -> {summary}")
        for test in failed:
            print(f"     FAILED {test}")
        if not failed:
            survived.append(name)
        sys.stdout.flush()
    print(f"{len(names) - len(survived)} of {len(names)} mutations detected"
          + (f"; survived: {', '.join(survived)}" if survived else ""))
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
