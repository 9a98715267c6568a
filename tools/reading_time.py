"""Reading time of every page of the book, measured on its source.

The measure (the one the learner's review and the course's issues use): prose
words at 150 words a minute, plus 3 seconds per line of code and per line of
printed output, rounded up to whole minutes. What a reader does not read on the
way through is left out: the sections headed "Exercises" and "References"
(solutions included), cells tagged ``self-check`` (questions to answer, like
the exercises) or ``exercise`` (a code exercise placed in its section: its
text, starter cell, check and solution), the input of cells tagged
``remove-input`` or ``hide-input`` and every cell tagged ``remove-cell``, and
the line that states the reading time itself. Figures, explorers and widgets
count no lines: the measure is of text.

Prose words are the whitespace-separated tokens of the markdown cells after
MyST's markup lines (labels ``(name)=``, comments ``%``, directive fences and
their ``:option:`` lines) are removed; a formula counts as many words as it has
tokens.

Each notebook states its own reading time in a markdown line such as
``**Reading time:** about 18 minutes``. tests/test_reading_time.py fails when
the stated number differs from the measured one, or when a core chapter
(the "Core" part of _toc.yml) measures more than 20 minutes.

    python tools/reading_time.py            # the table, for every page of _toc.yml
    python tools/reading_time.py --write    # update the stated times in the notebooks

`make bench` prints the table.
"""

from __future__ import annotations

import argparse
import json
import math
import pathlib
import re
import sys
from dataclasses import dataclass

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
WORDS_PER_MINUTE = 150
SECONDS_PER_LINE = 3
CORE_LIMIT_MINUTES = 20
SKIPPED_SECTIONS = ("exercises", "references")
SKIPPED_CELL_TAGS = {"self-check", "exercise", "remove-cell"}
HIDDEN_INPUT_TAGS = {"remove-input", "hide-input"}
STATED = re.compile(r"\*\*Reading time:\*\* about (\d+) minutes?")
_MARKUP_LINE = re.compile(
    r"^\s*(\(.+\)=\s*$|%|```|:::|:[\w-]+:(\s|$)|\{[\w-]+\}`?\s*$)"
)
_LEVEL2 = re.compile(r"^##\s+(.+?)\s*$")


@dataclass(frozen=True)
class Measure:
    """What one page asks of a reader: words, lines of code and of output."""

    words: int
    code_lines: int
    output_lines: int

    @property
    def minutes(self) -> float:
        return (
            self.words / WORDS_PER_MINUTE
            + (self.code_lines + self.output_lines) * SECONDS_PER_LINE / 60
        )

    @property
    def stated_minutes(self) -> int:
        """The minutes a page states: the measure rounded up."""
        return max(1, math.ceil(self.minutes - 1e-9))


def _prose_words(text: str) -> int:
    words = 0
    for line in text.splitlines():
        if _MARKUP_LINE.match(line) or STATED.search(line):
            continue
        words += len(re.sub(r"<[^>]+>", " ", line).split())
    return words


def _output_lines(output: dict) -> int:
    kind = output.get("output_type")
    if kind == "stream":
        return len("".join(output.get("text", "")).splitlines())
    if kind == "error":
        return 1
    data = output.get("data", {})
    if any(
        key.startswith("image/") or "widget" in key or key == "text/html"
        for key in data
    ):
        return 0
    return len("".join(data.get("text/plain", "")).splitlines())


def _merged_streams(outputs: list) -> list:
    """The outputs with consecutive chunks of one stream joined, as the book shows
    them (nb_merge_streams): the kernel's chunking must not change the count."""
    merged = []
    for output in outputs:
        last = merged[-1] if merged else {}
        if (
            output.get("output_type") == "stream"
            and last.get("output_type") == "stream"
            and last.get("name") == output.get("name")
        ):
            text = "".join(last.get("text", "")) + "".join(output.get("text", ""))
            merged[-1] = {**last, "text": text}
        else:
            merged.append(output)
    return merged


def _is_skipped(heading: str) -> bool:
    return heading.strip().lower().startswith(SKIPPED_SECTIONS)


def measure_notebook(notebook: dict) -> Measure:
    """The reading measure of a notebook given as its JSON dict."""
    words = code = outputs = 0
    skipped = False  # inside an Exercises or References section
    for cell in notebook["cells"]:
        tags = set(cell.get("metadata", {}).get("tags", []))
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            kept = []
            for line in source.splitlines():
                heading = _LEVEL2.match(line)
                if heading:
                    skipped = _is_skipped(heading.group(1))
                if not skipped:
                    kept.append(line)
            if not tags & SKIPPED_CELL_TAGS:
                words += _prose_words("\n".join(kept))
        elif cell["cell_type"] == "code" and not skipped:
            if tags & SKIPPED_CELL_TAGS:
                continue
            if not tags & HIDDEN_INPUT_TAGS:
                code += sum(1 for line in source.splitlines() if line.strip())
            outputs += sum(
                _output_lines(o) for o in _merged_streams(cell.get("outputs", []))
            )
    return Measure(words, code, outputs)


def measure_markdown(text: str) -> Measure:
    """The reading measure of a markdown page (its prose only)."""
    kept, skipped = [], False
    for line in text.splitlines():
        heading = _LEVEL2.match(line)
        if heading:
            skipped = _is_skipped(heading.group(1))
        if not skipped:
            kept.append(line)
    return Measure(_prose_words("\n".join(kept)), 0, 0)


def measure(path: pathlib.Path) -> Measure:
    if path.suffix == ".ipynb":
        return measure_notebook(json.loads(path.read_text(encoding="utf-8")))
    return measure_markdown(path.read_text(encoding="utf-8"))


def stated_minutes(path: pathlib.Path) -> int | None:
    """The reading time a page states about itself, or None."""
    found = STATED.search(path.read_text(encoding="utf-8"))
    return int(found.group(1)) if found else None


def toc_parts() -> list[tuple[str, list[pathlib.Path]]]:
    """(caption, source files) for each part of _toc.yml, root page first."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))

    def source(entry: str) -> pathlib.Path:
        for suffix in (".ipynb", ".md"):
            if (ROOT / (entry + suffix)).exists():
                return ROOT / (entry + suffix)
        raise FileNotFoundError(f"_toc.yml lists {entry}, which does not exist")

    parts = [("", [source(toc["root"])])]
    for part in toc.get("parts", []):
        parts.append(
            (part.get("caption", ""), [source(c["file"]) for c in part["chapters"]])
        )
    return parts


def core_chapters() -> list[pathlib.Path]:
    """The files of the part captioned "Core"."""
    return [p for caption, files in toc_parts() if caption == "Core" for p in files]


def write_stated(path: pathlib.Path) -> bool:
    """Update the stated reading time of a notebook in place; True if it changed."""
    text = path.read_text(encoding="utf-8")
    minutes = measure(path).stated_minutes
    unit = "minute" if minutes == 1 else "minutes"
    new = STATED.sub(f"**Reading time:** about {minutes} {unit}", text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def table() -> str:
    rows = [
        f"{'part':<12} {'page':<34} {'words':>6} {'code':>5} {'output':>6} "
        f"{'minutes':>8} {'stated':>7}"
    ]
    for caption, files in toc_parts():
        for path in files:
            m = measure(path)
            stated = stated_minutes(path)
            rows.append(
                f"{caption or 'Landing':<12} {path.name:<34} {m.words:>6} "
                f"{m.code_lines:>5} {m.output_lines:>6} {m.minutes:>8.1f} "
                f"{'-' if stated is None else stated:>7}"
            )
    return "\n".join(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write", action="store_true", help="update the stated reading times"
    )
    args = parser.parse_args(argv)
    if args.write:
        for _, files in toc_parts():
            for path in files:
                if path.suffix == ".ipynb" and write_stated(path):
                    print(f"updated {path.relative_to(ROOT)}")
    print(
        f"Reading time: {WORDS_PER_MINUTE} words a minute, {SECONDS_PER_LINE} s per "
        "line of code or output; exercises, references and self-checks left out"
    )
    print(table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
