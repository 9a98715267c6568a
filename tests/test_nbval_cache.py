"""tests/nbval_cache.py, the nbval comparison against the build's execution.

A jupyter-cache is filled here with stand-in executions (a chapter's committed
outputs, some of them altered), and a child pytest runs the plugin over
references next to it: it must pass where the two agree and fail exactly
where they differ, where the execution raised, and where the cache holds no
execution of the notebook.
"""

import copy
import json
import os
import re
import subprocess
import sys

import nbformat

from notebooks import ROOT, chapter_notebooks, load

CHAPTER = chapter_notebooks()[0]


def _first_printed_digit(nb):
    """(code cell index, output) of the first printed output with a digit."""
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for i, cell in enumerate(code):
        for out in cell["outputs"]:
            text = "".join(out.get("text", ""))
            if out["output_type"] == "stream" and re.search(r"\d", text):
                return i, out
    raise AssertionError("no printed number found")


def _change_a_digit(out):
    text = "".join(out["text"])
    digit = re.search(r"\d", text)
    changed = str((int(digit[0]) + 1) % 10)
    out["text"] = text[: digit.start()] + changed + text[digit.end() :]


def _cache(cache_dir, nb, uri):
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    get_cache(str(cache_dir)).cache_notebook_bundle(
        CacheBundleIn(nbformat.from_dict(nb), uri), check_validity=False, overwrite=True
    )


def test_the_plugin_passes_agreement_and_fails_each_difference(tmp_path):
    committed = load(CHAPTER)
    # The first cells up to the first printed number and a few after it keep
    # the child quick (the explorers' saved state is megabytes).
    keep = _first_printed_digit(committed)[0] + 3
    code = [i for i, c in enumerate(committed["cells"]) if c["cell_type"] == "code"]
    committed["cells"] = committed["cells"][: code[keep - 1] + 1]
    cache = tmp_path / "cache"
    folder = tmp_path / "chapters"
    folder.mkdir()
    n_code = sum(c["cell_type"] == "code" for c in committed["cells"])

    # The execution: the committed outputs, as a fresh execution gives them
    # (nbval proves that); the references below are altered instead.
    _cache(cache, committed, str(CHAPTER))
    (folder / "same.ipynb").write_text(json.dumps(committed), encoding="utf-8")

    changed = copy.deepcopy(committed)
    cell, out = _first_printed_digit(changed)
    _change_a_digit(out)
    (folder / "digit.ipynb").write_text(json.dumps(changed), encoding="utf-8")

    # Another notebook whose execution raised in an untagged cell.
    raised = copy.deepcopy(committed)
    code = [c for c in raised["cells"] if c["cell_type"] == "code"]
    code[0]["source"] = "# raises in the execution\n" + "".join(code[0]["source"])
    reference = copy.deepcopy(raised)
    code[0]["outputs"].append(
        {"output_type": "error", "ename": "ValueError", "evalue": "x", "traceback": []}
    )
    _cache(cache, raised, "raised")
    (folder / "raised.ipynb").write_text(json.dumps(reference), encoding="utf-8")

    # A notebook whose code changed after the execution: not in the cache.
    edited = copy.deepcopy(committed)
    code = [c for c in edited["cells"] if c["cell_type"] == "code"]
    code[-1]["source"] = "".join(code[-1]["source"]) + "\n# edited"
    (folder / "edited.ipynb").write_text(json.dumps(edited), encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly",
         "-p", "nbval_cache", "--nbval-cache", str(cache),
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"),
         "-q", "-rfE", "-p", "no:xdist", "--rootdir", str(tmp_path), str(folder)],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT / "tests")},
    )
    report = result.stdout
    failed = re.findall(r"^FAILED chapters/(\S+)::Cell (\d+)", report, re.M)
    errors = set(re.findall(r"^ERROR chapters/(\S+)::Cell \d+", report, re.M))
    expected = [("digit.ipynb", str(cell)), ("raised.ipynb", "0")]
    assert sorted(failed) == expected, report[-3000:]
    assert errors == {"edited.ipynb"}, report[-3000:]
    assert "holds no execution of this notebook" in report
    assert "Cell execution caused an exception" in report
    assert f"{3 * n_code - 2} passed" in report, report[-500:]
