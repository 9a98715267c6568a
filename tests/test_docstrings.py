"""Every "Explained in:" line of the package names a chapter and a heading that exist.

A docstring says where the course explains its helper, in the form
``Explained in: Chapter N, "Heading"`` (more headings may follow, each
quoted, and a later ``Chapter M`` switches chapter).  Chapter N is the
notebook of _toc.yml whose file name starts with N (chapters/03-….ipynb is
Chapter 3); a heading is a markdown heading line (``#`` to ``######``) of
that notebook, compared exactly.
"""

import ast
import importlib
import inspect
import pkgutil
import re

import pytest

import sigmoid_course
from notebooks import ROOT, load, toc_files


def _chapters():
    """{chapter number: notebook path} for the chapters listed in _toc.yml."""
    chapters = {}
    for entry in toc_files():
        path = ROOT / (entry + ".ipynb")
        match = re.match(r"(\d+)-", path.name)
        if entry.startswith("chapters/") and match and path.exists():
            chapters[int(match.group(1))] = path
    return chapters


def _headings(path):
    headings = set()
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                match = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
                if match:
                    headings.add(match.group(1))
    return headings


def _docstrings():
    """(where, docstring) for every module, class, function and method of the
    package."""
    found = []
    for info in pkgutil.iter_modules(sigmoid_course.__path__):
        module = importlib.import_module(f"sigmoid_course.{info.name}")
        tree = ast.parse(inspect.getsource(module))
        for node in ast.walk(tree):
            if isinstance(
                node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
            ):
                doc = ast.get_docstring(node)
                if doc:
                    where = f"sigmoid_course.{info.name}" + (
                        "" if isinstance(node, ast.Module) else f".{node.name}"
                    )
                    found.append((where, doc))
    return found


def explained_in(doc):
    """The (chapter, heading) pairs that the "Explained in:" paragraph of ``doc`` names,
    in order.

    >>> doc = 'Explained in: Chapter 3, "A"; the rest\\nin Chapter 4, "B" and "C".'
    >>> explained_in(doc)
    [(3, 'A'), (4, 'B'), (4, 'C')]
    """
    pairs = []
    for paragraph in re.findall(r"Explained in:(.*?)(?:\n\s*\n|\Z)", doc, re.S):
        text = " ".join(paragraph.split())
        chapter = None
        for match in re.finditer(r'Chapter (\d+)|"([^"]+)"', text):
            if match.group(1):
                chapter = int(match.group(1))
            else:
                pairs.append((chapter, match.group(2)))
    return pairs


DOCSTRINGS = [(where, doc) for where, doc in _docstrings() if "Explained in:" in doc]


def test_the_parser_reads_the_forms_the_package_uses():
    assert explained_in('Explained in: Chapter 2, "X" (derivation and\n    "Y").') == [
        (2, "X"),
        (2, "Y"),
    ]
    assert explained_in(
        'Explained in: Chapter 3, "T"; Chapter 4 passes a callback.'
    ) == [(3, "T")]
    assert explained_in("No such line.") == []


def test_docstrings_name_their_chapters():
    assert len(DOCSTRINGS) >= 30, (
        "fewer Explained-in lines than the package has helpers"
    )


@pytest.mark.parametrize("where, doc", DOCSTRINGS, ids=[w for w, _ in DOCSTRINGS])
def test_explained_in_names_a_heading_that_exists(where, doc):
    chapters = _chapters()
    pairs = explained_in(doc)
    assert pairs, f'{where}: "Explained in:" names no "quoted heading"'
    for chapter, heading in pairs:
        assert chapter in chapters, (
            f'{where}: "Explained in" names Chapter {chapter}, which is not in '
            f"_toc.yml (chapters {sorted(chapters)})"
        )
        headings = _headings(chapters[chapter])
        assert heading in headings, (
            f'{where} names the heading "{heading}" of Chapter {chapter} '
            f"({chapters[chapter].name}), which has no such heading; it has: "
            + "; ".join(sorted(headings))
        )
