"""Table rows among a page's lines: every row kept, in one ``table`` block.

``reading_order`` writes three spaces between two runs of a line that a wide
gap separates, which in running text only happens between table cells (a
hanging paragraph number, "1.   Following", is not a cell and is merged back).
A table is two or more such rows in a row; up to three single-cell lines
between two rows (a cell wrapped over several lines) belong to it.  Each row
becomes one line of the table's passage, cells separated by `` | ``, so no
row is lost to a heading test made for prose (the issue this fixes: a
10-row table of which 8 rows were missing from the passages).
"""

from __future__ import annotations

import re

_GAP = re.compile(r"\s{3,}")
# the leading cell is only a paragraph or list number: "1.", "(a)", "A.", "IV.", a bullet
_LABEL = re.compile(r"^(?:\d{1,4}\.|\(?[a-z0-9]{1,4}\)|[A-Z]\.|[IVXLC]+\.|[•\-–*])$")
_MAX_WRAPPED = 3


def cells(text: str) -> list[str]:
    """The cells of a line; a leading paragraph or list label stays with its text."""
    parts = [p.strip() for p in _GAP.split(text.strip()) if p.strip()]
    if len(parts) > 1 and _LABEL.match(parts[0]):
        parts[:2] = [parts[0] + " " + parts[1]]
    return parts


def table_rows(texts: list[str]) -> set[int]:
    """Indices of the lines that belong to a table (see the module doc)."""
    rows = [k for k, text in enumerate(texts) if len(cells(text)) >= 2]
    out: set[int] = set()
    run: list[int] = []
    for k in rows:
        if run and k - run[-1] - 1 > _MAX_WRAPPED:
            out.update(_span(run))
            run = []
        run.append(k)
    out.update(_span(run))
    return out


def _span(run: list[int]) -> range:
    """The lines from the first to the last row of a run of at least two rows."""
    if len(run) < 2:
        return range(0)
    return range(run[0], run[-1] + 1)
