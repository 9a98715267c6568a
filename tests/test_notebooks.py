"""Structural checks of the chapter notebooks that nbval cannot make itself.

nbval compares a cell only if it has a stored execution, so an unexecuted
notebook would pass it silently; these tests close that gap and check that
nbval really fails on a changed number.
"""

import json
import re

import pytest

from notebooks import ROOT, chapter_notebooks, code_cells, load, run_nbval, toc_files

NOTEBOOKS = chapter_notebooks()
IDS = [p.name for p in NOTEBOOKS]


def test_there_are_chapters():
    assert NOTEBOOKS, "no notebooks in chapters/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_code_cell_has_a_stored_execution_in_order(path):
    counts = [c["execution_count"] for c in code_cells(path)]
    missing = [i for i, n in enumerate(counts) if n is None]
    assert not missing, f"{path.name}: code cells {missing} were never executed"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..n; re-run from a clean "
        "kernel"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_stored_output_is_an_error_or_a_warning(path):
    for i, cell in enumerate(code_cells(path)):
        tags = cell.get("metadata", {}).get("tags", [])
        for out in cell["outputs"]:
            if out["output_type"] == "error":
                assert "raises-exception" in tags, (
                    f"{path.name}: cell {i} stores an error"
                )
            if out["output_type"] == "stream":
                assert out["name"] == "stdout", f"{path.name}: cell {i} wrote to stderr"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_outputs_hold_no_volatile_text(path):
    volatile = re.compile(
        r"0x[0-9a-f]{6,}|/tmp/|\bin \d+(\.\d+)? ?(s|ms)\b|elapsed", re.I
    )
    for i, cell in enumerate(code_cells(path)):
        for out in cell["outputs"]:
            text = "".join(out.get("text", "")) + "".join(
                out.get("data", {}).get("text/plain", "")
            )
            assert not volatile.search(text), (
                f"{path.name}: cell {i} prints volatile text: {text[:80]!r}"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_helpers_are_imported_as_a_package(path):
    source = "\n".join("".join(c["source"]) for c in code_cells(path))
    assert not re.search(r"sys\.path|%run\s|^\s*(import|from)\s+code\b", source, re.M)
    assert not re.search(r"^\s*from\s+\S+\s+import\s+\*", source, re.M), "star import"
    assert "sigmoid_course" in source


def test_every_chapter_is_in_the_table_of_contents_and_vice_versa():
    listed = set(toc_files())
    for path in NOTEBOOKS:
        assert path.relative_to(ROOT).with_suffix("").as_posix() in listed, (
            f"{path.name} missing from _toc.yml"
        )
    for entry in listed:
        matches = list(ROOT.glob(entry + ".*"))
        assert matches, f"_toc.yml lists {entry}, which does not exist"


def test_chapters_are_listed_in_file_name_order():
    listed = [
        f
        for f in toc_files()
        if f.startswith("chapters/") and (ROOT / (f + ".ipynb")).exists()
    ]
    assert listed == [p.relative_to(ROOT).with_suffix("").as_posix() for p in NOTEBOOKS]


def _first_printed_digit(nb):
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream" and re.search(
                r"\d", "".join(out["text"])
            ):
                return out
    raise AssertionError("no printed number found")


def test_nbval_fails_when_a_printed_number_changes(tmp_path):
    nb = load(NOTEBOOKS[0])
    out = _first_printed_digit(nb)
    # The cells after the changed one cannot matter, and running them (the
    # explorer draws dozens of frames) would only cost time.
    last = next(i for i, c in enumerate(nb["cells"]) if out in c.get("outputs", []))
    nb["cells"] = nb["cells"][: last + 1]
    text = "".join(out["text"])
    digit = re.search(r"\d", text)
    changed = str((int(digit.group()) + 1) % 10)
    out["text"] = text[: digit.start()] + changed + text[digit.end() :]
    broken = tmp_path / "broken.ipynb"
    broken.write_text(json.dumps(nb), encoding="utf-8")
    result = run_nbval(broken)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "1 failed" in result.stdout


def _shows_a_widget(cell):
    return any(
        "application/vnd.jupyter.widget-view+json" in o.get("data", {})
        for o in cell["outputs"]
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_only_explorer_cells_are_exempt_from_output_comparison(path):
    # nbval does not model ipywidgets Output widgets: what an explorer draws
    # arrives as plain cell output under nbval but inside the widget state
    # under Jupyter. Those cells (and only those) carry nbval-ignore-output;
    # tests/test_widgets.py checks the drawing functions themselves.
    for i, cell in enumerate(code_cells(path)):
        tags = cell.get("metadata", {}).get("tags", [])
        source = "".join(cell["source"])
        assert "NBVAL_" not in source and "nbval-skip" not in tags, (
            f"{path.name}: cell {i}"
        )
        if "nbval-ignore-output" in tags:
            assert _shows_a_widget(cell), (
                f"{path.name}: cell {i} ignores output but is no explorer"
            )
