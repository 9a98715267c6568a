"""Sphinx extension: the theme's icon fonts cut down to the icons the site draws.

Why: the theme draws its icons (the menu, search, colour mode, download and
repository buttons, admonition and link marks) with the Font Awesome web
fonts, and a page that shows one solid icon and the GitHub mark downloads
fa-solid-900.woff2 (156 kB) and fa-brands-400.woff2 (118 kB): about 1.4 s on
"Slow 4G" for some twenty glyphs, before the header is complete.

When the HTML build has finished, this extension

- collects the icons the site can draw: every ``fa-<name>`` class named by a
  written page or by a script of the site (not Font Awesome's own scripts,
  the widget manager's or MathJax's), looked up in the style sheets' icon
  rules (``.fa-<name>:before{content:"\\f0c9"}``), and every other code point
  the style sheets draw with ``content:`` or keep in a custom property (the
  theme's ``--pst-icon-*``: admonition and external-link marks);
- writes each Font Awesome font (solid, regular, brands) with those glyphs
  only, as WOFF (fontTools; WOFF 2 would need Brotli), to
  ``_static/course-icons/<font>.<hash>.woff``, a few kB each;
- writes ``_static/course-icons.css``, linked by every page after the
  theme's style sheet: for each font an ``@font-face`` of the same family,
  weight and style whose ``unicode-range`` is the subset's glyphs. Faces of
  one family are searched from the last defined, so these draw every icon of
  the subset, and the theme's full font is downloaded only if a page ever
  shows a glyph outside it (a fallback, not a blank icon).

Checked by tests/test_book.py (every page links the style sheet, whose fonts
exist and hold their ranges) and tests/test_site.py (in Chromium, every icon
a page draws is in its subset, and the full fonts are never requested).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

CSS_NAME = "course-icons.css"
FOLDER = "course-icons"
# The theme's fonts (pydata-sphinx-theme copies them to this folder) and the
# family, weight and style of the @font-face that uses each.
WEBFONTS = "_static/vendor/fontawesome/webfonts"
FONTS = {
    "fa-solid-900": ("Font Awesome 6 Free", 900),
    "fa-regular-400": ("Font Awesome 6 Free", 400),
    "fa-brands-400": ("Font Awesome 6 Brands", 400),
}
# Scripts that name fa- classes without drawing them on the site's pages.
NOT_SCANNED = ("vendor/fontawesome", "scripts/fontawesome", "widgets/", "mathjax/")
CLASS = re.compile(r"fa-[a-z0-9]+(?:-[a-z0-9]+)*")
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
ICON_SELECTOR = re.compile(r"^\.(fa-[a-z0-9-]+)::?before$")
# A string of a style sheet, and an escaped character in it. Font Awesome's
# glyphs are in the private-use area; the sheets write them escaped
# ("\\f0c9") or as the characters themselves.
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?")


def private_use(body: str) -> set[int]:
    """The private-use code points in the strings of a rule's declarations."""
    points = set()
    for string in STRING.findall(body):
        string = ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), string)
        points |= {ord(c) for c in string if 0xE000 <= ord(c) <= 0xF8FF}
    return points


def _site_files(outdir: Path, suffix: str) -> list[Path]:
    return [
        p
        for p in outdir.rglob(f"*{suffix}")
        if not any(part in p.relative_to(outdir).as_posix() for part in NOT_SCANNED)
        and not p.relative_to(outdir).as_posix().startswith(f"_static/{FOLDER}")
    ]


def icon_code_points(outdir: Path) -> tuple[set[int], set[str]]:
    """The code points the site can draw with the icon fonts, and the names used."""
    used: set[str] = set()
    for path in _site_files(outdir, ".html") + _site_files(outdir, ".js"):
        used.update(CLASS.findall(path.read_text(encoding="utf-8", errors="ignore")))
    points: set[int] = set()
    for sheet in _site_files(outdir, ".css"):
        if sheet.name == CSS_NAME:
            continue
        text = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
        for selectors, body in RULE.findall(text):
            found = private_use(body)
            if not found:
                continue
            names = [ICON_SELECTOR.match(s.strip()) for s in selectors.split(",")]
            if all(names):
                # An icon rule: drawn only where a page names one of its classes.
                if used.intersection(m.group(1) for m in names):
                    points |= found
            else:
                # A pseudo-element's mark or a custom property: may be drawn anywhere.
                points |= found
    return points, used


def _ranges(points: list[int]) -> str:
    spans, start = [], None
    for k, p in enumerate(points):
        if start is None:
            start = p
        if k + 1 == len(points) or points[k + 1] != p + 1:
            spans.append(f"U+{start:X}" if start == p else f"U+{start:X}-{p:X}")
            start = None
    return ", ".join(spans)


def write_subsets(outdir: Path) -> dict[str, list[int]]:
    """Write the subset fonts and course-icons.css; return each font's code points."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    points, _ = icon_code_points(outdir)
    target = outdir / "_static" / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.woff"):
        old.unlink()
    faces, kept = [], {}
    for name, (family, weight) in FONTS.items():
        source = outdir / WEBFONTS / f"{name}.ttf"
        # The source's timestamp kept: the same glyphs give the same file.
        font = TTFont(source, recalcTimestamp=False)
        cmap = font.getBestCmap()
        mine = sorted(p for p in points if p in cmap)
        if not mine:
            continue
        options = subset.Options()
        options.flavor = "woff"
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        cutter = subset.Subsetter(options)
        cutter.populate(unicodes=mine)
        cutter.subset(font)
        font.flavor = "woff"
        staging = target / f"{name}.woff"
        font.save(staging)
        digest = hashlib.sha256(staging.read_bytes()).hexdigest()[:10]
        final = staging.with_name(f"{name}.{digest}.woff")
        staging.rename(final)
        kept[final.name] = mine
        faces.append(
            "@font-face {\n"
            f'  font-family: "{family}";\n'
            "  font-style: normal;\n"
            f"  font-weight: {weight};\n"
            "  font-display: block;\n"
            f'  src: url("{FOLDER}/{final.name}") format("woff");\n'
            f"  unicode-range: {_ranges(mine)};\n"
            "}\n"
        )
    header = (
        "/* Written by _ext/icon_subset.py when the site is built: the Font Awesome\n"
        "   glyphs this site draws, in fonts of a few kB (see its docstring). */\n"
    )
    (outdir / "_static" / CSS_NAME).write_text(
        header + "".join(faces), encoding="utf-8"
    )
    return kept


def build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    if not (Path(app.outdir) / WEBFONTS / "fa-solid-900.ttf").is_file():
        return
    write_subsets(Path(app.outdir))


def setup(app):
    # After the theme's style sheets, so that these faces are searched first.
    app.add_css_file(CSS_NAME, priority=900)
    app.connect("build-finished", build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
