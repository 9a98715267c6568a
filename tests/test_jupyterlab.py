"""Chapter 1 in JupyterLab, as a reader runs it.

Starts JupyterLab on a free port of 127.0.0.1 with a random token over a
temporary copy of chapters/ (the helpers come from the installed package),
opens 01-sigmoid.ipynb in the system's Chromium, runs all cells from the Run
menu, checks that no cell shows an error, then drags the explorer's
"steepness k" slider and checks that the figure it shows changes (the
explorer's frames are drawn by the kernel, and switched in the browser), and
answers a self-check wrong and then right. Before that, with the notebook
just opened and no cell run: JupyterLab does not trust it and draws no
widget, and the self-check shows its questions without the answers (as on
Binder before the first run); once the notebook is trusted, the self-check
is drawn from the widget state saved in the notebook and answers back, with
no cell run. The server is shut down through its API (then terminated if
need be), also when a test fails.
"""

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from browser import free_port, offline_context
from notebooks import ROOT, load
from sigmoid_course.selfcheck import saved_self_checks

NOTEBOOK = "chapters/01-sigmoid.ipynb"
SLIDER = "steepness k"
FIGURE = "img.explorer-figure"

# User settings of the throw-away JupyterLab: render every cell (not only those
# on screen) so the page shows all prompts and outputs, start the notebook's
# kernel without the "Select Kernel" dialog that otherwise appears at times,
# and fetch no news.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
        "autoStartDefaultKernel": True,
    },
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def _get(url, timeout=5.0):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status


def _wait_until_serving(url, process, log_path, deadline_s=60.0):
    start = time.monotonic()
    while time.monotonic() - start < deadline_s:
        if process.poll() is not None:
            tail = log_path.read_text(encoding="utf-8")[-3000:]
            raise RuntimeError(
                f"JupyterLab exited with code {process.returncode}:\n{tail}"
            )
        try:
            if _get(url) == 200:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise TimeoutError(f"JupyterLab did not answer {url} within {deadline_s:.0f} s")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running JupyterLab over a copy of chapters/; yields (base URL, token)."""
    work = tmp_path_factory.mktemp("lab")
    shutil.copytree(
        ROOT / "chapters",
        work / "chapters",
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.md", "*.bib"),
    )
    settings = work / ".settings"
    for name, values in SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values), encoding="utf-8")
    port, token = free_port(), secrets.token_hex(16)
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(work / ".jupyter"),
        JUPYTER_RUNTIME_DIR=str(work / ".runtime"),
        # Its own data directory: the notebooks it trusts (nbsignatures.db)
        # are forgotten with it, so every run opens Chapter 1 untrusted.
        JUPYTER_DATA_DIR=str(work / ".data"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(work / ".workspaces"),
        IPYTHONDIR=str(work / ".ipython"),
    )
    log = open(work / "jupyterlab.log", "w", encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            "--ServerApp.port_retries=0",
            "--allow-root",
            "--LabApp.extension_manager=readonly",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={work}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(
            f"{base}/api/status?token={token}", process, work / "jupyterlab.log"
        )
        yield base, token
    finally:
        # A clean stop: the API shuts the kernels down, then the server exits.
        try:
            request = urllib.request.Request(
                f"{base}/api/shutdown",
                method="POST",
                headers={"Authorization": f"token {token}"},
            )
            urllib.request.urlopen(request, timeout=10).close()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def _menu(page, menu, item, attempts=5):
    """Click menu → item in JupyterLab's menu bar, once the item is enabled.

    Lumino renders a menu when it opens: an item that was disabled then (the
    notebook not yet the current widget) stays so until the menu reopens.
    """
    for _ in range(attempts):
        page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
        entry = page.locator(
            ".lm-Menu-item", has=page.locator(".lm-Menu-itemLabel", has_text=item)
        ).first
        entry.wait_for(state="visible", timeout=10000)
        if "lm-mod-disabled" not in (entry.get_attribute("class") or ""):
            entry.click()
            return
        page.keyboard.press("Escape")
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.click()
    raise AssertionError(f"{menu} → {item} stayed disabled")


NOTEBOOK_PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# The prompts of the code cells whose input shows: a self-check's input is
# collapsed (its placeholder shows no execution count); its widget, drawn
# by the kernel, shows that it ran.
PROMPTS = (
    "Array.from(document.querySelectorAll("
    f"'{NOTEBOOK_PANEL} .jp-CodeCell:not(:has(.jp-InputPlaceholder)) .jp-InputPrompt'))"
)


def _menu_until(page, menu, item, effect_js, attempts=3, timeout_ms=20000):
    """Click menu → item until effect_js holds (a click can be lost while connecting).

    Seen on a loaded machine: the click lands, yet "Clear Outputs of All Cells"
    clears nothing, or "Run All Cells" starts no cell.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(attempts):
        _menu(page, menu, item)
        try:
            page.wait_for_function(effect_js, timeout=timeout_ms)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"{menu} → {item} had no effect after {attempts} clicks")


def _wait_for_all_cells_to_run(page, timeout_ms):
    """Wait until every code cell shows an execution count and the kernel is idle.

    Returns "done", or "stalled" when the kernel went idle with cells not run
    and none queued: seen on a loaded machine, Run All queues every cell
    ([*]) and the kernel then drops the queue (the kernel starting up late).
    """
    return page.wait_for_function(
        f"""() => {{
        const prompts = {PROMPTS};
        const idle = document.querySelector(
            '{NOTEBOOK_PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]');
        if (prompts.length === 0 || idle === null) {{ return false; }}
        if (prompts.every(p => /\\[\\d+\\]/.test(p.textContent))) {{ return "done"; }}
        if (!prompts.some(p => p.textContent.includes("*"))) {{ return "stalled"; }}
        return false;
    }}""",
        timeout=timeout_ms,
        polling=1000,
    ).json_value()


def _run_all_cells(page, attempts=3):
    """Run → Run All Cells until every cell has run (at most `attempts` times)."""
    for _ in range(attempts):
        _menu_until(
            page,
            "Run",
            "Run All Cells",
            f"() => {PROMPTS}.some(p => /[*\\d]/.test(p.textContent))",
        )
        if _wait_for_all_cells_to_run(page, timeout_ms=240000) == "done":
            return
    raise AssertionError(f"Run All Cells left cells unrun {attempts} times")


def _answer_a_self_check(notebook):
    """Pick a wrong option, then the right one, of the notebook's first
    self-check question; each time its own feedback must appear."""
    (q, *_), *_ = (b.questions for b in saved_self_checks(load(ROOT / NOTEBOOK)))
    question = notebook.locator(".self-check .self-check-question").first
    question.locator("input[type='radio']").first.wait_for(timeout=60000)
    feedback = question.locator(".self-check-feedback")
    assert feedback.locator(".self-check-verdict").count() == 0
    wrong = next(k for k in range(len(q.labels)) if k != q.answer)
    for k in (wrong, q.answer):
        question.locator(".widget-radio-box label").nth(k).click()
        want = " ".join(q.feedback[k].split())
        feedback.locator(".self-check-verdict", has_text=want[-30:]).wait_for(
            timeout=30000
        )
        assert " ".join(feedback.inner_text().split()) == want
        # Here no script of the website runs: the panel is itself an alert.
        assert feedback.locator('[role="alert"]').count() == 1


def _trust(page, notebook):
    """Trust the open notebook from the command palette, as a reader would."""
    notebook.locator(".jp-Cell").first.click()
    _menu(page, "View", "Activate Command Palette")
    palette = page.locator(".lm-CommandPalette-input")
    palette.wait_for(state="visible", timeout=30000)
    palette.fill("Trust Notebook")
    page.locator(".lm-CommandPalette-item", has_text="Trust Notebook").first.click()
    page.locator(".jp-Dialog .jp-mod-accept").click()


def _open_chapter(page, base, token):
    """Open Chapter 1 in JupyterLab; return its panel once its kernel is idle."""
    url = f"{base}/lab/tree/{NOTEBOOK}?token={token}"
    page.goto(url, wait_until="domcontentloaded")
    notebook = page.locator(NOTEBOOK_PANEL)
    notebook.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
        timeout=120000
    )
    return notebook


@contextlib.contextmanager
def _lab_page(browser, lab, failure_png):
    """A page of JupyterLab, offline but for the server, and the list of its
    script errors; a screenshot in _build/ if the block fails."""
    context, _ = offline_context(browser, lab[0])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page, errors
    except Exception:
        page.screenshot(path=str(ROOT / "_build" / failure_png))
        raise
    finally:
        context.close()


def test_a_self_check_answers_from_the_saved_state_before_any_cell_runs(
    browser, lab
):
    with _lab_page(browser, lab, "jupyterlab-saved-failure.png") as (page, errors):
        notebook = _open_chapter(page, *lab)
        # Not trusted: the plain text of the self-check, without its answers.
        block = saved_self_checks(load(ROOT / NOTEBOOK))[0]
        shown = notebook.locator(
            ".jp-OutputArea-output", has_text=f"Self-check: {block.title}"
        )
        shown.first.wait_for(timeout=60000)
        text = shown.first.inner_text()
        assert block.questions[0].prompt in text
        assert "Right." not in text and "Not quite." not in text
        assert notebook.locator(".self-check").count() == 0
        # Trusted: the widgets, from the saved state, answer back.
        _trust(page, notebook)
        _answer_a_self_check(notebook)
        assert errors == [], errors


def test_chapter_1_runs_in_jupyterlab_and_its_explorer_redraws(browser, lab):
    with _lab_page(browser, lab, "jupyterlab-failure.png") as (page, errors):
        notebook = _open_chapter(page, *lab)

        # The saved outputs carry execution counts too: clear them first, so
        # that a count on every cell proves this run reached it.
        _menu_until(
            page,
            "Edit",
            "Clear Outputs of All Cells",
            "() => (ps => ps.length > 0 && ps.every(p => !/\\d/.test(p.textContent)))"
            f"({PROMPTS})",
        )
        assert notebook.locator(FIGURE).count() == 0
        _run_all_cells(page)

        code_cells = notebook.locator(".jp-CodeCell")
        assert code_cells.count() > 0
        error_outputs = notebook.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']"
        )
        assert error_outputs.count() == 0, error_outputs.all_inner_texts()

        # The explorer: drag its steepness slider; the figure must be redrawn.
        slider = notebook.locator(
            ".widget-slider", has=page.locator(".widget-label", has_text=SLIDER)
        )
        slider.first.wait_for(
            state="visible", timeout=60000
        )  # widget views render after the reply
        assert slider.count() == 1, f"no single '{SLIDER}' slider"
        figure = notebook.locator(FIGURE).first
        figure.wait_for(state="visible", timeout=60000)
        before = figure.get_attribute("src")
        handle = slider.locator(".noUi-handle")
        handle.scroll_into_view_if_needed()
        box = handle.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(
            box["x"] + box["width"] / 2 + 40, box["y"] + box["height"] / 2, steps=8
        )
        page.mouse.up()
        page.wait_for_function(
            "([sel, old]) => { const img = document.querySelector(sel);"
            " return img && img.getAttribute('src') !== old; }",
            arg=[f".jp-NotebookPanel:not(.lm-mod-hidden) {FIGURE}", before],
            timeout=60000,
        )
        after = notebook.locator(FIGURE).first.get_attribute("src")
        assert after != before
        # A self-check drawn by the kernel answers back.
        _answer_a_self_check(notebook)
        assert errors == [], errors
