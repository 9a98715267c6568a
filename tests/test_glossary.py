"""The glossary page and the chapters' links into it.

Sphinx's build (-W) already fails on a {term} link to an undefined term; these
tests check what it cannot: that the glossary is big enough to be useful and
that every core chapter sends its reader there for the terms it uses.
"""

import re

import pytest

import test_reading_time
from notebooks import CHAPTERS, load

GLOSSARY = CHAPTERS / "glossary.md"
CORE = test_reading_time.CORE
TERM_LINK = re.compile(r"\{term\}`(?:[^`<]*<([^`>]+)>|([^`]+))`")


def _glossary_terms():
    text = GLOSSARY.read_text(encoding="utf-8")
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S)
    assert block, "glossary.md has no {glossary} block"
    # A term is a line that starts in column 0; its definition is indented.
    return [
        line.strip()
        for line in block.group(1).splitlines()
        if line and not line[0].isspace()
    ]


def _linked_terms(path):
    text = "\n".join(
        "".join(c["source"])
        for c in load(path)["cells"]
        if c["cell_type"] == "markdown"
    )
    return {(a or b).strip().lower() for a, b in TERM_LINK.findall(text)}


def test_terms_are_found_in_a_known_glossary_snippet():
    # The link pattern reads both forms a chapter uses.
    found = TERM_LINK.findall("{term}`epochs <epoch>` and {term}`ulp`")
    assert [(a or b) for a, b in found] == ["epoch", "ulp"]


def test_the_glossary_defines_at_least_20_terms_once_each():
    terms = _glossary_terms()
    assert len(terms) >= 20, terms
    lowered = [t.lower() for t in terms]
    assert len(set(lowered)) == len(lowered), "a term is defined twice"
    for needed in [
        "epoch",
        "learning rate",
        "gradient descent",
        "logit",
        "saturation",
        "ulp",
        "unit roundoff",
        "cancellation",
        "backpropagation",
        "computational graph",
        "local gradient",
    ]:
        assert any(t.lower().startswith(needed) for t in terms), needed


@pytest.mark.parametrize("path", CORE, ids=[p.name for p in CORE])
def test_every_core_chapter_links_at_least_five_glossary_terms(path):
    defined = {t.lower() for t in _glossary_terms()}
    linked = _linked_terms(path)
    assert linked <= defined, f"{path.name} links undefined terms {linked - defined}"
    assert len(linked) >= 5, f"{path.name} links only {sorted(linked)}"
