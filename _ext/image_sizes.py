"""Sphinx extension: every figure keeps its room before it loads, and loads when near.

Why: the figures of a chapter (matplotlib PNGs, 30-140 kB each) had no
``width`` or ``height``, so each one that arrived made the browser lay the
whole page out again (on a phone, a quarter of a second each for a chapter
of 13 000 elements), and they all downloaded with the text, on a slow
network competing with it, though most are screens below. This extension
writes, on every ``<img>`` of a page's body whose file is one of the
book's images (``_images/``), the file's ``width`` and ``height`` (read from
its PNG header; the theme's ``max-width: 100%`` and course.css's
``height: auto`` make the browser reserve the figure's shape at any width),
``decoding="async"``,
and, except on a page's first figure, ``loading="lazy"``: the browser fetches
it when the reader comes near. The single-page build that the PDF is printed
from keeps its images eager.

Checked by tests/test_book.py (every figure's size is its file's, every one
but the first is lazy) and tests/test_site.py (every image loads, no layout
shift).
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

IMG = re.compile(r"<img\b([^>]*?)\s*/?>", re.S)
SRC = re.compile(r'\bsrc="([^"]+)"')
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR chunk, or None if it is not a PNG."""
    with open(path, "rb") as file:
        head = file.read(24)
    if len(head) < 24 or head[:8] != PNG_SIGNATURE or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def size_images(body: str, sizes: dict[str, tuple[int, int]], lazy: bool) -> str:
    """The body with sizes, async decoding and (after the first) lazy figures."""
    seen = 0

    def sized(match: re.Match) -> str:
        nonlocal seen
        attributes = match.group(1)
        src = SRC.search(attributes)
        name = src.group(1).rsplit("/", 1)[-1] if src else ""
        if not src or "_images/" not in src.group(1) or name not in sizes:
            return match.group(0)
        if re.search(r"\b(width|height)=", attributes):
            return match.group(0)
        seen += 1
        width, height = sizes[name]
        extra = f' width="{width}" height="{height}" decoding="async"'
        if lazy and seen > 1 and "loading=" not in attributes:
            extra += ' loading="lazy"'
        return f"<img{attributes}{extra} />"

    return IMG.sub(sized, body)


def add_sizes(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if not body or "_images/" not in body:
        return
    sizes = getattr(app, "_course_image_sizes", None)
    if sizes is None:
        sizes = app._course_image_sizes = {}
    for source, name in app.builder.images.items():
        if name in sizes:
            continue
        path = Path(app.srcdir) / source
        size = png_size(path) if path.is_file() else None
        if size:
            sizes[name] = size
    context["body"] = size_images(body, sizes, lazy=app.builder.name == "html")


def setup(app):
    app.connect("html-page-context", add_sizes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
