"""Sphinx extension: explorers load after the text and show their first frame at once.

Why: myst-nb put the explorers' saved widget state (every frame of every
explorer, as PNGs: 0.5-1.3 MB per page) inside ``<head>``, followed by
require.js and the widget manager (embed-amd.js, 3.6 MB), neither deferred:
on a slow phone network nothing painted for tens of seconds, and when the
manager finally drew an explorer the text below it jumped down. Here, on
every page with explorers:

- the state is written to ``_static/widget-state/<page>.json`` instead of
  the page, and require.js and the manager leave ``<head>``;
  _static/course-explorers.js fetches all three, with low priority, once the
  page is parsed, and starts the manager;
- in the place of each explorer the page holds its first frame (figure with
  its alt text, and printed text) under a row that names each control and
  its value, as the saved state shows them. The live explorer is drawn out
  of sight and replaces this frame in one step when it is complete. The
  same frame is what the PDF prints (the single-page build has no widget
  manager) and what a reader without JavaScript sees;
- in the place of each self-check (sigmoid_course.selfcheck, also drawn by
  the widget manager) the page holds its title, prompts and options, laid
  out like the live block, which replaces it in the same way (the PDF
  prints the answer key instead: tools/book_pdf.py).

Checked by tests/test_book.py (no widget state or manager in the page,
a first frame per explorer), tests/test_site.py (the explorers work, their
frame does not move the page) and tests/test_pdf.py (each frame and its text
printed).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from sphinx.builders.html._assets import _JavaScript

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
VIEW = re.compile(
    r'<script type="application/vnd\.jupyter\.widget-view\+json">(.*?)</script>', re.S
)
MANAGER_SCRIPTS = ("widgets/require.js", "widgets/embed-amd.js")


def _is_state(script) -> bool:
    return getattr(script, "attributes", {}).get("type") == WIDGET_STATE


def _is_manager(script) -> bool:
    name = str(getattr(script, "filename", script) or "")
    return name.endswith(MANAGER_SCRIPTS) or (
        "://" in name and ("html-manager" in name or "require.js" in name)
    )


def _all_states(env) -> dict:
    """Every notebook's saved widget models, by model id (ids are unique UUIDs)."""
    models = {}
    for data in getattr(env, "nb_metadata", {}).values():
        state = data.get("js_files", {}).get("ipywidgets_state")
        if state:
            body = json.loads(state[1]["body"])
            models.update(body.get("state", {}))
    return models


def first_frame(models: dict, model_id: str) -> tuple[str | None, list[dict]]:
    """(HTML of the frame the explorer shows first, its controls), from the
    saved state of the explorer's outer widget. A control is a dict with its
    kind ("slider" or "dropdown"), label, value shown, every option's label
    and its layout width.

    A Stack shows its selected child; any other container its children in
    order; the frame is the first HTML widget holding an ``<img>``.
    """
    controls = []

    def walk(model_id, depth=0):
        model = models.get(model_id)
        if model is None or depth > 30:
            return None
        state, name = model.get("state", {}), model.get("model_name", "")
        if name == "HTMLModel":
            value = state.get("value", "")
            return value if "<img" in value else None
        if "_options_labels" in state and state.get("index") is not None:
            layout = models.get(state.get("layout", "").removeprefix("IPY_MODEL_"), {})
            labels = state["_options_labels"]
            controls.append(
                {
                    "kind": "slider" if "Slider" in name else "dropdown",
                    "label": state.get("description", ""),
                    "value": labels[state["index"]],
                    "options": labels,
                    "width": layout.get("state", {}).get("width") or "",
                }
            )
            return None
        children = [c.removeprefix("IPY_MODEL_") for c in state.get("children", [])]
        if name == "StackModel":
            index = state.get("selected_index")
            children = [children[index]] if index is not None else []
        found = None
        for child in children:
            frame = walk(child, depth + 1)
            found = found or frame
        return found

    return walk(model_id), controls


def _control(control: dict) -> str:
    """A control as text laid out like the live one: a slider as its label,
    a track and its readout; a menu as its label and a box as wide as the
    longest option (so that the row wraps as the live one does)."""
    label = html.escape(control["label"])
    value = html.escape(control["value"])
    width = control["width"] if control["width"] not in ("", "auto") else ""
    style = f' style="width: {html.escape(width)}"' if width else ""
    if control["kind"] == "slider":
        inner = (
            f'<span class="course-explorer-label">{label}</span>'
            f'<span class="course-explorer-track" aria-hidden="true"></span>'
            f'<span class="course-explorer-value">{value}</span>'
        )
    else:
        longest = max(control["options"], key=len)
        inner = (
            f'<span class="course-explorer-label">{label}</span>'
            f'<span class="course-explorer-value" '
            f'data-longest="{html.escape(longest)}">{value}</span>'
        )
    return (
        f'<span class="course-explorer-control course-explorer-{control["kind"]}"'
        f"{style}>{inner}</span>"
    )


def static_frame(models: dict, model_id: str) -> str:
    """The markup shown in place of an explorer until the live one is drawn."""
    frame, controls = first_frame(models, model_id)
    if frame is None:
        return ""
    items = "".join(_control(c) for c in controls)
    return (
        f'<div class="course-explorer-static" data-model-id="{html.escape(model_id)}">'
        f'<div class="course-explorer-controls">{items}</div>'
        f'<div class="course-explorer-frame">{frame}</div></div>'
    )


def _children(models: dict, model: dict) -> list[dict]:
    refs = model.get("state", {}).get("children", [])
    return [models.get(r.removeprefix("IPY_MODEL_"), {}) for r in refs]


def self_check_frame(models: dict, model_id: str) -> str:
    """The markup shown in place of a self-check (sigmoid_course.selfcheck)
    until the live one is drawn: its title, then each question's prompt and
    options (none picked, no feedback), as the saved state has them. Its
    classes are its own (not .self-check-question), so that self-check.js and
    tests/test_selfchecks_site.py find only the live block; its radio marks
    are drawn, not inputs, so that nothing there takes a click or a Tab."""
    block = models.get(model_id, {})
    if "self-check" not in block.get("state", {}).get("_dom_classes", []):
        return ""
    parts = []

    def add(model):
        state = model.get("state", {})
        if model.get("model_name") == "HTMLModel":
            parts.append(f'<div class="course-selfcheck-html">{state["value"]}</div>')
        elif "_options_labels" in state:
            options = "".join(
                '<div class="course-selfcheck-option">'
                '<span class="course-selfcheck-radio"></span>'
                f"<span>{html.escape(label)}</span></div>"
                for label in state["_options_labels"]
            )
            parts.append(f'<div class="course-selfcheck-options">{options}</div>')
        elif model.get("model_name") == "VBoxModel":  # a question
            for child in _children(models, model):
                add(child)

    for child in _children(models, block):
        add(child)
    return (
        f'<div class="course-selfcheck-static" data-model-id="{html.escape(model_id)}">'
        f'{"".join(parts)}</div>'
    )


def _with_static_frames(
    body: str, models: dict, self_checks: bool = True
) -> tuple[str, int]:
    count = 0

    def place(match):
        nonlocal count
        try:
            model_id = json.loads(match.group(1))["model_id"]
        except (ValueError, KeyError):
            return match.group(0)
        markup = static_frame(models, model_id)
        count += bool(markup)
        if not markup and self_checks:
            markup = self_check_frame(models, model_id)
        return markup + match.group(0)

    return VIEW.sub(place, body), count


def move_widgets_out_of_head(app, pagename, templatename, context, doctree) -> None:
    if app.builder.format != "html":
        return
    body = context.get("body") or ""
    scripts = context.get("script_files")
    if scripts is None:
        return
    state = next((s for s in scripts if _is_state(s)), None)
    managers = [s for s in scripts if _is_manager(s)]
    scripts[:] = [s for s in scripts if not (_is_state(s) or _is_manager(s))]
    if "application/vnd.jupyter.widget-view+json" not in body:
        return
    if state is not None:
        models = json.loads(state.attributes["body"]).get("state", {})
    else:  # the single-page build: the pages' states, from the environment
        models = _all_states(app.env)
    # The PDF prints each self-check as its answer key (tools/book_pdf.py).
    context["body"], _ = _with_static_frames(body, models, state is not None)
    if state is None or not managers:
        return
    target = Path(app.outdir) / "_static" / "widget-state" / f"{pagename}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(state.attributes["body"], encoding="utf-8")

    def url(script):
        name = str(getattr(script, "filename", script))
        return name if "://" in name else context["pathto"](name, 1)

    config = {
        "state": context["pathto"](f"_static/widget-state/{pagename}.json", 1),
        "scripts": [url(s) for s in managers],
    }
    # Read by _static/course-explorers.js; the paths are relative to the page.
    body = f"window.courseExplorers = {json.dumps(config)};"
    scripts.append(_JavaScript("", body=body, priority=500))


def setup(app):
    # After myst-nb (500) has added the state and the manager's scripts.
    app.connect("html-page-context", move_widgets_out_of_head, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
