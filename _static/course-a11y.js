/* Keyboard and screen-reader fixes for the course's pages (loaded on every page). */
(function () {
  "use strict";

  /* A formula wider than its box scrolls inside it (course.css). MathJax is
     configured to leave formulas out of the tab order (_config.yml), so a box
     that does scroll gets tabindex="0": the keyboard can then reach and scroll
     it. Boxes that fit are left out of the tab order. Rechecked on resize. */
  function markScrollingFormulas() {
    var boxes = document.querySelectorAll(".bd-content div.math > mjx-container, .bd-content span.math");
    boxes.forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && box.getAttribute("tabindex") !== "0") {
        box.dataset.courseTabindex = box.getAttribute("tabindex") || "";
        box.setAttribute("tabindex", "0");
      } else if (!scrolls && box.dataset.courseTabindex !== undefined) {
        if (box.dataset.courseTabindex) {
          box.setAttribute("tabindex", box.dataset.courseTabindex);
        } else {
          box.removeAttribute("tabindex");
        }
        delete box.dataset.courseTabindex;
      }
    });
  }

  /* The explorers' sliders (ipywidgets' noUiSlider) draw their handle, the
     element with role="slider", with no accessible name, and announce the
     option's index. Name each handle by the slider's label and let it speak
     the value shown in the readout. */
  var labels = 0;
  function nameSliders() {
    document.querySelectorAll(".widget-slider").forEach(function (slider) {
      var label = slider.querySelector(".widget-label");
      var handle = slider.querySelector(".noUi-handle");
      var readout = slider.querySelector(".widget-readout");
      if (!label || !handle) {
        return;
      }
      if (!label.id) {
        labels += 1;
        label.id = "course-slider-label-" + labels;
      }
      if (handle.getAttribute("aria-labelledby") !== label.id) {
        handle.setAttribute("aria-labelledby", label.id);
      }
      var text = readout ? readout.textContent.trim() : "";
      if (text && handle.getAttribute("aria-valuetext") !== text) {
        handle.setAttribute("aria-valuetext", text);
      }
    });
  }

  var pending = false;
  function schedule() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        nameSliders();
        markScrollingFormulas();
      });
    }
  }

  function start() {
    new MutationObserver(schedule).observe(document.body, {
      childList: true, subtree: true, characterData: true,
    });
    window.addEventListener("resize", schedule);
    schedule();
    var mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) {
      mj.startup.promise.then(schedule);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
