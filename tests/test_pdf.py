"""The whole-book PDF (`make pdf`): every chapter, every exercise, every figure.

`make test-pdf` prints the book from the single-page build in Chromium
(tools/book_pdf.py), then these checks read the PDF back with pypdf. The
expected titles, exercise labels, figure counts and self-checks come from the
notebooks themselves, the headings and the explorers' first frames from the
single-page build that was printed, so a new chapter is covered without
editing this file. Also checked: every link lands on the page of its target
and none points to the local server that printed the book; each explorer's
first frame is printed with its text; no heading ends a page; no page is
left mostly blank except before a chapter.
"""

import html
import re
import unicodedata
from functools import cache
from html.parser import HTMLParser

import pytest

from notebooks import ROOT, load, toc_files, toc_notebooks
from pdf_links import links
from sigmoid_course.selfcheck import saved_self_checks

PDF = ROOT / "_build" / "pdf" / "sigmoid-course.pdf"
SINGLE_PAGE = ROOT / "_build" / "singlehtml" / "chapters" / "index.html"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# Text below this height (PDF points from the bottom) is the page footer.
FOOTER = 45


@pytest.fixture(scope="module")
def reader():
    from pypdf import PdfReader

    assert PDF.exists(), f"{PDF} is missing: run `make pdf`"
    return PdfReader(PDF)


@pytest.fixture(scope="module")
def pages(reader):
    """What each page holds, read once: its text, its lines as (baseline y,
    text) from the top down (the footer left out), the (lower, upper) edges
    of each image and the left edge of each piece of text. Heights are PDF points
    from the bottom of the page."""
    found = []
    for page in reader.pages:
        pieces, images, xs = [], [], []

        def on_text(text, cm, tm, font, size, pieces=pieces, xs=xs):
            if text.strip():
                x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
                xs.append(x)
                if y > FOOTER:
                    pieces.append((round(y, 1), x, text))

        def on_operator(operator, args, cm, tm, images=images):
            if operator == b"Do":  # an image, drawn in the unit square of cm
                images.append(tuple(sorted((cm[5], cm[5] + cm[3]))))

        text = page.extract_text(
            visitor_text=on_text, visitor_operand_before=on_operator
        )
        lines = {}
        for y, _, piece in sorted(pieces, key=lambda p: (-p[0], p[1])):
            key = next((k for k in lines if abs(k - y) < 2), y)
            lines.setdefault(key, []).append(piece)
        found.append(
            {
                "text": text or "",
                "lines": [(y, _norm("".join(t))) for y, t in lines.items()],
                "images": images,
                "xs": xs,
            }
        )
    return found


@pytest.fixture(scope="module")
def text(pages):
    return re.sub(r"\s+", " ", " ".join(p["text"] for p in pages))


def _markdown(nb):
    return "\n".join(
        "".join(c["source"]) for c in load(nb)["cells"] if c["cell_type"] == "markdown"
    )


def _title(nb):
    return re.search(r"^# (.+)$", _markdown(nb), re.M).group(1).strip()


def _numbered_chapters():
    """(chapter number, notebook) for the notebooks of the numbered part, in order."""
    return list(enumerate(toc_notebooks(), start=1))


def test_the_pdf_has_numbered_pages_and_a_table_of_contents(reader, text):
    pages = len(reader.pages)
    assert pages >= 20
    first = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert "Contents" in first
    # The footer of the last page reads "N / N".
    last = re.sub(r"\s+", " ", reader.pages[-1].extract_text())
    assert f"{pages} / {pages}" in last


@pytest.mark.parametrize(
    "number, nb", _numbered_chapters(), ids=lambda v: getattr(v, "stem", v)
)
def test_every_chapter_title_is_in_the_pdf_and_its_table_of_contents(
    reader, text, number, nb
):
    # Smart quotes: the site prints ’ where the source has '.
    title = re.sub(r"\s+", " ", _title(nb)).replace("'", "’")
    # MathJax symbols in a title do not survive text extraction; compare the words.
    words = re.sub(r"\$[^$]*\$", " ", title).split()
    assert all(w in text for w in words), (
        f"chapter {number} ({title}) is not in the PDF"
    )
    contents = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert f"{number}. " in contents and words[0] in contents


@pytest.mark.parametrize(
    "number, nb", _numbered_chapters(), ids=lambda v: getattr(v, "stem", v)
)
def test_every_exercise_and_its_solution_are_printed(text, number, nb):
    count = len(re.findall(r"^:::\{exercise\}", _markdown(nb), re.M))
    for k in range(1, count + 1):
        assert f"Exercise {number}.{k}" in text, (
            f"Exercise {number}.{k} is not in the PDF"
        )
        assert f"Solution to Exercise {number}.{k}" in text, (
            f"the solution of Exercise {number}.{k} is not printed"
        )


def test_the_reference_pages_are_in_the_pdf(text):
    for name in toc_files():
        path = ROOT / (name + ".md")
        if path.exists() and name != toc_files()[0]:
            title = re.search(
                r"^# (.+)$", path.read_text(encoding="utf-8"), re.M
            ).group(1)
            assert title.strip() in text


def test_equations_are_typeset_without_errors(text):
    # tools/book_pdf.py refuses to print a page with an untypeset equation;
    # an error MathJax typeset, or TeX left untypeset, would show here.
    assert "MathJax" not in text
    assert "Math input error" not in text
    assert not re.search(r"\\\(|\\\[|\$\$", text)


def test_every_static_figure_and_explorer_frame_is_an_image(reader):
    figures = explorers = 0
    for nb in toc_notebooks():
        for cell in load(nb)["cells"]:
            if cell["cell_type"] != "code":
                continue
            if cell.get("metadata", {}).get("mystnb", {}).get("figure"):
                figures += 1
            if "self-check" in cell.get("metadata", {}).get("tags", []):
                continue  # printed as its answer key, text
            if any(WIDGET_VIEW in o.get("data", {}) for o in cell.get("outputs", [])):
                explorers += 1
    images = sum(len(page.images) for page in reader.pages)
    assert figures > 0
    assert images >= figures + explorers, (images, figures, explorers)


SELF_CHECK_CHAPTERS = [nb for nb in toc_notebooks() if saved_self_checks(load(nb))]


@pytest.mark.parametrize("nb", SELF_CHECK_CHAPTERS, ids=lambda p: p.stem)
def test_every_self_check_question_is_printed_with_its_answer(text, nb):
    printed = _norm(text)  # the PDF's ligatures (ﬁ, ﬀ) spelt out
    for block in saved_self_checks(load(nb)):
        assert _norm(f"Self-check: {block.title}") in printed
        for q in block.questions:
            assert _norm(q.prompt) in printed, f"{nb.name}: {q.prompt!r}"
            for label in q.labels:
                assert _norm(label) in printed, (
                    f"{nb.name}: option {label!r} of {q.prompt!r}"
                )
            answer = f"Answer: {q.labels[q.answer]}"
            assert _norm(answer) in printed, f"{nb.name}: {q.prompt!r} without {answer}"


def test_code_lines_wrap_instead_of_running_off_the_page(reader, pages):
    # A cut line would put text outside the page's media box.
    for number, (page, read) in enumerate(zip(reader.pages, pages), start=1):
        width = float(page.mediabox.width)
        assert all(x < width for x in read["xs"]), f"text runs off page {number}"


def test_the_landing_page_links_the_pdf_next_to_the_site():
    site = ROOT / "_build" / "html"
    landing = (site / "chapters" / "index.html").read_text(encoding="utf-8")
    assert 'href="../sigmoid-course.pdf"' in landing
    copy = site / "sigmoid-course.pdf"
    assert copy.exists() and copy.read_bytes() == PDF.read_bytes()


# ---- layout and links ---------------------------------------------------------


def _norm(text):
    """Text with its spaces collapsed and its ligatures (the PDF's ﬁ, ﬂ, ﬀ)
    spelt out, so that the HTML's words and the PDF's compare."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


@pytest.fixture(scope="module")
def all_links(reader):
    found = links(reader)
    assert found, "the PDF has no links"
    return found


def _chapter_starts(all_links):
    """0-based pages on which the contents' links land: each chapter's first."""
    return {link.target_page for link in all_links if link.page == 0}


def test_no_link_points_to_a_local_address(all_links):
    local = [
        (link.page + 1, link.uri)
        for link in all_links
        if link.uri
        and re.match(r"(https?://(127\.|localhost|0\.0\.0\.0|\[::1\])|file:)", link.uri)
    ]
    assert local == [], f"links to the printing machine: {local[:10]}"


class _TextById(HTMLParser):
    """The first characters of text inside each element that has an id."""

    VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open, self.texts = [], {}

    def handle_starttag(self, tag, attrs):
        self.handle_data(" ")  # elements' texts are separate words
        if tag in self.VOID:
            return
        ident = dict(attrs).get("id")
        self.open.append((tag, ident))
        if ident is not None:
            self.texts.setdefault(ident, "")

    def handle_endtag(self, tag):
        self.handle_data(" ")
        if any(open_tag == tag for open_tag, _ in self.open):
            while self.open.pop()[0] != tag:
                pass

    def handle_data(self, data):
        for _, ident in self.open:
            if ident is not None and len(self.texts[ident]) < 300:
                self.texts[ident] += data


def _first_words(text, count=3):
    """The first words of an element's text that a PDF's text layer keeps:
    plain words and numbers (a formula's glyphs come out differently)."""
    words = [w.strip("#") for w in _norm(text).split()]
    plain = [w for w in words if len(w) > 1 and re.fullmatch(r"[\w().,:;’'-]+", w)]
    return plain[:count]


def test_every_internal_link_lands_on_the_page_of_its_target(pages, all_links):
    # Each link names its target by the HTML id it had in the single page;
    # the target's first words must be printed on the page the link opens.
    # A link to an empty marker (singlehtml's <span id="document-...">
    # before each chapter) lands wherever the marker fell: at the foot of
    # the page before the chapter.
    parser = _TextById()
    parser.feed(_single_page())
    internal = {(link.name, link.target_page) for link in all_links if link.uri is None}
    assert internal, "no internal links"
    wrong = []
    for name, target in sorted(internal, key=str):
        assert target is not None, f"a link to {name!r} goes nowhere"
        words = _first_words(parser.texts.get(name, ""))
        printed = _norm(pages[target]["text"])
        if not words:
            wrong.append(f"{name}: an element without text, on page {target + 1}")
        elif not all(w in printed for w in words):
            wrong.append(f"{name} ({' '.join(words)}): not on page {target + 1}")
    assert wrong == [], f"{len(wrong)} links land away from their target: {wrong[:8]}"


def test_the_contents_give_the_page_each_entry_links_to(pages, all_links):
    contents = [link for link in all_links if link.page == 0]
    rows = [text for _, text in pages[0]["lines"] if re.search(r"\s\d+$", text)]
    assert len(rows) == len(contents) >= len(toc_notebooks()), (rows, contents)
    for row, link in zip(rows, contents):
        printed = int(row.rsplit(" ", 1)[1])
        assert printed == link.target_page + 1, (
            f"contents: {row!r} but its link goes to page {link.target_page + 1}"
        )
        title = row.rsplit(" ", 1)[0]
        words = [w for w in title.split() if w.isalpha()][:3]
        landed = " ".join(text for _, text in pages[link.target_page]["lines"][:3])
        assert all(w in landed for w in words), (
            f"contents: {title!r} links to page {printed}, which starts {landed!r}"
        )


@cache
def _single_page():
    assert SINGLE_PAGE.exists(), f"{SINGLE_PAGE} is missing: run `make pdf`"
    return SINGLE_PAGE.read_text(encoding="utf-8")


def _explorer_cells():
    # Widgets outside the cells tagged self-check (those print as answer keys).
    return sum(
        any(WIDGET_VIEW in o.get("data", {}) for o in cell.get("outputs", []))
        for nb in toc_notebooks()
        for cell in load(nb)["cells"]
        if cell["cell_type"] == "code"
        and "self-check" not in cell.get("metadata", {}).get("tags", [])
    )


def test_every_explorer_is_printed_as_its_first_frame_with_its_text(text):
    frames = re.findall(
        r'<div class="course-explorer-static".*?<pre class="explorer-text">(.*?)</pre>',
        _single_page(),
        re.S,
    )
    assert len(frames) == _explorer_cells() > 0, (
        f"{len(frames)} first frames in the single page, "
        f"{_explorer_cells()} explorers in the notebooks"
    )
    squeezed = text.replace(" ", "")
    for frame in frames:
        for line in html.unescape(frame).splitlines():
            # pypdf drops or doubles the spaces of a monospaced line.
            assert line.replace(" ", "") in squeezed, f"not printed: {line!r}"


def _headings():
    found = re.findall(r"<h([2-6])[^>]*>(.*?)</h\1>", _single_page(), re.S)
    return {
        _norm(html.unescape(re.sub(r"<[^>]+>", "", body))).rstrip("#").strip()
        for _, body in found
    } - {""}


def test_no_heading_is_left_at_the_foot_of_a_page(pages):
    headings = _headings()
    assert headings
    alone = []
    for number, page in enumerate(pages):
        lines, images = page["lines"], page["images"]
        if not lines:
            continue
        y, last = lines[-1]
        if any(lower < y for lower, _ in images):
            continue  # an image below the last line of text
        if any(h == last or (len(last) > 8 and h.startswith(last)) for h in headings):
            alone.append((number + 1, last))
    assert alone == [], f"headings with nothing after them on their page: {alone}"


def test_no_page_is_left_mostly_blank_but_before_a_chapter(reader, pages, all_links):
    starts = _chapter_starts(all_links)
    height = float(reader.pages[0].mediabox.height)
    blank = []
    for number, page in enumerate(pages[:-1]):
        if number + 1 in starts:
            continue  # the chapter ends here; the next starts on a new page
        lowest = min(
            [y for y, _ in page["lines"]] + [lower for lower, _ in page["images"]],
            default=height,
        )
        if lowest > height / 2:
            blank.append((number + 1, f"content ends {round(lowest)} pt up"))
    assert blank == [], (
        f"pages left more than half blank (the page is {round(height)} pt): {blank}"
    )
