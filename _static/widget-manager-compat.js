/* An adaptation of the explorers' widget manager (@jupyter-widgets/html-manager,
   served from _static/widgets/) to this site's MathJax. jupyter-book loads it
   on every page; it only adds an entry point to MathJax. */
(function () {
  /* The manager typesets widget labels with the MathJax 2 call
     MathJax.Hub.Queue(["Typeset", MathJax.Hub, el]). This site serves MathJax 3,
     which has no Hub, so every explorer raised "Cannot read properties of
     undefined (reading 'Queue')". Give MathJax 3 that entry point. */
  function installHub() {
    var mj = window.MathJax;
    if (!mj || !mj.version || mj.Hub) {
      return Boolean(mj && mj.Hub);
    }
    mj.Hub = {
      Queue: function (job) {
        var element = Array.isArray(job) ? job[2] : undefined;
        var ready = mj.startup && mj.startup.promise ? mj.startup.promise : Promise.resolve();
        return ready.then(function () {
          return mj.typesetPromise ? mj.typesetPromise(element ? [element] : undefined) : undefined;
        });
      },
    };
    return true;
  }
  // MathJax 3 is loaded with `defer`: it replaces the configuration object
  // window.MathJax just before DOMContentLoaded.
  if (!installHub()) {
    document.addEventListener("DOMContentLoaded", installHub);
  }
})();
