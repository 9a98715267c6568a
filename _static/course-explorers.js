/* Starts the explorers after the text (loaded on every page; does nothing on
   a page without explorers). _ext/explorers.py took the explorers' saved
   state and the widget manager out of the page and set
   window.courseExplorers = {state: URL, scripts: [require.js, embed-amd.js]};
   in each explorer's place the page shows its first frame
   (.course-explorer-static), and in each self-check's its questions
   (.course-selfcheck-static).

   Nothing is fetched or run while a reader only looks at the page as it
   opened: the three files (1.4 MB on Chapter 1, about 7 s on "Slow 4G") and
   the manager's work (one task of about 0.4 s on a laptop, four times that on
   a phone, in which the page does not respond) wait for the reader's first
   act: a scroll, a turn of the wheel, a touch, a click or a key (or a page
   opened at an anchor or scrolled already). Then the three download with low
   priority, and run in order as soon as the reader is within a screen of an
   explorer or a self-check; the manager draws each explorer out of sight,
   and the live explorer replaces the first frame in one step when it is
   complete, so that nothing below it moves twice. An option a reader picks
   in a self-check's first frame is picked again in the live block. */
(function () {
  "use strict";
  var config = window.courseExplorers;
  if (!config || !window.fetch) {
    return;
  }
  var VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';

  function fetchText(url) {
    // fetch() does not hold up the page's load event, as a <script> or a
    // preload would: the page is "loaded" when its own text, images and
    // fonts are.
    return fetch(url, {priority: "low"}).then(function (response) {
      if (!response.ok) {
        throw new Error(url + ": " + response.status);
      }
      return response.text();
    });
  }

  function run(source, url) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = URL.createObjectURL(new Blob([source + "\n//# sourceURL=" + url],
        {type: "text/javascript"}));
      script.onload = resolve;
      script.onerror = function () {
        reject(new Error("could not run " + url));
      };
      document.head.appendChild(script);
    });
  }

  /* The live explorer is drawn after its first frame, hidden
     (.course-explorer-pending); when it shows a figure and as many controls
     as the frame names, the frame goes and the explorer takes its place. */
  function watch(view) {
    var output = view.parentElement;
    var still = output.querySelector(".course-explorer-static");
    if (!still) {
      watchSelfCheck(output);
      return;
    }
    var controls = still.querySelectorAll(".course-explorer-control").length;
    var needsFigure = Boolean(still.querySelector("img.explorer-figure"));
    output.classList.add("course-explorer-pending");
    var observer = new MutationObserver(function () {
      var live = output.querySelector(".widget-subarea");
      if (!live) {
        return;
      }
      var figure = live.querySelector("img.explorer-figure");
      var drawn = live.querySelectorAll(".widget-slider, .widget-dropdown").length;
      if ((needsFigure && !figure) || drawn < controls) {
        return;
      }
      observer.disconnect();
      var swap = function () {
        still.remove();
        output.classList.remove("course-explorer-pending");
      };
      if (figure && figure.decode) {
        figure.decode().then(swap, swap);
      } else {
        swap();
      }
    });
    observer.observe(output, {childList: true, subtree: true, attributes: true});
  }

  /* A self-check's first frame (.course-selfcheck-static) goes when the
     live block shows as many options as the frame; the options the reader
     picked in the frame meanwhile (the last one per question) are picked in
     the live block, in the same order. */
  function watchSelfCheck(output) {
    var still = output.querySelector(".course-selfcheck-static");
    if (!still) {
      return;
    }
    var frameOptions = Array.prototype.slice.call(
      still.querySelectorAll(".course-selfcheck-option"));
    var picked = [];
    frameOptions.forEach(function (option, index) {
      option.addEventListener("click", function () {
        var group = option.parentElement;
        picked = picked.filter(function (k) {
          return frameOptions[k].parentElement !== group;
        });
        picked.push(index);
        group.querySelectorAll(".course-selfcheck-option").forEach(function (o) {
          o.classList.toggle("course-selfcheck-picked", o === option);
        });
      });
    });
    output.classList.add("course-explorer-pending");
    var observer = new MutationObserver(function () {
      var live = output.querySelector(".widget-subarea .self-check");
      if (!live) {
        return;
      }
      var radios = live.querySelectorAll('input[type="radio"]');
      if (radios.length < frameOptions.length) {
        return;
      }
      observer.disconnect();
      still.remove();
      output.classList.remove("course-explorer-pending");
      picked.forEach(function (k) {
        radios[k].click();
      });
    });
    observer.observe(output, {childList: true, subtree: true});
  }

  /* Resolves at the reader's first act on the page: a scroll (of the page or
     of a box in it, the browser's restoring of a reader's place included),
     a turn of the wheel, a touch, a click, a key or a move of the focus; at
     once if the page opened at an anchor. (Not window.scrollY, which would
     make the browser lay the page out before its first paint.) */
  function readerActs() {
    return new Promise(function (resolve) {
      if (window.location.hash) {
        resolve();
        return;
      }
      var events = ["scroll", "wheel", "touchstart", "pointerdown", "keydown", "focusin"];
      var go = function () {
        events.forEach(function (name) {
          window.removeEventListener(name, go, true);
        });
        resolve();
      };
      events.forEach(function (name) {
        window.addEventListener(name, go, {capture: true, passive: true});
      });
    });
  }

  /* Resolves when an explorer or a self-check is within a screen's height
     of the screen: the manager's work (about a second of a phone's time)
     waits until a reader comes near one, not while the text is read. */
  function nearAnExplorer() {
    return new Promise(function (resolve) {
      var frames = document.querySelectorAll(
        ".course-explorer-static, .course-selfcheck-static");
      if (!frames.length || !window.IntersectionObserver) {
        resolve();
        return;
      }
      var seen = new IntersectionObserver(function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) {
          seen.disconnect();
          resolve();
        }
      }, {rootMargin: "100% 0px"});
      frames.forEach(function (frame) {
        seen.observe(frame);
      });
    });
  }

  function start() {
    document.querySelectorAll(VIEW).forEach(watch);
    // The three download together at the reader's first act; they run when
    // the reader is near an explorer. The manager renders the state it finds
    // in the page when it runs, so the state goes in first, and require.js
    // runs before the manager.
    var acted = readerActs();
    var state = acted.then(function () {
      return fetchText(config.state);
    });
    var scripts = config.scripts.map(function (url) {
      return acted.then(function () {
        return fetchText(url);
      });
    });
    Promise.all([state, acted.then(nearAnExplorer)])
      .then(function (results) {
        var tag = document.createElement("script");
        tag.type = "application/vnd.jupyter.widget-state+json";
        tag.textContent = results[0];
        document.body.appendChild(tag);
        return scripts.reduce(function (done, source, i) {
          return done.then(function () {
            return source;
          }).then(function (text) {
            return run(text, config.scripts[i]);
          });
        }, Promise.resolve());
      })
      .catch(function (error) {
        // The first frames stay: the page still shows every explorer's figure.
        console.warn("The explorers could not start:", error);
        document.querySelectorAll(".course-explorer-pending").forEach(function (el) {
          el.classList.remove("course-explorer-pending");
        });
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
