"""Binder's environment (binder/) against the root requirements.txt.

Binder installs only binder/requirements.txt, before it copies the repository,
and then runs binder/postBuild, which installs the course's package. These
tests keep that file a subset of the root pins, so that a reader on Binder runs
the chapters with the same versions as CI.
"""

import re
import tomllib

import pytest

from notebooks import ROOT

BINDER = ROOT / "binder"
# What the chapters import or run in (the package's own dependencies and the
# Jupyter kernel and widgets); ml_dtypes for Chapter 5's low-precision formats.
READER_NEEDS = {"numpy", "matplotlib", "ml-dtypes", "ipykernel", "ipywidgets"}
PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def _name(name):
    """The normalised form of a distribution name (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(path):
    """The non-comment lines of a requirements file, without inline comments."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def _pins(lines, where):
    """{normalised name: version} for lines that are all exact pins `name==version`."""
    pins = {}
    for line in lines:
        match = PIN.fullmatch(line)
        if match is None:
            raise ValueError(f"{where}: {line!r} is not an exact pin name==version")
        pins[_name(match[1])] = match[2]
    return pins


def _root_pins():
    lines = _requirements(ROOT / "requirements.txt")
    pins = [line for line in lines if not line.startswith("-e")]
    return _pins(pins, "requirements.txt")


def _differences(binder, root):
    """The binder pins that are missing from the root pins or differ from them."""
    return {
        name: (version, root.get(name))
        for name, version in binder.items()
        if root.get(name) != version
    }


def test_binder_pins_equal_the_root_pins():
    lines = _requirements(BINDER / "requirements.txt")
    binder = _pins(lines, "binder/requirements.txt")
    assert _differences(binder, _root_pins()) == {}


def test_the_pin_comparison_reports_a_differing_and_a_missing_pin():
    binder = {"numpy": "2.4.6", "matplotlib": "3.11.1", "scipy": "1.16.0"}
    root = {"numpy": "2.4.6", "matplotlib": "3.11.2"}
    assert _differences(binder, root) == {
        "matplotlib": ("3.11.1", "3.11.2"),
        "scipy": ("1.16.0", None),
    }


@pytest.mark.parametrize("line", ["-e .", ".", "numpy>=2", "numpy"])
def test_a_line_that_is_not_an_exact_pin_is_rejected(line):
    with pytest.raises(ValueError, match="is not an exact pin"):
        _pins([line], "binder/requirements.txt")


def test_binder_installs_what_a_reader_needs_and_not_the_test_tools():
    binder = set(_pins(_requirements(BINDER / "requirements.txt"), "binder"))
    assert READER_NEEDS <= binder, f"missing on Binder: {READER_NEEDS - binder}"
    assert not binder & {"pytest", "playwright", "jupyter-book", "ruff", "nbval"}


def test_binder_pins_every_dependency_of_the_package():
    # postBuild installs the package with --no-deps: its dependencies must
    # already be there.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    needed = {_name(re.split(r"[\s<>=!~;\[]", d, maxsplit=1)[0])
              for d in pyproject["project"]["dependencies"]}
    binder = set(_pins(_requirements(BINDER / "requirements.txt"), "binder"))
    assert needed and needed <= binder, f"missing on Binder: {needed - binder}"


def test_postbuild_installs_the_package_once_without_its_dependencies():
    script = (BINDER / "postBuild").read_text()
    commands = [
        line.strip() for line in script.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    installs = [c for c in commands if re.search(r"\bpip install\b", c)]
    assert installs == ["python -m pip install --no-cache-dir --no-deps -e ."]
    assert (BINDER / "postBuild").stat().st_mode & 0o111, "postBuild is not executable"


def test_binder_python_satisfies_requires_python():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-3\.(\d+)", runtime)
    assert match, f"binder/runtime.txt: {runtime!r} is not python-3.N"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    minimum = re.fullmatch(r">=3\.(\d+)", pyproject["project"]["requires-python"])
    assert int(match[1]) >= int(minimum[1])
