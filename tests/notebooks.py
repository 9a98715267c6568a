"""Shared facts about the chapter notebooks, for the notebook and site tests."""

import json
import pathlib
import subprocess
import sys
from urllib.parse import urlsplit

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"


def chapter_notebooks():
    """Every notebook in chapters/, in file-name (teaching) order."""
    return sorted(p for p in CHAPTERS.glob("*.ipynb"))


def load(path):
    return json.loads(pathlib.Path(path).read_text(encoding="utf-8"))


def code_cells(path):
    return [c for c in load(path)["cells"] if c["cell_type"] == "code"]


def toc_files():
    """The `file:` entries of _toc.yml (root included), without suffix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            for part in entry.get("parts", []) or []:
                walk(part.get("chapters"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []) or []:
        walk(part.get("chapters"))
    return files


def toc_notebooks():
    """The chapter notebooks of the built book: those _toc.yml lists, in its order.

    tests/test_notebooks.py checks that it lists every notebook of chapters/.
    """
    return [
        ROOT / (f + ".ipynb") for f in toc_files() if (ROOT / (f + ".ipynb")).exists()
    ]


def binder_url(nb):
    """The launch URL a chapter's Binder button must have: JupyterLab on that notebook.

    OWNER/REPO come from repository.url in _config.yml. The branch is this
    repository's, main, written out rather than read from repository.branch:
    jupyter-book's default there is master, which a config without the key
    would silently produce.
    """
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    owner_repo = urlsplit(config["repository"]["url"]).path.strip("/")
    return f"https://mybinder.org/v2/gh/{owner_repo}/main?urlpath=lab/tree/chapters/{nb.name}"


def run_nbval(path):
    """nbval on one notebook in a child pytest, as `make test-nbval` runs it.

    Returns the finished process; its stdout ends with pytest's summary. The
    child must run the cells in order: pytest-randomly, if installed, would
    shuffle them.
    """
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(ROOT / "tests" / "nbval_sanitize.cfg"),
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-q",
            str(path),
        ],
        cwd=CHAPTERS,
        capture_output=True,
        text=True,
        timeout=600,
    )
