/* Starts the explorers after the text (loaded on every page; does nothing on
   a page without explorers). _ext/explorers.py took the explorers' saved
   state and the widget manager out of the page and set
   window.courseExplorers = {state: URL, scripts: [require.js, embed-amd.js]};
   in each explorer's place the page shows its first frame
   (.course-explorer-static). Once the page is parsed this fetches the three
   with low priority, so that they come after the page's own text, style
   sheets and fonts, and runs them in order when a reader comes within a
   screen of an explorer; the manager then draws each explorer out of sight,
   and the live explorer replaces the first frame in one step when it is
   complete, so that nothing below it moves twice. */
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
     live block shows as many options as the frame. */
  function watchSelfCheck(output) {
    var still = output.querySelector(".course-selfcheck-static");
    if (!still) {
      return;
    }
    var options = still.querySelectorAll(".course-selfcheck-option").length;
    output.classList.add("course-explorer-pending");
    var observer = new MutationObserver(function () {
      var live = output.querySelector(".widget-subarea .self-check");
      if (!live || live.querySelectorAll('input[type="radio"]').length < options) {
        return;
      }
      observer.disconnect();
      still.remove();
      output.classList.remove("course-explorer-pending");
    });
    observer.observe(output, {childList: true, subtree: true});
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
    // The three download together, at once; they run when a reader comes
    // near an explorer. The manager renders the state it finds in the page
    // when it runs, so the state goes in first, and require.js runs before
    // the manager.
    var state = fetchText(config.state);
    var scripts = config.scripts.map(fetchText);
    Promise.all([state, nearAnExplorer()])
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
