"""Self-checks: short multiple-choice questions that answer back, with no kernel.

A self-check block holds two to four questions.  Each question has two to
five options, exactly one of them right, and **every option has its own
feedback**: why it is right, or which mistake leads to it.  A chapter writes
the options and the numbers in them with the course's code, never by hand::

    from sigmoid_course import sigmoid, sigmoid_prime
    from sigmoid_course.selfcheck import question, right, self_check, wrong

    self_check(
        question(
            "What is the slope σ′(0) of the sigmoid at its centre?",
            wrong(f"{sigmoid(0.0):.2f}", "That is σ(0), the height of the curve."),
            right(f"{sigmoid_prime(0.0):.2f}", "σ′(0) = σ(0)(1 − σ(0)) = ½ · ½."),
        ),
        question(...),
        title="Steepness and shift",
    )

**How it answers back everywhere.**  The block is made of ipywidgets: per
question a prompt (``widgets.HTML``), the options (``widgets.RadioButtons``)
and one feedback panel per option in a ``widgets.Stack`` whose
``selected_index`` follows the options' ``index`` through a
``widgets.jslink``.  The link runs in the browser, so picking an option shows
its feedback on the static website (which draws the widgets from the state
saved in the notebook), in JupyterLab and on Binder, with or without a
kernel: the same mechanism as the explorers of :mod:`sigmoid_course.widgets`.

**Accessibility.**  The options are native radio buttons (Tab reaches each,
Space picks it), each labelled by its text; the feedback starts with a word,
"Right." or "Not quite.", never a colour alone.  A feedback panel has
``role="alert"``, so a screen reader announces it when it appears; on the
website ``_static/self-check.js`` turns the panel's container into a polite
live region (``aria-live``) instead and names the radio group by its
question.  Write symbols in Unicode (σ′, ≥, ½): a self-check loads no MathJax.

**What nbval compares.**  Displayed in a notebook, a block gives three
outputs: the widget view (which nbval skips: its model ids are random), the
answer key as :data:`ANSWER_KEY` (every question, every option with its
feedback, the right option marked ``*``), which no front end shows but nbval
compares, and a ``text/plain`` version with the questions and options only.
JupyterLab shows that plain text where it will not draw widgets (a notebook
it does not trust, such as one just opened on Binder), so the answers are
not given away before the cell runs.  Re-running the chapter checks the
answers against the package; :func:`saved_self_checks` reads the blocks
back from a saved notebook's widget state, so a test can check that the
state a reader sees says the same as the key.

**The cell.**  A self-check cell carries the tags ``self-check`` (the
reading-time measure skips it, tools/book_pdf.py prints it as an answer key)
and ``remove-input`` (its input is plumbing; the reader needs the questions,
not the call that draws them).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

import ipywidgets as widgets

from ._arrays import check_text

__all__ = [
    "ANSWER_KEY",
    "AnswerKeyRenderer",
    "MAX_OPTIONS",
    "QUESTIONS_PER_BLOCK",
    "Option",
    "Question",
    "SavedQuestion",
    "SavedSelfCheck",
    "SelfCheck",
    "question",
    "right",
    "saved_self_checks",
    "self_check",
    "wrong",
]

#: How many questions one block may hold (issue 18: two to four per section).
QUESTIONS_PER_BLOCK = (2, 4)
#: The most options one question may offer.
MAX_OPTIONS = 5

#: The class of the element that holds a block, of each question, of the
#: options and of the feedback panels' container (tests and CSS find them).
BLOCK_CLASS = "self-check"
QUESTION_CLASS = "self-check-question"
OPTIONS_CLASS = "self-check-options"
FEEDBACK_CLASS = "self-check-feedback"

#: The MIME type of the answer key beside the widget: nbval compares it, no
#: front end renders it.
ANSWER_KEY = "text/x-sigmoid-course-answer-key"

_VERDICT = {True: "Right.", False: "Not quite."}
_MARK = {True: "✓", False: "✗"}
_LETTERS = "abcdefghij"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


@dataclass(frozen=True)
class Option:
    """One answer to pick: its text, the feedback shown when it is picked, and
    whether it is the right one."""

    text: str
    feedback: str
    right: bool


def right(text: str, why: str) -> Option:
    """Return the right option of a question: ``text`` and ``why`` it is right.

    >>> right("0.25", "σ′(0) = ½ · ½.")
    Option(text='0.25', feedback='σ′(0) = ½ · ½.', right=True)

    Used by: the self-checks of the core chapters.
    """
    return Option(check_text(text, "text"), check_text(why, "why"), True)


def wrong(text: str, mistake: str) -> Option:
    """Return a wrong option: ``text`` and the ``mistake`` that leads to it.

    The feedback names the misconception, not only that the answer is wrong:
    "That is σ(0), the height of the curve, not its slope."

    >>> wrong("0.50", "That is σ(0).").right
    False

    Used by: the self-checks of the core chapters.
    """
    return Option(check_text(text, "text"), check_text(mistake, "mistake"), False)


@dataclass(frozen=True)
class Question:
    """A prompt and its options (exactly one of them right), in display order."""

    prompt: str
    options: tuple[Option, ...]

    @property
    def answer(self) -> int:
        """The position of the right option."""
        return next(k for k, o in enumerate(self.options) if o.right)


def question(prompt: str, *options: Option) -> Question:
    """Return a question: a ``prompt`` and two to five options made by
    :func:`right` and :func:`wrong`, exactly one of them right.

    Options show in the order given.  ``TypeError`` for an option that is not
    an :class:`Option`; ``ValueError`` for too few or too many options, two
    options with the same text (two computed numbers that print alike), or
    not exactly one right option.

    >>> q = question("σ(0) = ?", wrong("0", "σ > 0."), right("0.5", "1/(1 + 1)."))
    >>> q.answer
    1
    >>> question("σ(0) = ?", right("0.5", "Yes."), right("0.5", "Again."))
    Traceback (most recent call last):
    ...
    ValueError: question 'σ(0) = ?': two options read '0.5'

    Used by: the self-checks of the core chapters.
    """
    prompt = check_text(prompt, "prompt")
    for k, option in enumerate(options):
        if not isinstance(option, Option):
            raise TypeError(
                f"question {prompt!r}: option {k + 1} must be made by right() or "
                f"wrong(), got {type(option).__name__}"
            )
    if not 2 <= len(options) <= MAX_OPTIONS:
        raise ValueError(
            f"question {prompt!r} must have 2 to {MAX_OPTIONS} options, "
            f"got {len(options)}"
        )
    texts = [o.text for o in options]
    for text in texts:
        if texts.count(text) > 1:
            raise ValueError(f"question {prompt!r}: two options read {text!r}")
    rights = sum(o.right for o in options)
    if rights != 1:
        raise ValueError(
            f"question {prompt!r} must have exactly one right option, got {rights}"
        )
    return Question(prompt, tuple(options))


class AnswerKeyRenderer:
    """How myst-nb renders :data:`ANSWER_KEY` on a page: not at all.

    The page shows the widget (and the PDF an answer key of its own, made by
    tools/book_pdf.py); the key in the notebook is for nbval.  Registered as
    the entry point ``myst_nb.mime_renderers`` in pyproject.toml, without
    which myst-nb warns of an unknown output type (a failure in the strict
    build).

    >>> from types import SimpleNamespace as Data
    >>> AnswerKeyRenderer.handle_mime(None, Data(mime_type=ANSWER_KEY), False)
    []
    >>> print(AnswerKeyRenderer.handle_mime(None, Data(mime_type="text/plain"), False))
    None

    Used by: the book's build.
    """

    mime_priority_overrides = ()

    @staticmethod
    def handle_mime(renderer, data, inline):
        """No nodes for the answer key; None (not mine) for every other type."""
        return [] if data.mime_type == ANSWER_KEY else None


def _inline(text: str) -> str:
    """Plain text as HTML: escaped, with `backticks` as <code>."""
    parts = html.escape(text, quote=False).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick stays a backtick
        return html.escape(text, quote=False)
    return "".join(
        f"<code>{part}</code>" if k % 2 else part for k, part in enumerate(parts)
    )


def _text(markup: str) -> str:
    """The text a reader sees in a snippet of the HTML above (tags dropped)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())


def _label(k: int, text: str) -> str:
    return f"{_LETTERS[k]}) {text}"


def _title_html(title: str) -> str:
    return (
        f'<p class="self-check-title"><strong>Self-check:</strong> {_inline(title)}'
        "</p>"
    )


def _prompt_html(number: int, prompt: str) -> str:
    return (
        f'<p class="self-check-prompt"><span class="self-check-number">{number}.'
        f"</span> {_inline(prompt)}</p>"
    )


def _feedback_html(option: Option) -> str:
    kind = "right" if option.right else "wrong"
    return (
        f'<div class="self-check-verdict self-check-{kind}" role="alert">'
        f'<span class="self-check-mark" aria-hidden="true">{_MARK[option.right]}'
        f"</span> <strong>{_VERDICT[option.right]}</strong> "
        f"{_inline(option.feedback)}</div>"
    )


def _questions_text(title: str, questions: Iterable[tuple[str, list[str]]]) -> str:
    """The questions and options as plain text, without the answers."""
    lines = [f"Self-check: {title}"]
    for number, (prompt, labels) in enumerate(questions, start=1):
        lines += ["", f"{number}. {prompt}"] + [f"   {label}" for label in labels]
    lines += [
        "",
        "Run this cell to answer: each option you pick then says why it is",
        "right or wrong.",
    ]
    return "\n".join(lines)


def _key_text(title: str, questions: Iterable[tuple[str, list[str], list[str], int]]):
    """The answer key as plain text, from (prompt, labels, feedback, answer) in the
    words a reader sees."""
    lines = [f"Self-check: {title} (the right answers are marked *)"]
    for number, (prompt, labels, feedback, answer) in enumerate(questions, start=1):
        lines += ["", f"{number}. {prompt}"]
        for k, (label, said) in enumerate(zip(labels, feedback)):
            lines.append(f"{'*' if k == answer else ' '}  {label}")
            lines.append(f"     {said}")
    return "\n".join(lines)


class SelfCheck:
    """A block of questions that displays as widgets and as a plain-text answer key.

    Made by :func:`self_check`.  ``widget`` is the ipywidgets box a reader
    answers; ``answer_key()`` the text nbval compares; ``questions_text()``
    the plain text shown where widgets are not drawn.

    Used by: the self-checks of the core chapters.
    """

    def __init__(self, title: str, questions: tuple[Question, ...]):
        self.title = title
        self.questions = questions
        self._widget = None

    def answer_key(self) -> str:
        """Every question with its options and their feedback, the right one marked *.

        >>> block = self_check(
        ...     question("σ(0) = ?", wrong("0", "σ > 0."), right("½", "1/(1 + 1).")),
        ...     question("σ(−x) = ?", right("1 − σ(x)", "Symmetry."),
        ...              wrong("−σ(x)", "σ is positive.")),
        ...     title="Definition")
        >>> print(block.answer_key())
        Self-check: Definition (the right answers are marked *)
        <BLANKLINE>
        1. σ(0) = ?
           a) 0
             ✗ Not quite. σ > 0.
        *  b) ½
             ✓ Right. 1/(1 + 1).
        <BLANKLINE>
        2. σ(−x) = ?
        *  a) 1 − σ(x)
             ✓ Right. Symmetry.
           b) −σ(x)
             ✗ Not quite. σ is positive.
        """
        return _key_text(_text(_inline(self.title)), self._as_read())

    def questions_text(self) -> str:
        """The questions and their options, without answers or feedback.

        >>> q = question("σ(0) = ?", wrong("0", "σ > 0."), right("½", "1/(1 + 1)."))
        >>> print(self_check(q, q, title="Twice").questions_text())
        Self-check: Twice
        <BLANKLINE>
        1. σ(0) = ?
           a) 0
           b) ½
        <BLANKLINE>
        2. σ(0) = ?
           a) 0
           b) ½
        <BLANKLINE>
        Run this cell to answer: each option you pick then says why it is
        right or wrong.
        """
        return _questions_text(
            _text(_inline(self.title)),
            ((prompt, labels) for prompt, labels, _, _ in self._as_read()),
        )

    def _as_read(self) -> list[tuple[str, list[str], list[str], int]]:
        """Per question, the words a reader sees: the prompt, the option labels,
        each option's feedback; and the right option's position."""
        return [
            (
                _text(_inline(q.prompt)),
                [_label(k, o.text) for k, o in enumerate(q.options)],
                [_text(_feedback_html(o)) for o in q.options],
                q.answer,
            )
            for q in self.questions
        ]

    @property
    def widget(self) -> widgets.VBox:
        """The block as widgets (made once): a title, then per question its prompt,
        options and feedback panels."""
        if self._widget is None:
            children = [widgets.HTML(_title_html(self.title))]
            for number, q in enumerate(self.questions, start=1):
                children.append(_question_widget(number, q))
            box = widgets.VBox(children, layout=widgets.Layout(max_width="100%"))
            box.add_class(BLOCK_CLASS)
            self._widget = box
        return self._widget

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = self.widget._repr_mimebundle_()
        data["text/plain"] = self.questions_text()
        data[ANSWER_KEY] = self.answer_key()
        return data

    def __repr__(self) -> str:
        return self.answer_key()


def _question_widget(number: int, q: Question) -> widgets.VBox:
    prompt = widgets.HTML(_prompt_html(number, q.prompt))
    choice = widgets.RadioButtons(
        options=[_label(k, o.text) for k, o in enumerate(q.options)],
        index=None,
        layout=widgets.Layout(width="100%"),
    )
    choice.add_class(OPTIONS_CLASS)
    panels = widgets.Stack(
        [widgets.HTML(_feedback_html(o)) for o in q.options], selected_index=None
    )
    panels.add_class(FEEDBACK_CLASS)
    widgets.jslink((choice, "index"), (panels, "selected_index"))
    box = widgets.VBox([prompt, choice, panels])
    box.add_class(QUESTION_CLASS)
    return box


def self_check(*questions: Question, title: str) -> SelfCheck:
    """Return a block of two to four questions made by :func:`question`.

    ``title`` names what the block checks, usually its section ("Steepness
    and shift").  As the last expression of a cell the block displays
    itself; see the module's docstring for the cell's tags.

    >>> q = question("σ(0) = ?", wrong("0", "σ > 0."), right("½", "1/(1 + 1)."))
    >>> block = self_check(q, q, title="Definition")
    >>> box = block.widget
    >>> box._dom_classes, len(box.children)
    (('self-check',), 3)
    >>> self_check(q, title="Definition")
    Traceback (most recent call last):
    ...
    ValueError: a self-check must have 2 to 4 questions, got 1

    Used by: the self-checks of the core chapters.
    """
    title = check_text(title, "title")
    for k, q in enumerate(questions):
        if not isinstance(q, Question):
            raise TypeError(
                f"question {k + 1} must be made by question(), got {type(q).__name__}"
            )
    low, high = QUESTIONS_PER_BLOCK
    if not low <= len(questions) <= high:
        raise ValueError(
            f"a self-check must have {low} to {high} questions, got {len(questions)}"
        )
    return SelfCheck(title, tuple(questions))


# ---- reading blocks back from a saved notebook ---------------------------------


@dataclass(frozen=True)
class SavedQuestion:
    """A question as the saved widget state shows it: the prompt's text, the option
    labels, each option's feedback text, the right option's position (None unless
    exactly one panel says "Right."), and whether the options drive the panels
    through a jslink."""

    prompt: str
    labels: tuple[str, ...]
    feedback: tuple[str, ...]
    answer: int | None
    linked: bool


@dataclass(frozen=True)
class SavedSelfCheck:
    """A block as saved in a notebook: the cell it is in, its title, its questions,
    and the answer key stored beside the widget view (:data:`ANSWER_KEY`)."""

    cell: int
    model_id: str
    title: str
    questions: tuple[SavedQuestion, ...]
    key: str

    def answer_key(self) -> str:
        """The answer key as :meth:`SelfCheck.answer_key` writes it, made from the
        saved widget state (equal to ``key`` when state and key agree)."""
        return _key_text(
            self.title,
            (
                (q.prompt, list(q.labels), list(q.feedback), q.answer)
                for q in self.questions
            ),
        )


def _model_ref(ref: str) -> str:
    return ref.removeprefix("IPY_MODEL_")


def _saved_question(models: dict, model_id: str, links: set) -> SavedQuestion:
    prompt, choice, panels = (
        _model_ref(c) for c in models[model_id]["state"]["children"]
    )
    feedback = [
        models[_model_ref(c)]["state"]["value"]
        for c in models[panels]["state"]["children"]
    ]
    rights = [k for k, f in enumerate(feedback) if "self-check-right" in f]
    prompt_text = _text(models[prompt]["state"]["value"])
    return SavedQuestion(
        prompt=re.sub(r"^\d+\.\s*", "", prompt_text),
        labels=tuple(models[choice]["state"]["_options_labels"]),
        feedback=tuple(_text(f) for f in feedback),
        answer=rights[0] if len(rights) == 1 else None,
        linked=((choice, "index"), (panels, "selected_index")) in links,
    )


def saved_self_checks(notebook: dict) -> list[SavedSelfCheck]:
    """Return every self-check block of a saved notebook (its JSON as a dict),
    read from the widget state in its metadata, in cell order.

    A block is a displayed widget whose box has the class ``self-check``.  A
    block whose state is missing is returned with no questions, so that a
    test sees it rather than skips it.  Used by the tests and by
    tools/book_pdf.py, which prints each block as an answer key.

    >>> saved_self_checks({"cells": [], "metadata": {}})
    []

    Used by: the self-checks of the core chapters.
    """
    models = (
        notebook.get("metadata", {})
        .get("widgets", {})
        .get(WIDGET_STATE, {})
        .get("state", {})
    )
    links = set()
    for model in models.values():
        if model.get("model_name") in ("LinkModel", "DirectionalLinkModel"):
            state = model["state"]
            (source, s_trait), (target, t_trait) = state["source"], state["target"]
            links.add(((_model_ref(source), s_trait), (_model_ref(target), t_trait)))
    found = []
    for index, cell in enumerate(notebook.get("cells", [])):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            model_id = data[WIDGET_VIEW]["model_id"]
            model = models.get(model_id)
            is_block = "self-check" in cell.get("metadata", {}).get("tags", [])
            if model is not None:
                is_block = BLOCK_CLASS in model["state"].get("_dom_classes", [])
            if not is_block:
                continue
            if model is None:
                found.append(SavedSelfCheck(index, model_id, "", (), ""))
                continue
            title_id, *question_ids = (
                _model_ref(c) for c in model["state"]["children"]
            )
            title = _text(models[title_id]["state"]["value"]).removeprefix(
                "Self-check: "
            )
            found.append(
                SavedSelfCheck(
                    cell=index,
                    model_id=model_id,
                    title=title,
                    questions=tuple(
                        _saved_question(models, q, links) for q in question_ids
                    ),
                    key="".join(data.get(ANSWER_KEY, "")),
                )
            )
    return found
