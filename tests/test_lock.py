"""The locks against the short lists they are made from, and the environment.

requirements.txt is the short list of what the course asks for, each pinned
exactly; requirements.lock, which `make lock` writes from it with uv, pins
every package of the environment, transitive ones included, with the SHA-256
of each of its files on PyPI, and `make install` installs it with pip's
--require-hashes. These tests fail when the two disagree (a pin in one and
not the other, or another version), when a lock entry has no hashes or comes
from no one, and when the installed environment is not the lock.
"""

import importlib.metadata
import json
import re
import sys
import sysconfig
import tomllib

import pytest
from packaging.markers import Marker

from notebooks import ROOT
from pins import (
    Locked,
    canonical,
    parse_lock,
    short_list_vs_lock,
    short_pins,
    subset_vs_lock,
)

REQUIREMENTS = ROOT / "requirements.txt"
LOCK = ROOT / "requirements.lock"
FRAMEWORKS_LOCK = ROOT / "requirements-frameworks.lock"
# Each short list and the lock `make lock` writes from it.
PAIRS = [
    (REQUIREMENTS, LOCK),
    (ROOT / "requirements-frameworks.txt", FRAMEWORKS_LOCK),
]
MAKE_LOCK = "make lock"
# torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl on PyTorch's CPU index.
CPU_WHEEL_SHA256 = "6746dbcbeb526eb61330b76b41ff1b4eb848951103a892eeb080dfa2b264667b"


def _entries(lock):
    return parse_lock(lock.read_text(encoding="utf-8"), lock.name)


def _source(short):
    return f"-r {short.relative_to(ROOT).as_posix()}"


@pytest.mark.parametrize("short, lock", PAIRS, ids=[p[0].name for p in PAIRS])
def test_the_lock_holds_exactly_the_pins_of_its_short_list(short, lock):
    pins = short_pins(short.read_text(encoding="utf-8"), short.name)
    assert short_list_vs_lock(pins, _entries(lock), _source(short)) == []


@pytest.mark.parametrize("short, lock", PAIRS, ids=[p[1].name for p in PAIRS])
def test_every_lock_entry_is_an_exact_pin_with_hashes_and_was_made_by_make_lock(
    short, lock
):
    text = lock.read_text(encoding="utf-8")
    assert f"#    {MAKE_LOCK}\n" in text, f"{lock.name}: not written by `{MAKE_LOCK}`"
    entries = _entries(lock)
    assert entries
    unhashed = [e.name for e in entries if not e.hashes]
    assert unhashed == [], f"{lock.name}: entries without hashes"
    digests = [h for e in entries for h in e.hashes]
    assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in digests)
    # The local package is installed on its own (pip refuses an unhashed path
    # in hash-checking mode): neither the short list nor the lock names it.
    assert "-e" not in text.split()
    assert "sigmoid-course" not in {e.name for e in entries}


def test_the_frameworks_lock_agrees_with_the_main_lock():
    # requirements-frameworks.lock is made with requirements.lock as
    # constraints: a package both need is locked at the same version.
    frameworks = _entries(FRAMEWORKS_LOCK)
    assert subset_vs_lock(frameworks, _entries(LOCK), shared_only=True) == []


def test_torch_is_the_cpu_build_at_the_digest_of_pytorchs_cpu_index():
    # PyPI's torch for Linux is the CUDA build; the lock pins the CPU build
    # and the SHA-256 that PyTorch's CPU index lists for its Python 3.11 Linux
    # x86_64 wheel (the file `make lock` hashed; README, "The environment").
    torch = [e for e in _entries(FRAMEWORKS_LOCK) if e.name == "torch"]
    assert [(e.version, e.hashes) for e in torch] == [
        ("2.13.0+cpu", ["sha256:" + CPU_WHEEL_SHA256])
    ]
    names = {e.name for e in _entries(FRAMEWORKS_LOCK)}
    assert not {n for n in names if n.startswith(("nvidia-", "triton"))}


def test_requirements_txt_pins_every_dependency_and_the_build_backend_of_the_package():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    needed = {
        canonical(re.split(r"[\s<>=!~;\[]", d, maxsplit=1)[0])
        for d in pyproject["project"]["dependencies"]
        + pyproject["build-system"]["requires"]
    }
    pins = short_pins(REQUIREMENTS.read_text(encoding="utf-8"), REQUIREMENTS.name)
    assert needed and needed <= set(pins), f"not pinned: {needed - set(pins)}"


def _applies(entry):
    return entry.marker is None or Marker(entry.marker).evaluate()


def _installed(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def test_the_installed_environment_is_the_lock():
    # `make install` and .ci/run install requirements.lock with
    # --require-hashes (and `make test-frameworks` the frameworks' lock on
    # top, once it has run); this fails when the environment came from
    # elsewhere.
    entries = _entries(LOCK)
    if _installed("torch") is not None:
        entries += _entries(FRAMEWORKS_LOCK)
    wrong = {}
    for entry in filter(_applies, entries):
        found = _installed(entry.name)
        if found != entry.version:
            wrong[entry.name] = (entry.version, found)
    assert wrong == {}, "{name: (locked, installed)}"


def test_the_package_is_installed_editable_from_this_checkout():
    # Only the environment's own record: pytest's doctest collection puts
    # code/ on sys.path, where the editable build leaves an egg-info without
    # the direct_url.json that pip writes into site-packages.
    purelib = sysconfig.get_paths()["purelib"]
    (dist,) = [
        d
        for d in importlib.metadata.distributions(path=[purelib])
        if d.metadata["Name"] == "sigmoid_course"
    ]
    direct = json.loads(dist.read_text("direct_url.json") or "{}")
    assert direct.get("dir_info", {}).get("editable"), direct
    assert direct["url"] == ROOT.as_uri(), direct["url"]
    assert sys.prefix != sys.base_prefix, "the tests run outside a virtual environment"


# ---- the comparisons themselves ---------------------------------------------

LOCK_TEXT = """\
# This file was autogenerated by uv via the following command:
#    make lock
numpy==2.4.6 \\
    --hash=sha256:{a}
    # via
    #   -r requirements.txt
    #   matplotlib
matplotlib==3.11.2 \\
    --hash=sha256:{b}
    # via -r requirements.txt
contourpy==1.3.3 ; python_full_version < '3.12' \\
    --hash=sha256:{a}
    # via matplotlib
contourpy==1.4.0 ; python_full_version >= '3.12' \\
    --hash=sha256:{b}
    # via matplotlib
""".format(a="a" * 64, b="b" * 64)


def test_a_lock_is_read_with_its_markers_hashes_and_notes():
    entries = parse_lock(LOCK_TEXT, "lock")
    assert entries[0] == Locked(
        "numpy",
        "2.4.6",
        None,
        ["sha256:" + "a" * 64],
        {"-r requirements.txt", "matplotlib"},
    )
    assert [(e.name, e.version, e.marker) for e in entries[2:]] == [
        ("contourpy", "1.3.3", "python_full_version < '3.12'"),
        ("contourpy", "1.4.0", "python_full_version >= '3.12'"),
    ]
    assert entries[3].via == {"matplotlib"}


@pytest.mark.parametrize(
    "pins, problem",
    [
        ({"numpy": "2.4.6", "matplotlib": "3.11.2"}, None),
        (
            {"numpy": "2.4.5", "matplotlib": "3.11.2"},
            "numpy: requirements.txt pins 2.4.5, the lock 2.4.6",
        ),
        (
            {"numpy": "2.4.6", "matplotlib": "3.11.2", "scipy": "1.17.1"},
            "scipy is in requirements.txt but not in the lock",
        ),
        ({"numpy": "2.4.6"}, "matplotlib: the lock says requirements.txt asks for it"),
    ],
)
def test_the_comparison_finds_a_changed_a_missing_and_an_extra_pin(pins, problem):
    entries = parse_lock(LOCK_TEXT, "lock")
    found = short_list_vs_lock(pins, entries, "-r requirements.txt")
    assert found == ([problem] if problem else [])


def test_the_comparison_finds_an_entry_that_nothing_needs():
    text = LOCK_TEXT.replace("# via matplotlib", "# via pandas", 1)
    found = short_list_vs_lock(
        {"numpy": "2.4.6", "matplotlib": "3.11.2"},
        parse_lock(text, "lock"),
        "-r requirements.txt",
    )
    assert found == ["contourpy: needed by pandas, which is not locked"]


@pytest.mark.parametrize("line", ["-e .", ".", "numpy>=2", "numpy", "numpy==2 ; x"])
def test_a_short_list_line_that_is_not_an_exact_pin_is_rejected(line):
    with pytest.raises(ValueError, match="is not an exact pin"):
        short_pins(line, "requirements.txt")


def test_a_package_pinned_twice_is_rejected():
    with pytest.raises(ValueError, match="pinned twice"):
        short_pins("ml_dtypes==0.7.0\nml-dtypes==0.7.0\n", "requirements.txt")
