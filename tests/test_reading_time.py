"""The reading-time measure (tools/reading_time.py) and what the pages state.

Every chapter states its reading time at the top; the measure recomputes it
from the notebook, so a stated time cannot go stale, and a core chapter may
ask at most 20 minutes of a reader.
"""

import importlib.util
import sys

import pytest

from notebooks import ROOT, toc_notebooks

_spec = importlib.util.spec_from_file_location(
    "reading_time", ROOT / "tools" / "reading_time.py"
)
reading_time = importlib.util.module_from_spec(_spec)
sys.modules["reading_time"] = reading_time  # dataclasses look it up there
_spec.loader.exec_module(reading_time)

NOTEBOOKS = toc_notebooks()
IDS = [p.name for p in NOTEBOOKS]


def _markdown(text, tags=()):
    return {"cell_type": "markdown", "source": text, "metadata": {"tags": list(tags)}}


def _code(text, outputs=(), tags=()):
    return {
        "cell_type": "code",
        "source": text,
        "metadata": {"tags": list(tags)},
        "outputs": list(outputs),
    }


def test_measure_counts_words_code_and_printed_lines():
    notebook = {
        "cells": [
            # 300 words of prose: two minutes.
            _markdown("# Title\n\n" + "word " * 298),
            # 10 lines of code and 10 printed lines: one minute.
            _code(
                "\n".join(f"x{i} = {i}" for i in range(10)),
                outputs=[
                    {
                        "output_type": "stream",
                        "name": "stdout",
                        "text": "line\n" * 10,
                    }
                ],
            ),
        ]
    }
    m = reading_time.measure_notebook(notebook)
    assert (m.words, m.code_lines, m.output_lines) == (300, 10, 10)
    assert m.minutes == pytest.approx(3.0)
    assert m.stated_minutes == 3


def test_measure_leaves_out_exercises_references_self_checks_and_markup():
    # Exercises placed in a section are tagged `exercise` and left out too.
    notebook = {
        "cells": [
            _markdown(
                "(sec-a)=\n## Section\n\n% a comment\n```{math}\n:label: x\n"
                "```\none two three\n\n**Reading time:** about 9 minutes"
            ),
            _code("check = 1\nshow(check)", tags=["self-check"]),
            _markdown(":::{exercise}\nWrite it yourself.\n:::", tags=["exercise"]),
            _code(
                "def mine():\n    pass",
                tags=["exercise"],
                outputs=[
                    {"output_type": "stream", "name": "stdout", "text": "Passed.\n"}
                ],
            ),
            _code(
                "hidden = 1",
                tags=["remove-input"],
                outputs=[
                    {"output_type": "execute_result", "data": {"text/plain": "1"}}
                ],
            ),
            _markdown("Kept.\n\n## Exercises\n\nskipped words here"),
            _code("skipped = 1"),
            _markdown("## References\n\nskipped"),
        ]
    }
    m = reading_time.measure_notebook(notebook)
    # "## Section" (2 words), "one two three" (3), "Kept." (1); one printed line.
    assert (m.words, m.code_lines, m.output_lines) == (6, 0, 1)


def test_printed_lines_do_not_depend_on_how_the_kernel_chunked_them():
    # One print of two lines, as the kernel may deliver it: in one chunk, or in
    # three ("a" and "b" with their newlines split off).  The book shows both as
    # the same two lines.
    def chunks(*texts):
        return [{"output_type": "stream", "name": "stdout", "text": t} for t in texts]

    whole = reading_time.measure_notebook({"cells": [_code("", chunks("a\nb\n"))]})
    split = reading_time.measure_notebook(
        {"cells": [_code("", chunks("a\n", "b", "\n"))]}
    )
    assert whole.output_lines == split.output_lines == 2


def test_figures_and_widgets_count_no_lines():
    figure = {
        "output_type": "display_data",
        "data": {"image/png": "AAAA", "text/plain": "<Figure size 640x480>"},
    }
    widget = {
        "output_type": "display_data",
        "data": {"application/vnd.jupyter.widget-view+json": {}, "text/plain": "VBox"},
    }
    m = reading_time.measure_notebook({"cells": [_code("", [figure, widget])]})
    assert m.output_lines == 0


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_chapter_states_its_measured_reading_time(path):
    stated = reading_time.stated_minutes(path)
    assert stated is not None, (
        f"{path.name}: no '**Reading time:** about N minutes' line at the top"
    )
    measured = reading_time.measure(path)
    assert stated == measured.stated_minutes, (
        f"{path.name} states {stated} minutes, the measure gives "
        f"{measured.minutes:.1f}: run `python tools/reading_time.py --write`"
    )


CORE = reading_time.core_chapters()


def test_the_core_is_the_four_chapters_the_course_exists_for():
    assert [p.stem for p in CORE] == [
        "01-sigmoid",
        "02-derivative",
        "03-backpropagation",
        "04-vanishing-gradients",
    ]


@pytest.mark.parametrize("path", CORE, ids=[p.name for p in CORE])
def test_a_core_chapter_reads_in_at_most_20_minutes(path):
    measured = reading_time.measure(path)
    assert measured.minutes <= 20, (
        f"{path.name} measures {measured.minutes:.1f} minutes; a core chapter "
        "may ask at most 20 (move a topic into a deep dive and link it)"
    )
