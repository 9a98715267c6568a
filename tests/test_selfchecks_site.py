"""Every self-check of the built site (_build/html) answered in Chromium, offline.

`make test-site` builds the book strictly; these tests serve _build/html on
127.0.0.1 (the `origin` fixture of conftest.py) and open each page that holds
a self-check with every request to another host aborted, at 1280 px in
light mode and at 390 px in dark mode. Each question is answered wrong and then
right: by keyboard at 1280 px (Tab reaches the options with a visible focus
ring, Space and the arrow keys pick) and by mouse at 390 px. Each time the
feedback of the option picked appears, word for word as the notebook saved
it, inside a polite live region that was there before the answer (so a
screen reader reads it once). axe-core finds no serious violation in the
self-check elements, which fit the width of the page. What each option
must say comes from the notebook (sigmoid_course.selfcheck.saved_self_checks),
so a page whose links or panels were mixed up fails.
"""

import json

import pytest

from browser import offline_context, watch
from notebooks import ROOT, load, toc_notebooks
from sigmoid_course.selfcheck import saved_self_checks

SITE = ROOT / "_build" / "html"
AXE_JS = ROOT / "_build" / "vendor" / "axe.min.js"
QUESTION = ".self-check .self-check-question"

CHAPTERS = [(nb, saved_self_checks(load(nb))) for nb in toc_notebooks()]
SELF_CHECK_CHAPTERS = [(nb, blocks) for nb, blocks in CHAPTERS if blocks]
# Two looks per page: 1280 px in light mode, answered by keyboard (a desktop
# reader who does not use a mouse), and 390 px in dark mode, answered by
# clicks (a phone reader's taps). Every question of every page is answered
# both ways, each width and each mode is seen; answering both ways in both
# looks took about 50 s more of the suite for no other case.
LOOKS = [
    (nb, blocks, width, width == 390)
    for nb, blocks in SELF_CHECK_CHAPTERS
    for width in (1280, 390)
]


def _look_id(look):
    nb, _, width, dark = look
    return f"{nb.stem}-{width}px-{'dark' if dark else 'light'}"


def _flat(text):
    return " ".join(text.split())


def test_every_page_with_a_self_check_is_tested():
    assert SELF_CHECK_CHAPTERS, "no chapter shows a self-check"
    built = {
        p.stem
        for p in (SITE / "chapters").glob("*.html")
        if "tag_self-check" in p.read_text(encoding="utf-8")
    }
    assert built == {nb.stem for nb, _ in SELF_CHECK_CHAPTERS}, (
        "pages and notebooks disagree on where the self-checks are: rebuild"
    )


# Resolves when every question is drawn and self-check.js has made its
# feedback container a live region (before any answer).
_READY = """(count) => new Promise((done, fail) => {
    const start = Date.now();
    (function poll() {
        const questions = document.querySelectorAll('.self-check .self-check-question');
        const ready = Array.from(questions).filter(q =>
            q.querySelector('.self-check-prompt') &&
            q.querySelectorAll('input[type="radio"]').length >= 2 &&
            q.querySelector('.self-check-feedback[aria-live="polite"]'));
        if (questions.length === count && ready.length === count) { done(); }
        else if (Date.now() - start > 60000) {
            fail(new Error(`${ready.length} of ${count} questions ready`));
        } else { setTimeout(poll, 100); }
    })();
})"""

_CHECKED = "rs => rs.findIndex(r => r.checked)"
_FOCUS = """() => { const e = document.activeElement; const s = getComputedStyle(e);
    return {radio: e.matches('input[type="radio"]'),
            visible: e.matches(':focus-visible'),
            outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2}; }"""
_AXE = """async () => {
    const result = await axe.run(Array.from(document.querySelectorAll('.self-check')), {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
        resultTypes: ['violations'],
    });
    return result.violations
        .filter(v => v.impact === 'critical' || v.impact === 'serious')
        .map(v => ({id: v.id, help: v.help,
                    targets: v.nodes.map(n => n.html.slice(0, 160))}));
}"""
_FITS = """(width) => Array.from(document.querySelectorAll('.self-check')).filter(b => {
    const r = b.getBoundingClientRect();
    return r.left < -1 || r.right > width + 1 || b.scrollWidth > b.clientWidth + 1;
}).length"""


def _expect_feedback(question, q, k, where):
    """The live region shows option k's feedback, word for word, and no alert."""
    feedback = question.locator(".self-check-feedback")
    want = _flat(q.feedback[k])
    try:
        feedback.locator(".self-check-verdict").wait_for(timeout=15000)
        question.page.wait_for_function(
            "([el, want]) => el.innerText.split(/\\s+/).join(' ').trim() === want",
            arg=[feedback.element_handle(), want],
            timeout=15000,
        )
    except Exception:
        raise AssertionError(
            f"{where}: picking {q.labels[k]!r} showed {_flat(feedback.inner_text())!r}"
            f", expected {want!r}"
        ) from None
    assert feedback.get_attribute("aria-live") == "polite", where
    assert feedback.get_attribute("aria-atomic") == "true", where
    # One announcement: the live region's, not also an alert's.
    assert feedback.locator('[role="alert"]').count() == 0, where
    verdict = "✓ Right." if k == q.answer else "✗ Not quite."
    assert _flat(feedback.inner_text()).startswith(verdict), where


def _pick_by_keyboard(page, radios, k):
    """Reach the options with Tab, then pick option k with Space and the arrows."""
    # Start on the group's tab stop: its checked option, or the first if none
    # is checked. (From an unchecked option, Tab lands on the checked one of
    # the same group, and Shift+Tab then leaves the group backwards.)
    checked = radios.evaluate_all(_CHECKED)
    # The pointer rests where the last mouse pick left it; a heading under it
    # shows its "#" link, which adds a tab stop a keyboard user never meets.
    page.mouse.move(0, 0)
    radios.nth(max(checked, 0)).focus()
    # Leave and come back by keyboard, so that the focus is a keyboard focus.
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    focus = page.evaluate(_FOCUS)
    assert focus["radio"], "Shift+Tab does not return to the options"
    assert focus["visible"] and focus["outline"], f"no visible focus ring: {focus}"
    if radios.evaluate_all(_CHECKED) < 0:
        page.keyboard.press("Space")
    n = radios.count()
    for _ in range(n):
        now = radios.evaluate_all(_CHECKED)
        if now == k:
            return
        page.keyboard.press("ArrowDown" if (k - now) % n <= n // 2 else "ArrowUp")
    assert radios.evaluate_all(_CHECKED) == k, "the arrow keys do not reach it"


def _pick_by_mouse(question, k):
    question.locator(".widget-radio-box label").nth(k).click()


@pytest.mark.parametrize("look", LOOKS, ids=_look_id)
def test_every_self_check_answers_wrong_and_right_by_keyboard_or_mouse(
    browser, origin, look
):
    nb, blocks, width, dark = look
    by_keyboard = width == 1280
    context, refused = offline_context(browser, origin, width=width, dark=dark)
    page = context.new_page()
    errors, failed = watch(page)
    try:
        page.goto(f"{origin}/chapters/{nb.stem}.html", wait_until="load")
        expected = [q for block in blocks for q in block.questions]
        # The widget manager starts when a reader comes near a self-check
        # (_static/course-explorers.js).
        page.locator(".course-selfcheck-static").first.scroll_into_view_if_needed()
        page.evaluate(_READY, len(expected))
        assert page.evaluate("document.documentElement.dataset.theme") == (
            "dark" if dark else "light"
        )
        titles = page.locator(".self-check .self-check-title").all_inner_texts()
        assert [_flat(t) for t in titles] == [
            f"Self-check: {b.title}" for b in blocks
        ]
        questions = page.locator(QUESTION)
        for i, q in enumerate(expected):
            question = questions.nth(i)
            where = f"{nb.name} at {width} px: {q.prompt!r}"
            question.scroll_into_view_if_needed()
            prompt = _flat(question.locator(".self-check-prompt").inner_text())
            assert prompt.endswith(_flat(q.prompt)), f"{where}: shows {prompt!r}"
            radios = question.locator('input[type="radio"]')
            labels = question.locator(".widget-radio-box label").all_inner_texts()
            assert [_flat(t) for t in labels] == list(q.labels), where
            group = question.locator(".widget-radio-box")
            assert group.get_attribute("role") == "radiogroup", where
            assert group.get_attribute("aria-labelledby"), where
            assert question.locator(".self-check-verdict").count() == 0, (
                f"{where}: feedback shown before any answer"
            )
            wrong = next(k for k in range(len(q.labels)) if k != q.answer)
            for k in (wrong, q.answer):
                if by_keyboard:
                    _pick_by_keyboard(page, radios, k)
                    _expect_feedback(question, q, k, f"{where}, keyboard")
                else:
                    _pick_by_mouse(question, k)
                    _expect_feedback(question, q, k, f"{where}, mouse")
        # The options of a question are one tab stop (a radio group): Tab
        # moves from the answer picked to the next question's options.
        if len(expected) > 1:
            questions.nth(0).locator('input[type="radio"]:checked').focus()
            page.keyboard.press("Tab")
            second = questions.nth(1).locator('input[type="radio"]')
            assert second.evaluate_all(
                "rs => rs.includes(document.activeElement)"
            ), "Tab does not move from one question's options to the next's"
        assert page.evaluate(_FITS, width) == 0, f"a self-check is wider than {width}"
        assert AXE_JS.is_file(), f"{AXE_JS} missing: run `make test-site`"
        page.add_script_tag(path=str(AXE_JS))
        violations = page.evaluate(_AXE)
        assert violations == [], json.dumps(violations, ensure_ascii=False)[:3000]
        assert errors == [], errors
        assert failed == [], failed
        assert refused == [], f"requests left the page's origin: {refused}"
    except Exception:
        page.screenshot(path=str(ROOT / "_build" / f"self-check-{_look_id(look)}.png"))
        raise
    finally:
        context.close()
