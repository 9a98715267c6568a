"""The links of a PDF as pypdf reads them: where each one is and where it goes.

tools/book_pdf.py numbers its table of contents with the pages the contents'
links land on; tests/test_pdf.py checks every link. Chromium writes an
internal link as a /Link annotation whose destination is a name (in the
document's /Dests) or an explicit [page /XYZ left top zoom] array, and an
external one as a /URI action.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Link:
    page: int  # 0-based page of the link
    rect: tuple[float, float, float, float]  # x0, y0, x1, y1 (PDF points)
    uri: str | None  # an external link's address
    target_page: int | None  # 0-based page an internal link lands on
    target_top: float | None  # the height (PDF points) it lands at, if given
    name: str | None = None  # a named destination's name: the target's HTML id


def _resolve(reader, dest):
    """(page index, top) of a destination: a name, or an explicit array."""
    if isinstance(dest, bytes):
        dest = dest.decode("latin-1")
    if isinstance(dest, str):
        named = reader.named_destinations.get(dest)
        if named is None:
            return None, None
        top = named.get("/Top") if hasattr(named, "get") else None
        return reader.get_destination_page_number(named), top
    array = dest.get_object() if hasattr(dest, "get_object") else dest
    page_ref = array[0]
    pages = [p.indirect_reference for p in reader.pages]
    try:
        index = pages.index(page_ref)
    except ValueError:
        index = int(page_ref) if isinstance(page_ref, int) else None
    top = array[3] if len(array) > 3 and array[1] == "/XYZ" else None
    return index, (float(top) if top is not None else None)


def links(reader) -> list[Link]:
    """Every link annotation of the document, in page order."""
    found = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            rect = tuple(float(v) for v in annotation["/Rect"])
            action = annotation.get("/A")
            action = action.get_object() if action is not None else {}
            if action.get("/S") == "/URI":
                found.append(Link(number, rect, str(action["/URI"]), None, None))
                continue
            dest = annotation.get("/Dest")
            if dest is None and action.get("/S") == "/GoTo":
                dest = action.get("/D")
            if dest is None:
                continue
            target, top = _resolve(reader, dest)
            name = dest.decode("latin-1") if isinstance(dest, bytes) else dest
            name = str(name).removeprefix("/") if isinstance(name, str) else None
            found.append(Link(number, rect, None, target, top, name))
    return found
