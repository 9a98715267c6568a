/* Self-checks (sigmoid_course.selfcheck) on the website: names and live
   regions that ipywidgets cannot set from Python. Loaded on every page; does
   nothing where there is no .self-check.

   - The block is a group named by its title, each question's options a
     radio group named by its prompt, and the radio buttons of one question
     share a name, so that the arrow keys move between them and Tab moves on
     to the next question.
   - The container of a question's feedback becomes a polite live region,
     present before any answer, so that a screen reader reads the feedback
     each time it changes. The feedback panels carry role="alert" for
     JupyterLab, where nothing runs this script; here the live region
     announces them, so the role is removed to avoid a second announcement. */
(function () {
  "use strict";

  var ids = 0;
  function idOf(element, prefix) {
    if (!element.id) {
      ids += 1;
      element.id = prefix + "-" + ids;
    }
    return element.id;
  }

  function prepareQuestion(question) {
    var prompt = question.querySelector(".self-check-prompt");
    var group = question.querySelector(".widget-radio-box");
    var feedback = question.querySelector(".self-check-feedback");
    if (group && prompt) {
      group.setAttribute("role", "radiogroup");
      group.setAttribute("aria-labelledby", idOf(prompt, "self-check-prompt"));
      var name = "self-check-options-" + idOf(prompt, "self-check-prompt");
      group.querySelectorAll('input[type="radio"]').forEach(function (input) {
        if (input.name !== name) {
          input.name = name;
        }
      });
    }
    if (feedback) {
      if (feedback.getAttribute("aria-live") !== "polite") {
        feedback.setAttribute("aria-live", "polite");
        feedback.setAttribute("aria-atomic", "true");
      }
      feedback.querySelectorAll('[role="alert"]').forEach(function (panel) {
        panel.removeAttribute("role");
      });
    }
  }

  function prepare() {
    document.querySelectorAll(".self-check").forEach(function (block) {
      var title = block.querySelector(".self-check-title");
      if (title && !block.hasAttribute("role")) {
        block.setAttribute("role", "group");
        block.setAttribute("aria-labelledby", idOf(title, "self-check-title"));
      }
      block.querySelectorAll(".self-check-question").forEach(prepareQuestion);
    });
  }

  function start() {
    // On every change of the page's elements or of their classes (the widget
    // manager adds a widget's classes after drawing it): a feedback panel
    // loses its alert role before the browser builds its accessibility tree.
    new MutationObserver(prepare).observe(document.body, {
      childList: true, subtree: true, attributes: true, attributeFilter: ["class"],
    });
    // And before any answer, whatever the order in which things were drawn.
    document.addEventListener("focusin", prepare, true);
    document.addEventListener("pointerdown", prepare, true);
    prepare();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
