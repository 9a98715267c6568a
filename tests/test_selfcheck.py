"""Unit tests of sigmoid_course.selfcheck, and of every self-check the chapters save.

A self-check shows the same content twice: as widgets (what a reader
answers, drawn from the widget state saved in the notebook) and as an
answer key beside them (which nbval compares when it re-runs the chapter,
so the key always says what the package computes now). The tests
here check the API's rules, the widgets' structure (the jslink that makes
the site answer back), that the state read back from every chapter says
exactly what its key says, that nbval fails when a saved key differs from a
re-run, and that no option is a number typed by hand.
"""

import ast
import json
import re

import ipywidgets as widgets
import pytest
from ipywidgets.widgets.widget import _instances
from ipywidgets.widgets.widget_link import Link

from notebooks import CHAPTERS, chapter_notebooks, load, run_nbval
from sigmoid_course.selfcheck import (
    ANSWER_KEY,
    BLOCK_CLASS,
    FEEDBACK_CLASS,
    OPTIONS_CLASS,
    QUESTION_CLASS,
    WIDGET_STATE,
    WIDGET_VIEW,
    Option,
    Question,
    question,
    right,
    saved_self_checks,
    self_check,
    wrong,
)


def _q(prompt="σ(0) = ?"):
    return question(prompt, wrong("0", "σ > 0."), right("½", "1/(1 + 1)."))


# ---- the API's rules -----------------------------------------------------------


def test_right_and_wrong_make_options_with_their_feedback():
    assert right("0.25", "why") == Option("0.25", "why", True)
    assert wrong("0.50", "mistake") == Option("0.50", "mistake", False)


@pytest.mark.parametrize(
    "make, error",
    [
        (lambda: right(0.25, "why"), TypeError),
        (lambda: wrong("0.5", None), TypeError),
        (lambda: right("", "why"), ValueError),
        (lambda: wrong("0.5", "   "), ValueError),
        (lambda: question("q?", right("a", "y")), ValueError),
        (
            lambda: question(
                "q?", *[wrong(str(k), "n") for k in range(5)], right("5", "y")
            ),
            ValueError,
        ),
        (lambda: question("q?", wrong("a", "n"), wrong("b", "n")), ValueError),
        (lambda: question("q?", right("a", "y"), right("b", "y")), ValueError),
        (lambda: question("q?", right("a", "y"), wrong("a", "n")), ValueError),
        (lambda: question("q?", right("a", "y"), "b"), TypeError),
        (lambda: question(None, right("a", "y"), wrong("b", "n")), TypeError),
        (lambda: self_check(_q(), title="One"), ValueError),
        (lambda: self_check(*[_q()] * 5, title="Five"), ValueError),
        (lambda: self_check(_q(), "not a question", title="T"), TypeError),
        (lambda: self_check(_q(), _q(), title=""), ValueError),
    ],
)
def test_bad_arguments_raise_the_shared_errors(make, error):
    with pytest.raises(error):
        make()


def test_the_right_option_is_found_wherever_it_stands():
    q = question("q?", wrong("a", "n"), wrong("b", "n"), right("c", "y"))
    assert isinstance(q, Question) and q.answer == 2


# ---- the widgets -----------------------------------------------------------------


def _parts(box):
    prompt, choice, panels = box.children
    return prompt, choice, panels


def test_each_question_is_options_linked_in_the_browser_to_feedback_panels():
    block = self_check(
        question(
            "Which?", wrong("a", "No A."), right("b", "Yes B."), wrong("c", "No C.")
        ),
        _q(),
        title="T",
    )
    box = block.widget
    assert box is block.widget  # made once
    assert BLOCK_CLASS in box._dom_classes
    title, *questions = box.children
    assert "Self-check:" in title.value and len(questions) == 2
    prompt, choice, panels = _parts(questions[0])
    assert QUESTION_CLASS in questions[0]._dom_classes
    assert isinstance(choice, widgets.RadioButtons)
    assert isinstance(panels, widgets.Stack)
    assert OPTIONS_CLASS in choice._dom_classes
    assert FEEDBACK_CLASS in panels._dom_classes
    # Nothing is picked, so no feedback shows, until the reader picks.
    assert choice.index is None and panels.selected_index is None
    assert choice.options == ("a) a", "b) b", "c) c")
    assert len(panels.children) == 3
    assert "self-check-right" in panels.children[1].value
    assert all("self-check-wrong" in panels.children[k].value for k in (0, 2))
    assert "No C." in panels.children[2].value
    # Every panel is announced when it appears (an alert; a live region on the site).
    assert all('role="alert"' in p.value for p in panels.children)
    links = [
        w
        for w in _instances.values()
        if isinstance(w, Link)
        and w.source == (choice, "index")
        and w.target == (panels, "selected_index")
    ]
    assert len(links) == 1  # a jslink: it runs in the browser, without a kernel


def test_the_display_is_the_widget_an_answer_key_and_questions_without_answers():
    block = self_check(_q(), _q("σ(1) > ½?"), title="T")
    bundle = block._repr_mimebundle_()
    assert set(bundle) == {WIDGET_VIEW, ANSWER_KEY, "text/plain"}
    assert bundle[WIDGET_VIEW]["model_id"] == block.widget.model_id
    # Where JupyterLab draws no widget (an untrusted notebook) it shows the
    # plain text: the questions, not their answers.
    plain = bundle["text/plain"]
    assert plain == block.questions_text()
    assert "σ(1) > ½?" in plain and "   b) ½" in plain
    assert "Right" not in plain and "*" not in plain and "σ > 0." not in plain
    assert bundle[ANSWER_KEY] == block.answer_key() == repr(block)
    key = bundle[ANSWER_KEY]
    assert key.splitlines()[0] == "Self-check: T (the right answers are marked *)"
    assert "*  b) ½" in key and "   a) 0" in key
    assert "✓ Right. 1/(1 + 1)." in key and "✗ Not quite. σ > 0." in key
    # No model id or address in what nbval compares.
    assert not re.search(r"[0-9a-f]{32}|0x[0-9a-f]{6,}", key)


def test_text_is_escaped_and_backticks_become_code():
    block = self_check(
        question(
            "Is `s * (1 - s)` <b>safe</b>?",
            right("no", "`1 - s` cancels."),
            wrong("yes", "x < 0 & x > 0."),
        ),
        _q(),
        title="a & b",
    )
    prompt, _, panels = _parts(block.widget.children[1])
    assert "<code>s * (1 - s)</code> &lt;b&gt;safe&lt;/b&gt;?" in prompt.value
    assert "x &lt; 0 &amp; x &gt; 0." in panels.children[1].value
    assert "<code>1 - s</code> cancels." in panels.children[0].value
    assert "Self-check: a & b" in block.answer_key()


# ---- reading blocks back from saved state ----------------------------------------


def _saved_notebook(*blocks, tags=("self-check", "remove-input")):
    """A notebook as nbclient saves it: each block's display, and the widget
    state of every live widget in the metadata."""
    cells = [
        {
            "cell_type": "code",
            "metadata": {"tags": list(tags)},
            "outputs": [
                {"output_type": "execute_result", "data": b._repr_mimebundle_()}
            ],
            "source": "",
        }
        for b in blocks
    ]
    state = widgets.Widget.get_manager_state(drop_defaults=False)
    return {"cells": cells, "metadata": {"widgets": {WIDGET_STATE: state}}}


def test_saved_state_reads_back_to_the_same_answer_key():
    blocks = [
        self_check(_q(), question("x?", right("1", "y"), wrong("2", "n")), title="A"),
        self_check(_q("σ(2)?"), _q("σ(3)?"), _q("σ(4)?"), title="B `code`"),
    ]
    saved = saved_self_checks(_saved_notebook(*blocks))
    assert [s.title for s in saved] == ["A", "B code"]
    for block, s in zip(blocks, saved):
        assert s.key == block.answer_key() == s.answer_key()
        assert all(q.linked for q in s.questions)
        assert [q.answer for q in s.questions] == [q.answer for q in block.questions]


def test_a_block_whose_state_is_missing_is_reported_not_skipped():
    nb = _saved_notebook(self_check(_q(), _q(), title="A"))
    nb["metadata"] = {}
    (saved,) = saved_self_checks(nb)
    assert saved.questions == () and saved.key == ""


def test_an_explorer_is_no_self_check():
    explorer = widgets.VBox([widgets.HTML("frame")])
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [
                    {
                        "output_type": "display_data",
                        "data": explorer._repr_mimebundle_(),
                    }
                ],
            }
        ],
        "metadata": {"widgets": {WIDGET_STATE: widgets.Widget.get_manager_state()}},
    }
    assert saved_self_checks(nb) == []


# ---- the self-checks of the chapters ----------------------------------------------

NOTEBOOKS = chapter_notebooks()
SAVED = [(nb, block) for nb in NOTEBOOKS for block in saved_self_checks(load(nb))]


def _block_id(item):
    nb, block = item
    return f"{nb.stem}-cell{block.cell}"


def test_the_course_has_self_checks():
    assert SAVED, "no chapter shows a self-check"


@pytest.mark.parametrize("item", SAVED, ids=_block_id)
def test_every_saved_self_check_says_what_its_answer_key_says(item):
    nb, block = item
    assert block.questions, f"{nb.name}: self-check in cell {block.cell} has no state"
    assert 2 <= len(block.questions) <= 4
    for q in block.questions:
        assert q.answer is not None, f"{nb.name}: {q.prompt!r} marks no single answer"
        assert q.linked, f"{nb.name}: {q.prompt!r}: options do not drive the panels"
        assert len(q.labels) == len(q.feedback) >= 2
        assert all(len(f) > len("✗ Not quite. ") for f in q.feedback)
    # nbval compares the key with a re-run of the chapter; this ties the
    # widgets a reader answers to that key.
    assert block.answer_key() == block.key


@pytest.mark.parametrize("item", SAVED, ids=_block_id)
def test_every_self_check_cell_is_tagged_and_its_input_hidden(item):
    nb, block = item
    cell = load(nb)["cells"][block.cell]
    tags = cell["metadata"].get("tags", [])
    assert "self-check" in tags, "tools/reading_time.py and the PDF find it by tag"
    assert "remove-input" in tags, "its input shows the right answers"
    assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True
    assert "nbval-ignore-output" not in tags, "nbval must compare its answer key"


NUMBER = re.compile(r"[-+−]?\d+(\.\d*)?([eE][-+]?\d+)?")


def _options(source):
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("right", "wrong")
            and node.args
        ):
            yield node.func.id, node.args[0]


@pytest.mark.parametrize("item", SAVED, ids=_block_id)
def test_no_number_in_an_option_is_typed_by_hand(item):
    nb, block = item
    source = "".join(load(nb)["cells"][block.cell]["source"])
    found = list(_options(source))
    assert found, "the cell makes its options with right() and wrong()"
    for kind, text in found:
        if isinstance(text, ast.Constant) and isinstance(text.value, str):
            assert not NUMBER.fullmatch(text.value.strip()), (
                f"{nb.name}: option {text.value!r} is a number typed by hand: "
                "compute it with the course's code, f'{...:.2f}'"
            )
            if kind == "right":
                assert not re.search(r"\d", text.value), (
                    f"{nb.name}: the right answer {text.value!r} holds a typed number"
                )


def test_nbval_fails_when_a_saved_answer_key_differs_from_a_re_run(tmp_path):
    nb_path, block = SAVED[0]
    nb = load(nb_path)
    nb["cells"] = nb["cells"][: block.cell + 1]
    output = next(
        o for o in nb["cells"][block.cell]["outputs"] if WIDGET_VIEW in o["data"]
    )
    key = "".join(output["data"][ANSWER_KEY])
    # Mark the option after the right one of the first question instead.
    lines = key.splitlines()
    marked = next(k for k, line in enumerate(lines) if line.startswith("*"))
    swapped = next(
        k for k in range(marked + 1, len(lines)) if re.match(r" {3}[a-e]\) ", lines[k])
    )
    lines[marked] = " " + lines[marked][1:]
    lines[swapped] = "*" + lines[swapped][1:]
    output["data"][ANSWER_KEY] = "\n".join(lines)
    broken = tmp_path / "broken.ipynb"
    broken.write_text(json.dumps(nb), encoding="utf-8")
    result = run_nbval(broken)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "1 failed" in result.stdout


# ---- where the core chapters place them ---------------------------------------

_CORE = ["01-sigmoid", "02-derivative", "03-backpropagation", "04-vanishing-gradients"]
_NOT_TAUGHT = {"Key ideas", "Exercises", "References"}


def _core_sections(stem):
    """[(heading or None before the first, [self-check cell indices], exercise
    checks)] for each level-2 section of a core chapter, in order."""
    sections = [[None, [], 0]]
    for i, cell in enumerate(load(CHAPTERS / f"{stem}.ipynb")["cells"]):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            for heading in re.findall(r"^## (.+?)\s*$", source, re.M):
                sections.append([heading, [], 0])
        elif "self-check" in cell["metadata"].get("tags", []):
            sections[-1][1].append(i)
        elif re.search(r"\bEXERCISES\[.*?\.check\(my_\w+\)", source, re.S):
            sections[-1][2] += 1
    return sections


@pytest.mark.parametrize("stem", _CORE)
def test_every_core_section_ends_in_a_self_check(stem):
    sections = _core_sections(stem)
    taught = [s for s in sections[1:] if s[0] not in _NOT_TAUGHT]
    assert len(taught) >= 3, [s[0] for s in sections]
    missing = [s[0] for s in taught if not s[1]]
    assert not missing, f"{stem}: sections without a self-check: {missing}"


@pytest.mark.parametrize("stem", _CORE[1:])
def test_every_core_chapter_opens_with_a_self_check_on_the_one_before(stem):
    opening = _core_sections(stem)[0][1]
    assert opening, f"{stem}: no self-check before its first section"
    block = next(b for nb, b in SAVED if nb.stem == stem and b.cell == opening[0])
    assert len(block.questions) >= 2


@pytest.mark.parametrize("stem", _CORE)
def test_every_core_chapter_has_a_checked_code_exercise(stem):
    assert sum(s[2] for s in _core_sections(stem)) >= 1, stem
