"""Binder's environment (binder/) against the lock.

Binder (repo2docker) installs only binder/requirements.txt, before it copies
the repository, and then runs binder/postBuild, which installs the course's
package. `make lock` writes binder/requirements.txt from the reader's short
list, binder/requirements.in, with requirements.lock as constraints. These
tests keep it the lock's subset, versions and hashes included, so that a
reader on Binder runs the chapters with the same packages as CI, and keep it
free of anything that would make repo2docker install it after the copy.
"""

import re
import tomllib

import pytest

from notebooks import ROOT
from pins import canonical, parse_lock, short_list_vs_lock, short_names, subset_vs_lock

BINDER = ROOT / "binder"
# What the chapters import or run in (the package's own dependencies and the
# Jupyter kernel and widgets); ml_dtypes for Chapter 6's low-precision formats.
READER_NEEDS = {"numpy", "matplotlib", "ml-dtypes", "ipykernel", "ipywidgets"}


def _binder():
    path = BINDER / "requirements.txt"
    return parse_lock(path.read_text(encoding="utf-8"), "binder/requirements.txt")


def _asked():
    path = BINDER / "requirements.in"
    return short_names(path.read_text(encoding="utf-8"), "binder/requirements.in")


def test_binder_pins_are_the_locks_versions_and_hashes():
    lock = ROOT / "requirements.lock"
    locked = parse_lock(lock.read_text(encoding="utf-8"), lock.name)
    assert subset_vs_lock(_binder(), locked) == []


def test_binder_lock_holds_exactly_what_its_short_list_needs():
    asked = dict.fromkeys(_asked())
    assert short_list_vs_lock(asked, _binder(), "-r binder/requirements.in") == []


def test_binder_installs_what_a_reader_needs_and_not_the_test_tools():
    asked = _asked()
    assert READER_NEEDS <= asked, f"missing on Binder: {READER_NEEDS - asked}"
    binder = {e.name for e in _binder()}
    assert not binder & {"pytest", "playwright", "jupyter-book", "ruff", "nbval", "uv"}


def test_binder_pins_every_dependency_and_the_build_backend_of_the_package():
    # postBuild installs the package with --no-deps and --no-build-isolation:
    # its dependencies and its build backend must already be there.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    needed = {canonical(re.split(r"[\s<>=!~;\[]", d, maxsplit=1)[0])
              for d in pyproject["project"]["dependencies"]
              + pyproject["build-system"]["requires"]}
    asked = _asked()
    assert needed and needed <= asked, f"missing on Binder: {needed - asked}"


def _local_reference(line):
    """repo2docker's rule (is_local_pip_requirement): a line that names a
    local file or another requirements file makes it install the file only
    after copying the repository, so the image layer changes with every commit."""
    line = line.split("#", 1)[0].strip()
    options = ("-r", "-c", "-e", "--requirement", "--constraint", "--editable")
    if line.startswith(options):
        return True
    if line.startswith("--") and "=" in line:
        line = line.split("=", 1)[1]
    return "file://" in line or line.startswith(".")


def test_binder_requirements_name_no_local_file():
    lines = (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if _local_reference(line)] == []


@pytest.mark.parametrize(
    "line, local",
    [("-e .", True), (".", True), ("-c requirements.lock", True),
     ("    # via -c requirements.lock", False),
     ("    --hash=sha256:" + "a" * 64, False),
     ("numpy==2.4.6 \\", False)],
)
def test_the_local_reference_rule(line, local):
    assert _local_reference(line) is local


def test_the_subset_comparison_reports_a_differing_and_a_missing_pin():
    lock = parse_lock(
        "numpy==2.4.6 \\\n    --hash=sha256:" + "a" * 64 + "\n    # via x\n", "lock"
    )
    binder = parse_lock(
        "numpy==2.4.5 \\\n    --hash=sha256:" + "a" * 64 + "\n    # via x\n"
        "scipy==1.16.0 \\\n    --hash=sha256:" + "b" * 64 + "\n    # via x\n"
        "numpy==2.4.6 \\\n    --hash=sha256:" + "c" * 64 + "\n    # via x\n",
        "binder",
    )
    assert subset_vs_lock(binder, lock) == [
        "numpy==2.4.5: the lock has 2.4.6",
        "scipy==1.16.0: the lock has no such package",
        "numpy==2.4.6: other hashes than the lock's",
    ]


def test_postbuild_installs_the_package_once_without_its_dependencies():
    script = (BINDER / "postBuild").read_text()
    commands = [
        line.strip() for line in script.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    installs = [c for c in commands if re.search(r"\bpip install\b", c)]
    assert installs == [
        "python -m pip install --no-cache-dir --no-deps --no-build-isolation -e ."
    ]
    assert (BINDER / "postBuild").stat().st_mode & 0o111, "postBuild is not executable"


def test_binder_python_satisfies_requires_python():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-3\.(\d+)", runtime)
    assert match, f"binder/runtime.txt: {runtime!r} is not python-3.N"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    minimum = re.fullmatch(r">=3\.(\d+)", pyproject["project"]["requires-python"])
    assert int(match[1]) >= int(minimum[1])
