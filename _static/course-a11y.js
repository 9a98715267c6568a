/* Keyboard and screen-reader fixes for the course's pages (loaded on every page). */
(function () {
  "use strict";

  /* Boxes that may scroll sideways: display formulas (course.css lets a
     formula wider than the column scroll in its own box), tables, code and
     printed output, the explorers' printed lines. One that does scroll
     becomes a tab stop (MathJax and the theme leave formulas out of the tab
     order), so that the keyboard can reach and scroll it, and gets
     .course-scrolls with data-scroll = start | middle | end, which
     course.css shows as a shadow on the side that has more. An inline
     formula wider than its line (on a phone) is marked .course-math-wide,
     which makes it such a box; inline formulas that fit never are.
     Rechecked on resize and whenever the page changes. */
  var SCROLLERS = [
    ".bd-content div.math > mjx-container",
    ".bd-content span.math.course-math-wide",
    ".bd-content .pst-scrollable-table-container",
    ".bd-content pre",
    ".bd-content .jupyter-widgets pre.explorer-text",
  ].join(", ");

  // Each pass reads every size it needs first, then changes what must
  // change, so that the page is laid out once per pass, not once per
  // formula (a chapter has hundreds).
  function blockOf(element, blocks) {
    var line = element.parentElement;
    while (line && !blocks.has(line)) {
      if (getComputedStyle(line).display.indexOf("inline") !== 0) {
        blocks.set(line, line.clientWidth);
        break;
      }
      line = line.parentElement;
    }
    return line;
  }

  // Which inline formulas are wider than their line: [span, wide] pairs.
  function readWide(spans, blocks) {
    // The room a formula has: the width of the block holding its line (a
    // table cell grows instead, inside a table that scrolls).
    var found = [];
    spans.forEach(function (span) {
      var formula = span.firstElementChild;
      var line = blockOf(span, blocks);
      if (formula && line) {
        found.push([span, formula.getBoundingClientRect().width > blocks.get(line) + 1]);
      }
    });
    return found;
  }

  function writeWide(found) {
    found.forEach(function (item) {
      if (item[0].classList.contains("course-math-wide") !== item[1]) {
        item[0].classList.toggle("course-math-wide", item[1]);
      }
    });
  }

  function scrollPosition(box) {
    if (box.scrollLeft <= 1) {
      return "start";
    }
    return box.scrollLeft + box.clientWidth >= box.scrollWidth - 1 ? "end" : "middle";
  }

  function onScroll(event) {
    var box = event.currentTarget;
    box.dataset.scroll = scrollPosition(box);
  }

  // Which boxes scroll sideways: [box, scrolls, position] triples.
  function readScrolling(boxes) {
    var found = [];
    boxes.forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      found.push([box, scrolls, scrolls ? scrollPosition(box) : null]);
    });
    return found;
  }

  function writeScrolling(found) {
    found.forEach(function (item) {
      var box = item[0];
      if (item[1]) {
        if (!box.classList.contains("course-scrolls")) {
          box.classList.add("course-scrolls");
          box.addEventListener("scroll", onScroll, {passive: true});
        }
        if (box.dataset.scroll !== item[2]) {
          box.dataset.scroll = item[2];
        }
        if (box.getAttribute("tabindex") !== "0") {
          box.dataset.courseTabindex = box.getAttribute("tabindex") || "";
          box.setAttribute("tabindex", "0");
        }
      } else {
        if (box.classList.contains("course-scrolls")) {
          box.classList.remove("course-scrolls");
          box.removeEventListener("scroll", onScroll);
          delete box.dataset.scroll;
        }
        if (box.dataset.courseTabindex !== undefined) {
          if (box.dataset.courseTabindex) {
            box.setAttribute("tabindex", box.dataset.courseTabindex);
          } else {
            box.removeAttribute("tabindex");
          }
          delete box.dataset.courseTabindex;
        }
      }
    });
  }

  /* Bootstrap shows a button's tooltip on hover and on focus. A tap on a
     touch screen is both and neither ends, so the tooltip stayed up (over
     the search button, for the sidebar toggle). A click hides it. */
  function hideTooltipOnClick(event) {
    var target = event.target.closest && event.target.closest('[data-bs-toggle="tooltip"]');
    var bootstrap = window.bootstrap;
    if (!target || !bootstrap || !bootstrap.Tooltip) {
      return;
    }
    window.setTimeout(function () {
      var tooltip = bootstrap.Tooltip.getInstance(target);
      if (tooltip) {
        tooltip.hide();
      }
    }, 0);
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

  /* A figure drawn for the page (a cell's image, not an explorer's frame) is
     shrunk to the column: on a phone a wide one, such as Chapter 3's
     computational graph, has numbers a few pixels high. Each such image
     becomes a link to its own file, which the browser shows full size and
     lets the reader zoom; its alt text names the link. Done once, when the
     page is parsed: the link takes the image's place in the layout. */
  function linkFiguresToTheirFiles() {
    document.querySelectorAll(".bd-content figure img").forEach(function (img) {
      if (img.closest("a, .jupyter-widgets, .course-explorer-static")) {
        return;
      }
      var link = document.createElement("a");
      link.href = img.getAttribute("src");
      link.className = "course-figure-link";
      link.title = "Open the figure full size";
      img.parentNode.insertBefore(link, img);
      link.appendChild(img);
    });
  }

  var INLINE = ".bd-content span.math";
  var observer = null;
  var dirty = new Set();      // elements changed since the last pass
  var pending = false;        // a pass is scheduled
  var measuringAll = true;    // a measure of the whole page is under way
  var measureAgain = false;   // the article's width changed during it

  // Reads every size it needs first, then changes what must change. A
  // formula found wider than its line becomes a box that may scroll.
  function measure(spans, boxes) {
    var wide = readWide(spans, new Map());
    writeWide(wide);
    wide.forEach(function (item) {
      if (item[1]) {
        boxes.push(item[0]);
      }
    });
    writeScrolling(readScrolling(boxes));
    if (observer) {
      observer.takeRecords(); // the changes this pass made itself
    }
  }

  /* The whole page: when it is first shown, and when the article's width
     changes (a resize, a sidebar opened or closed). A chapter has up to 1500
     formulas and boxes, and measuring them in one go held a phone for
     0.2 s: they are read in slices of at most 10 ms (40 ms on a phone four
     times slower, under the 50 ms that makes a task "long"), each in an
     idle moment of its own, and changed only when all are read (a change
     between two slices would make the next one lay the page out again). */
  var idle = window.requestIdleCallback || function (step) {
    return window.setTimeout(step, 50);
  };
  var SLICE_MS = 10;
  var BATCH = 20;

  function inSlices(items, read, done) {
    var found = [];
    var next = 0;
    function step() {
      var start = performance.now();
      do {
        found = found.concat(read(items.slice(next, next + BATCH)));
        next += BATCH;
      } while (next < items.length && performance.now() - start < SLICE_MS);
      if (next < items.length) {
        idle(step, {timeout: 1000});
      } else {
        done(found);
      }
    }
    idle(step, {timeout: 1000});
  }

  function measureAll() {
    measuringAll = true;
    var blocks = new Map();
    var spans = Array.prototype.slice.call(document.querySelectorAll(INLINE));
    inSlices(spans, function (some) {
      return readWide(some, blocks);
    }, function (wide) {
      writeWide(wide);
      // The boxes once the wide formulas are boxes too.
      var boxes = Array.prototype.slice.call(document.querySelectorAll(SCROLLERS));
      inSlices(boxes, readScrolling, function (scrolling) {
        writeScrolling(scrolling);
        if (observer) {
          observer.takeRecords();
        }
        if (measureAgain) {
          measureAgain = false;
          measureAll();
          return;
        }
        nameSliders();
        measuringAll = false;
        // For the tests (tests/test_site.py): the page has been measured once.
        document.documentElement.dataset.courseMeasured = "yes";
        if (dirty.size) {
          schedule();
        }
      });
    });
  }

  /* What changed since the last pass, and what is inside it: an explorer
     drawn, a solution or a menu opened. */
  function pass() {
    pending = false;
    if (measuringAll) {
      return; // measureAll schedules a pass when it ends
    }
    nameSliders();
    var spans = new Set();
    var boxes = new Set();
    dirty.forEach(function (el) {
      if (!el.isConnected) {
        return;
      }
      [[INLINE, spans], [SCROLLERS, boxes]].forEach(function (pair) {
        if (el.matches(pair[0])) {
          pair[1].add(el);
        }
        el.querySelectorAll(pair[0]).forEach(function (found) {
          pair[1].add(found);
        });
      });
    });
    dirty.clear();
    measure(Array.from(spans), Array.from(boxes));
  }

  function changed(records) {
    records.forEach(function (record) {
      var el = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      if (el) {
        dirty.add(el);
      }
    });
    schedule();
  }

  function schedule() {
    if (!pending && !measuringAll) {
      pending = true;
      window.requestAnimationFrame(pass);
    }
  }

  function start() {
    // Content added (the explorers), and content shown: an opened solution
    // or menu changes a class or an open attribute.
    linkFiguresToTheirFiles();
    observer = new MutationObserver(changed);
    observer.observe(document.body, {
      childList: true, subtree: true, characterData: true,
      attributes: true, attributeFilter: ["class", "open", "hidden"],
    });
    document.addEventListener("click", hideTooltipOnClick, true);
    // The room of every formula follows the article's width.
    var article = document.querySelector(".bd-article");
    var width = null;
    var resized = function () {
      var now = article ? article.clientWidth : window.innerWidth;
      if (width !== null && now !== width) {
        if (measuringAll) {
          measureAgain = true;
        } else {
          measureAll();
        }
      }
      width = now;
    };
    if (article && window.ResizeObserver) {
      new ResizeObserver(resized).observe(article);
    } else {
      window.addEventListener("resize", resized);
    }
    // The first pass once the page is shown, its fonts have arrived (each
    // font that arrives makes the browser lay out again the lines that use
    // it) and the browser is idle: it measures every formula, which is
    // nothing the first paint needs.
    var first = function () {
      if (document.fonts && document.fonts.ready) {
        document.fonts.ready.then(measureAll, measureAll);
      } else {
        measureAll();
      }
    };
    if (document.readyState === "complete") {
      first();
    } else {
      window.addEventListener("load", first);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
