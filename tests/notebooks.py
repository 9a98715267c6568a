"""Shared facts about the chapter notebooks, for the notebook and site tests."""

import json
import pathlib

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
