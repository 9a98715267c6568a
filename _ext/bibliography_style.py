"""Sphinx extension: the References page labels entries the way the chapters cite them.

Why: sphinxcontrib-bibtex's default pybtex style (``alpha``) labels an entry
[BSF94] while the text, with ``bibtex_reference_style: author_year``, cites
"Bengio et al., 1994"; a reader cannot find one from the other. The style
``course`` registered here is pybtex's ``unsrt`` with

- labels "Bengio et al., 1994", "Glorot and Bengio, 2010", "Nielsen, 2015"
  (a letter is appended when two entries would get the same label);
- entries sorted by author, year and title, as the labels read;
- an edition written as an ordinal ("2nd edition", not "2 edition").

It also gives each entry of the bibliography the ARIA role ``listitem``:
docutils writes ``role="doc-biblioentry"`` inside a ``role="list"``, which
axe-core reports as aria-required-children (a list must contain list items).

Checked by tests/test_book.py (labels and editions) and tests/test_site.py (axe-core).
"""

from __future__ import annotations

import re
from collections import Counter

from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.template import field, optional, words

_ORDINAL_SUFFIX = {1: "st", 2: "nd", 3: "rd"}


def ordinal_edition(edition) -> Text:
    """'2' -> '2nd', '11' -> '11th'; words ('Second') are lower-cased as pybtex does."""
    plain = str(edition)
    if not plain.isdigit():
        return Text(plain.lower())
    n = int(plain)
    suffix = "th" if 10 <= n % 100 <= 20 else _ORDINAL_SUFFIX.get(n % 10, "th")
    return Text(f"{n}{suffix}")


def _last_name(person) -> str:
    return (
        Text(*person.rich_last_names).render_as("text")
        if person.rich_last_names
        else str(person)
    )


def author_year(entry) -> str:
    """'Bengio et al., 1994': the entry as the author_year citations name it."""
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_last_name(p) for p in persons]
    if not names:
        who = entry.fields.get("organization") or entry.key
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:  # also "Karpathy and others", as the citations read
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearLabelStyle(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        labels = [author_year(e) for e in entries]
        repeated = Counter(labels)
        seen = Counter()
        for label in labels:
            if repeated[label] > 1:
                seen[label] += 1
                label = f"{label}{'abcdefghijklmnopqrstuvwxyz'[seen[label] - 1]}"
            yield label


class CourseStyle(UnsrtStyle):
    default_label_style = AuthorYearLabelStyle
    default_sorting_style = "author_year_title"

    def format_edition(self, e):
        return optional[words[field("edition", apply_func=ordinal_edition), "edition"]]


_ENTRY_ROLE = re.compile(r'(<div class="citation"[^>]*?) role="doc-biblioentry"')


def list_items_for_entries(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = _ENTRY_ROLE.sub(r'\1 role="listitem"', body)


def setup(app):
    from pybtex.plugin import register_plugin

    register_plugin("pybtex.style.formatting", "course", CourseStyle)
    app.connect("html-page-context", list_items_for_entries)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
