/* An adaptation of the explorers' widget manager (@jupyter-widgets/html-manager,
   served from _static/widgets/) to this site's MathJax. jupyter-book loads it
   on every page; it only gives the manager an entry point to MathJax. */
(function () {
  "use strict";
  /* The manager typesets each widget label with the MathJax 2 call
     MathJax.Hub.Queue(["Typeset", MathJax.Hub, el]) whenever window.MathJax
     exists. The pages' formulas are typeset when the site is built
     (_ext/prerender_math.py), so MathJax itself is not loaded: a label that
     holds TeX loads MathJax 3 (served from _static/mathjax) the first time,
     then is typeset with it; other labels cost nothing. */
  var TEX = /\\\(|\\\[|\$\$|\$[^$]+\$/;
  var loading = null;

  function mathjax() {
    if (window.MathJax && window.MathJax.version) {
      return window.MathJax.startup.promise.then(function () {
        return window.MathJax;
      });
    }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var hub = window.MathJax && window.MathJax.Hub;
        window.MathJax = {
          options: {menuOptions: {settings: {inTabOrder: false}}},
          tex: {inlineMath: [["$", "$"], ["\\(", "\\)"]]},
          startup: {
            typeset: false,
            ready: function () {
              window.MathJax.Hub = hub;
              window.MathJax.startup.defaultReady();
              window.MathJax.startup.promise.then(function () {
                resolve(window.MathJax);
              });
            },
          },
          Hub: hub,
        };
        var script = document.createElement("script");
        var root = document.documentElement.dataset.content_root || "";
        script.src = root + "_static/mathjax/tex-chtml.js";
        script.async = true;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function queue(job) {
    var element = Array.isArray(job) ? job[2] : undefined;
    if (!element || !TEX.test(element.textContent || "")) {
      return Promise.resolve();
    }
    return mathjax().then(function (mj) {
      return mj.typesetPromise([element]);
    });
  }

  if (!window.MathJax) {
    window.MathJax = {Hub: {Queue: queue}};
  } else if (!window.MathJax.Hub) {
    window.MathJax.Hub = {Queue: queue};
  }
})();
