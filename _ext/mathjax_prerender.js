// Typesets TeX for _ext/prerender_math.py, in Node, to MathJax's SVG output
// (the site) or its CommonHTML (the single page printed to the PDF, whose
// formulas stay text that a reader can search and copy).
//
// Usage: node mathjax_prerender.js MATHJAX_DIR [svg|chtml]
// MATHJAX_DIR is the MathJax 3 distribution the site serves (the es5/ folder
// that sphinx-mathjax-offline copies to _static/mathjax). Reads one JSON
// request per line on stdin and answers one JSON line on stdout:
//   request  {"formulas": [{"tex": "...", "display": true}, ...], "tex": {...}}
//   answer   {"html": ["<mjx-container ...>", ...], "errors": [null | "message"],
//             "css": "the style sheet", "glyphs": "<defs>...</defs>" (SVG only)}
// Each request is typeset in a fresh MathJax document, with an empty record
// of the glyphs used, so that what comes with it holds its own glyphs only.
// SVG: each formula is an <svg> whose glyphs are <use href="#MJX-...">
// references to the paths in "glyphs" (MathJax's global font cache), which
// the page carries once; sizes are in ex, so a formula's x-height is that of
// the text around it, as when MathJax typesets in the browser.
// CommonHTML: "css" is the style sheet of exactly these glyphs; the fonts'
// URL is the placeholder @@MATHJAX_FONTS@@, which the caller replaces with
// the path from its page to the fonts.
"use strict";

const readline = require("readline");
const dir = process.argv[2];
const output = process.argv[3] === "chtml" ? "chtml" : "svg";

global.MathJax = {
  loader: {
    paths: {mathjax: dir},
    require: require,
    load: ["input/tex", "output/" + output, "adaptors/liteDOM", "a11y/assistive-mml"],
  },
  tex: {},
  chtml: {fontURL: "@@MATHJAX_FONTS@@", adaptiveCSS: true},
  svg: {fontCache: "global"},
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

// What an SVG formula in a page parsed as HTML does not need: the namespaces
// (the HTML parser puts <svg> in SVG's), IE's focusable, MathJax's record of
// each glyph's character (data-c), and xlink:href where SVG 2's href does.
// (None of these is in CommonHTML output.)
function slim(markup) {
  return markup
    .replace(/ xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, "")
    .replace(/ xmlns:xlink="http:\/\/www\.w3\.org\/1999\/xlink"/g, "")
    .replace(/ focusable="false"/g, "")
    .replace(/ data-c="[^"]*"/g, "")
    .replace(/ xlink:href="/g, ' href="');
}

MathJax.startup.promise.then(() => {
  const adaptor = MathJax.startup.adaptor;
  const lines = readline.createInterface({input: process.stdin});
  let queue = Promise.resolve();
  lines.on("line", (line) => {
    queue = queue.then(async () => {
      const request = JSON.parse(line);
      Object.assign(MathJax.config.tex, request.tex || {});
      // A fresh document, and an empty record of the glyphs used.
      MathJax.startup.getComponents();
      const jax = MathJax.startup.output;
      if (output === "svg") {
        jax.fontCache.clearCache();
      } else {
        jax.clearCache();
      }
      const html = [];
      const errors = [];
      for (const formula of request.formulas) {
        const display = Boolean(formula.display);
        try {
          const node = output === "svg"
            ? await MathJax.tex2svgPromise(formula.tex, {display})
            // In a browser MathJax scales each formula so that its x-height
            // matches the text's: 113-127% for the theme's system fonts
            // (x-height 0.50-0.56 em; MathJax's own is 0.442 em).
            : await MathJax.tex2chtmlPromise(formula.tex, {display, scale: 1.2});
          html.push(slim(adaptor.outerHTML(node)));
          errors.push(errorOf(adaptor, node));
        } catch (err) {
          html.push(null);
          errors.push(String(err && err.message ? err.message : err));
        }
      }
      const answer = {html, errors};
      if (output === "svg") {
        answer.glyphs = slim(adaptor.outerHTML(jax.fontCache.getCache()));
        answer.css = adaptor.textContent(MathJax.svgStylesheet());
      } else {
        answer.css = adaptor.textContent(MathJax.chtmlStylesheet());
      }
      process.stdout.write(JSON.stringify(answer) + "\n");
    });
  });
}).catch((err) => {
  process.stderr.write("MathJax failed to start: " + err + "\n");
  process.exit(1);
});
