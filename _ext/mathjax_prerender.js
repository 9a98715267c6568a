// Typesets TeX to MathJax's CommonHTML for _ext/prerender_math.py, in Node.
//
// Usage: node mathjax_prerender.js MATHJAX_DIR
// MATHJAX_DIR is the MathJax 3 distribution the site serves (the es5/ folder
// that sphinx-mathjax-offline copies to _static/mathjax). Reads one JSON
// request per line on stdin and answers one JSON line on stdout:
//   request  {"formulas": [{"tex": "...", "display": true}, ...], "tex": {...}}
//   answer   {"html": ["<mjx-container ...>", ...], "errors": [null | "message"],
//             "css": "the CHTML style sheet for exactly these formulas"}
// Each request is typeset in a fresh MathJax document, so that its style
// sheet holds the rules of its own glyphs only (MathJax's adaptiveCSS). The
// fonts' URL is the placeholder @@MATHJAX_FONTS@@, which the caller replaces
// with the path from its page to the fonts.
"use strict";

const readline = require("readline");
const dir = process.argv[2];

global.MathJax = {
  loader: {
    paths: {mathjax: dir},
    require: require,
    load: ["input/tex", "output/chtml", "adaptors/liteDOM", "a11y/assistive-mml"],
  },
  tex: {},
  chtml: {fontURL: "@@MATHJAX_FONTS@@", adaptiveCSS: true},
  startup: {typeset: false},
};
require(dir + "/startup.js");

function errorOf(adaptor, node) {
  // A TeX error (noerrors off) is an <merror>; an undefined macro, with the
  // noundefined package, is red text holding the macro's name.
  const html = adaptor.outerHTML(node);
  const merror = html.match(/data-mjx-error="([^"]*)"/);
  if (merror) {
    return merror[1];
  }
  const undefinedMacro = html.match(/<mtext mathcolor="red">(\\[^<]*)<\/mtext>/);
  return undefinedMacro ? "undefined control sequence " + undefinedMacro[1] : null;
}

MathJax.startup.promise.then(() => {
  const adaptor = MathJax.startup.adaptor;
  const lines = readline.createInterface({input: process.stdin});
  let queue = Promise.resolve();
  lines.on("line", (line) => {
    queue = queue.then(async () => {
      const request = JSON.parse(line);
      Object.assign(MathJax.config.tex, request.tex || {});
      // A fresh document, whose style sheet holds only the glyphs it uses
      // (the fonts' record of the glyphs used is shared: cleared too).
      MathJax.startup.getComponents();
      MathJax.startup.output.clearCache();
      const html = [];
      const errors = [];
      for (const formula of request.formulas) {
        try {
          const node = await MathJax.tex2chtmlPromise(formula.tex, {
            display: Boolean(formula.display),
            // In a browser MathJax scales each formula so that its x-height
            // matches the text's: 113-127% for the theme's system fonts
            // (x-height 0.50-0.56 em; MathJax's own is 0.442 em).
            scale: 1.2,
          });
          html.push(adaptor.outerHTML(node));
          errors.push(errorOf(adaptor, node));
        } catch (err) {
          html.push(null);
          errors.push(String(err && err.message ? err.message : err));
        }
      }
      const css = adaptor.textContent(MathJax.chtmlStylesheet());
      process.stdout.write(JSON.stringify({html, errors, css}) + "\n");
    });
  });
}).catch((err) => {
  process.stderr.write("MathJax failed to start: " + err + "\n");
  process.exit(1);
});
