"""The whole-book PDF (`make pdf`): every chapter, every exercise, every figure.

`make test-pdf` prints the book from the single-page build in Chromium
(tools/book_pdf.py), then these checks read the PDF back with pypdf. The
expected titles, exercise labels, figure counts and self-checks come from the
notebooks themselves, so a new chapter is covered without editing this file.
"""

import re

import pytest

from notebooks import ROOT, load, toc_files, toc_notebooks
from sigmoid_course.selfcheck import saved_self_checks

PDF = ROOT / "_build" / "pdf" / "sigmoid-course.pdf"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def reader():
    from pypdf import PdfReader

    assert PDF.exists(), f"{PDF} is missing: run `make pdf`"
    return PdfReader(PDF)


@pytest.fixture(scope="module")
def text(reader):
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))


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
    for block in saved_self_checks(load(nb)):
        assert f"Self-check: {block.title}" in text
        for q in block.questions:
            assert " ".join(q.prompt.split()) in text, f"{nb.name}: {q.prompt!r}"
            for label in q.labels:
                assert label in text, f"{nb.name}: option {label!r} of {q.prompt!r}"
            answer = f"Answer: {q.labels[q.answer]}"
            assert answer in text, f"{nb.name}: {q.prompt!r} without {answer}"


def test_code_lines_wrap_instead_of_running_off_the_page(reader):
    # A cut line would put text outside the page's media box.
    for number, page in enumerate(reader.pages, start=1):
        width = float(page.mediabox.width)
        xs = []

        def visit(text, cm, tm, font, size, xs=xs):
            if text.strip():
                xs.append(tm[4] * cm[0] + cm[4])

        page.extract_text(visitor_text=visit)
        assert all(x < width for x in xs), f"text runs off page {number}"


def test_the_landing_page_links_the_pdf_next_to_the_site():
    site = ROOT / "_build" / "html"
    landing = (site / "chapters" / "index.html").read_text(encoding="utf-8")
    assert 'href="../sigmoid-course.pdf"' in landing
    copy = site / "sigmoid-course.pdf"
    assert copy.exists() and copy.read_bytes() == PDF.read_bytes()
