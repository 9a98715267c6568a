/* Starts the explorers after the text (loaded on every page; does nothing on
   a page without explorers). _ext/explorers.py took the explorers' saved
   state and the widget manager out of the page and set
   window.courseExplorers = {state: URL, scripts: [require.js, embed-amd.js]};
   in each explorer's place the page shows its first frame
   (.course-explorer-static). Once the page is parsed this fetches the three
   with low priority, so that they come after the page's own text, style
   sheets and fonts; the manager then draws each explorer out of sight, and
   the live explorer replaces the first frame in one step when it is
   complete, so that nothing below it moves twice. */
(function () {
  "use strict";
  var config = window.courseExplorers;
  if (!config || !window.fetch) {
    return;
  }
  var VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';

  function addScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.async = false;
      script.fetchPriority = "low";
      script.onload = resolve;
      script.onerror = function () {
        reject(new Error("could not load " + src));
      };
      document.head.appendChild(script);
    });
  }

  function preload(src) {
    var link = document.createElement("link");
    link.rel = "preload";
    link.as = "script";
    link.href = src;
    link.fetchPriority = "low";
    document.head.appendChild(link);
  }

  /* The live explorer is drawn after its first frame, hidden
     (.course-explorer-pending); when it shows a figure and as many controls
     as the frame names, the frame goes and the explorer takes its place. */
  function watch(view) {
    var output = view.parentElement;
    var still = output.querySelector(".course-explorer-static");
    if (!still) {
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

  function start() {
    document.querySelectorAll(VIEW).forEach(watch);
    var scripts = config.scripts.slice();
    var manager = scripts.pop();
    // The manager renders the state it finds in the page when it runs, so
    // the state goes in first; the scripts download meanwhile.
    preload(manager);
    var state = fetch(config.state, {priority: "low"}).then(function (response) {
      if (!response.ok) {
        throw new Error(config.state + ": " + response.status);
      }
      return response.text();
    });
    Promise.all([state, Promise.all(scripts.map(addScript))])
      .then(function (results) {
        var tag = document.createElement("script");
        tag.type = "application/vnd.jupyter.widget-state+json";
        tag.textContent = results[0];
        document.body.appendChild(tag);
        return addScript(manager);
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
